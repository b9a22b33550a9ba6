"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, the app served by a live server
thread, real rq worker subprocesses (`rq_worker`) on the live app's queue, and `sign_in`.

A test module may override a fixture, e.g. `live_app`. Needs the Debian package `chromium`
(/usr/bin/chromium); Playwright's own browser downloads are never used.
"""

import os
import re
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium stalls on a machine with no internet.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found: install Debian's package with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def live_app(make_app, users):
    """The app with CSRF on, as in production (the `users` were created before it)."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def live_server(live_app):
    """The app served on 127.0.0.1 on a free port, by a threaded werkzeug server in this process."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    server.server_close()


@pytest.fixture
def worker_env(live_app):
    """Workers of browser tests serve the live app's database, Redis and queue."""
    config = live_app.config
    return dict(
        os.environ,
        SIPAS_INSTANCE=live_app.instance_path,
        **{key: str(config[key]) for key in ("DATABASE_URL", "REDIS_URL", "RQ_QUEUE", "SECRET_KEY", "PII_KEY")},
    )


@pytest.fixture
def sign_in(auth):
    """sign_in(page, base_url, username[, password]): through the login form, to the user's home."""

    def go(page, base, username, password=auth.password):
        page.goto(f"{base}/login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("form button[type=submit]")
        page.wait_for_url(re.compile(r"/(admin|interviewer)/$"))

    return go

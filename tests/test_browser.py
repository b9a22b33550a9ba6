"""Real browser tests: Debian's Chromium, driven by Playwright, against a live server and a real rq worker.

Needs the Debian package `chromium` (/usr/bin/chromium); Playwright's own browser downloads are never used.
"""
import os
import re
import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from conftest import FIXTURES, PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium stalls on a machine with no internet.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JOB_TIMEOUT = 30_000  # ms

# The back-office menu links each role sees (read side of permissions.VIEWS), written out on purpose.
MENUS = {
    "admin": {"cases", "imports", "periods", "units", "procedures", "users", "audit"},
    "supervisor": {"cases", "imports", "periods", "units", "procedures"},
    "officer": {"cases", "imports", "periods", "units", "procedures"},
    "auditor": {"cases", "audit"},
}


# --- fixtures ------------------------------------------------------------------------------------

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
def rq_worker(live_app, tmp_path):
    """A real `flask worker` subprocess on the app's database, Redis and queue; started by `start()`."""
    config = live_app.config
    env = dict(os.environ, SIPAS_INSTANCE=live_app.instance_path,
               **{key: config[key] for key in ("DATABASE_URL", "REDIS_URL", "RQ_QUEUE", "SECRET_KEY", "PII_KEY")})
    log = open(tmp_path / "worker.log", "wb")
    procs = []

    def start():
        procs.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", "worker"],
                                      env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))

    yield start
    for proc in procs:
        proc.terminate()  # rq: warm shutdown
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()


def sign_in(page, base, username, password=PASSWORD):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/(admin|interviewer)/$"))


def submit_import(page, base, kind):
    page.goto(f"{base}/admin/imports/")
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", os.path.join(FIXTURES, f"{kind}.csv"))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/imports/\d+$"))


def wait_for_report(page, created):
    report = page.locator("[data-testid=import-report]")
    report.wait_for(timeout=JOB_TIMEOUT)
    assert report.locator("strong").first.inner_text() == str(created)


# --- tests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "supervisor", "officer", "auditor", "enumerator"])
def test_each_role_signs_in_and_sees_its_own_menus(page, live_server, role):
    sign_in(page, live_server, role)
    assert f"Test {role}" in page.inner_text("[data-testid=current-user]")
    if role == "enumerator":
        assert page.url == f"{live_server}/interviewer/"
        assert page.locator("[data-testid=no-assignments]").is_visible()
        return
    assert page.url == f"{live_server}/admin/"
    hrefs = page.eval_on_selector_all("nav.navbar a[href]", "links => links.map(a => a.getAttribute('href'))")
    menus = {m.group(1) for m in map(re.compile(r"^/admin/([a-z]+)/$").match, hrefs) if m}
    assert menus == MENUS[role]


def test_officer_imports_units_procedures_and_cases(page, live_server, rq_worker, tmp_path):
    sign_in(page, live_server, "officer")

    # No worker yet: the job waits in the queue and the run page shows its progress bar...
    submit_import(page, live_server, "units")
    bar = page.locator("[data-testid=progress]")
    assert page.locator(".progress", has=bar).is_visible() and bar.inner_text() == "0%"
    # ...then the worker runs it, and the page polls and reloads itself into the report.
    rq_worker()
    wait_for_report(page, created=6)

    submit_import(page, live_server, "procedures")
    wait_for_report(page, created=5)

    submit_import(page, live_server, "cases")
    wait_for_report(page, created=6)
    lines = page.locator("[data-testid=rejected-rows] tbody td:first-child").all_inner_texts()
    assert lines == ["6", "7", "8", "9"]
    page.screenshot(path=str(tmp_path / "import-report.png"), full_page=True)

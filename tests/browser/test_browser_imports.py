"""Real browser tests: Debian's Chromium, driven by Playwright, against a live server and a real rq worker.

Needs the Debian package `chromium` (/usr/bin/chromium); Playwright's own browser downloads are never used.
The fixtures (browser, page, live_app, live_server, rq_worker, sign_in) are in conftest.py.
"""

import re

import pytest

pytestmark = pytest.mark.browser

# The back-office menu links each role sees (read side of permissions.VIEWS), written out on purpose.
MENUS = {
    "admin": {
        "cases",
        "imports",
        "periods",
        "sampling",
        "sample",
        "questionnaires",
        "review",
        "flags",
        "alerts",
        "outbox",
        "assignments",
        "links",
        "kiosks",
        "enumerators",
        "coverage",
        "units",
        "procedures",
        "users",
        "audit",
        "security",
        "privacy",
        "jobs",
        "results",
        "dashboards",
        "rechecks",
        "discrepancies",
    },
    "supervisor": {
        "cases",
        "imports",
        "periods",
        "sampling",
        "sample",
        "questionnaires",
        "review",
        "flags",
        "alerts",
        "outbox",
        "assignments",
        "links",
        "kiosks",
        "enumerators",
        "coverage",
        "units",
        "procedures",
        "jobs",
        "results",
        "dashboards",
        "discrepancies",
    },
    "officer": {
        "cases",
        "imports",
        "periods",
        "sampling",
        "sample",
        "questionnaires",
        "alerts",
        "links",
        "units",
        "procedures",
        "results",
        "dashboards",
    },
    "auditor": {
        "cases",
        "sampling",
        "sample",
        "links",
        "audit",
        "security",
        "results",
        "dashboards",
        "rechecks",
        "discrepancies",
        "flags",
        "privacy",
    },
}
JOB_TIMEOUT = 30_000  # ms


# --- helpers -------------------------------------------------------------------------------------


def submit_import(page, base, fixture_file, kind):
    page.goto(f"{base}/admin/imports/")
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", fixture_file(f"{kind}.csv"))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/imports/\d+$"))


def wait_for_report(page, created):
    report = page.locator("[data-testid=import-report]")
    report.wait_for(timeout=JOB_TIMEOUT)
    assert report.locator("strong").first.inner_text() == str(created)


# --- tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "supervisor", "officer", "auditor", "enumerator"])
def test_each_role_signs_in_and_sees_its_own_menus(page, live_server, sign_in, role):
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


def test_officer_imports_units_procedures_and_cases(page, live_server, rq_worker, sign_in, fixture_file, tmp_path):
    sign_in(page, live_server, "officer")

    # No worker yet: the job waits in the queue and the run page shows its progress bar...
    submit_import(page, live_server, fixture_file, "units")
    bar = page.locator("[data-testid=progress]")
    assert page.locator(".progress", has=bar).is_visible() and bar.inner_text() == "0%"
    # ...then the worker runs it, and the page polls and reloads itself into the report.
    rq_worker()
    wait_for_report(page, created=6)

    submit_import(page, live_server, fixture_file, "procedures")
    wait_for_report(page, created=5)

    submit_import(page, live_server, fixture_file, "cases")
    wait_for_report(page, created=6)
    lines = page.locator("[data-testid=rejected-rows] tbody td:first-child").all_inner_texts()
    assert lines == ["6", "7", "8", "9"]
    page.screenshot(path=str(tmp_path / "import-report.png"), full_page=True)

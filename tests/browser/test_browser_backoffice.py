"""The back office as its users work it, in Debian's Chromium on a live server (CSRF on), on SQLite and
PostgreSQL: an admin must pick a new user's role; an officer exports the filtered cases list and the
workbook holds masked phones only; an auditor filters the trail by date and verifies the chain."""

import re

import openpyxl
import pytest

from models import AuditRecord, User, now

JOB_TIMEOUT = 30_000  # ms


@pytest.fixture
def live_app(make_app, users, runner, fixture_file):
    """The sample units, procedures and cases, then the app with CSRF on."""
    for kind in ("units", "procedures", "cases"):
        assert runner.invoke(args=["import", kind, fixture_file(f"{kind}.csv")]).exit_code == 0
    return make_app(WTF_CSRF_ENABLED=True)


def test_an_admin_creating_a_user_must_pick_a_role(page, live_server, sign_in):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/users/new/")
    page.fill("#username", "canbo_moi")
    page.fill("#full_name", "Cán Bộ Mới")
    page.fill("#password", "mot-mat-khau-dai-2026")
    assert page.input_value("#role") == "__None"  # the blank choice: nothing preselected
    page.click("form input[type=submit][value='Lưu']")
    assert User.get_or_none(User.username == "canbo_moi") is None
    assert page.locator("#role").is_visible()  # the form again, asking for the role
    page.select_option("#role", label="Cán bộ Sở Nội vụ")
    page.fill("#password", "mot-mat-khau-dai-2026")
    page.click("form input[type=submit][value='Lưu']")
    page.wait_for_url(re.compile(r"/admin/users/"))
    assert User.get(User.username == "canbo_moi").role_id == "officer"


def test_an_officer_exports_the_filtered_cases_and_finds_masked_phones_only(page, live_server, sign_in, tmp_path):
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server}/admin/cases/")
    page.click("text=Thêm bộ lọc")
    page.click("a.filter:has-text('Đơn vị')")
    unit = page.locator("select.filter-val option", has_text="(X01)").first.get_attribute("value")
    # the select is drawn over by select2: set it as a choice in that widget would
    page.eval_on_selector("select.filter-val", "(s, v) => { s.value = v; s.dispatchEvent(new Event('change')); }", unit)
    page.click("#filter_form button[type=submit]")
    page.wait_for_url(re.compile(r"flt\d+_\d+="))
    shown = page.locator("table.model-list tbody tr").count()
    assert shown > 0
    page.click(".nav-tabs a.dropdown-toggle:text-is('Xuất')")
    with page.expect_download() as download:
        page.click("a.dropdown-item:has-text('Xuất XLSX')")
    path = tmp_path / "cases.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã hồ sơ" and len(rows) - 1 == shown
    phones = [r[-1] for r in rows[1:] if r[-1]]
    assert phones and all(re.fullmatch(r"0\d\d\*+\d\d\d", p) for p in phones)
    assert not any("Nguyễn" in str(v) or "@" in str(v) for r in rows for v in r)
    assert AuditRecord.select().where(AuditRecord.action == "export").count() == 1


def test_an_auditor_filters_the_trail_by_date_and_verifies_the_chain(page, live_server, sign_in, rq_worker):
    sign_in(page, live_server, "auditor")
    page.goto(f"{live_server}/admin/audit/")
    page.click("text=Thêm bộ lọc")
    page.click("a.filter:has-text('Ngày')")
    today = now().date()  # the trail's dates are local (Vietnam) time, not the machine's
    page.fill(".filter-val", f"{today:%Y-%m-%d} to {today:%Y-%m-%d}")
    page.click("#filter_form button[type=submit]")
    page.wait_for_url(re.compile(r"flt\d+_\d+="))
    assert page.locator("table.model-list tbody tr").count() > 0
    page.click("[data-testid=verify-chain] button")
    page.wait_for_url(re.compile(r"/admin/jobs/\d+$"))
    rq_worker()
    page.wait_for_url(re.compile(r"/admin/audit/"), timeout=JOB_TIMEOUT)
    assert "toàn vẹn" in page.inner_text(".alert-success").lower()

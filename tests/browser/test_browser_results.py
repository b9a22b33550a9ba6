"""An officer compiles a month's results in Chromium (the job's progress page, then back), compiles
again after a correction and sees what changed, publishes the latest version and downloads its
workbook, which the test opens with openpyxl; the printable report stands alone.

Live server, a real rq worker subprocess, SQLite and PostgreSQL (fixtures in conftest.py). Things are
found by data-testid and the outcome checked in the database and the workbook, never in the text."""

import re

import openpyxl
import pytest

from fieldwork import review
from models import ResultStatus, ResultVersion, Unit

pytestmark = pytest.mark.browser

JOB_TIMEOUT = 60_000  # ms: a compilation of a test month
MONTH = "2026-10"


@pytest.fixture
def approve(submitted_interview, users):
    """approve(username="dtv1", **answers): an interview submitted and approved."""

    def make(username="dtv1", **answers):
        return review.approve(submitted_interview(username, **answers).id, users["supervisor"])

    return make


@pytest.fixture
def live_app(make_app, users, approve):
    """Two approved interviews of October, then the app with CSRF on."""
    approve()
    approve(thai_do="2")
    return make_app(WTF_CSRF_ENABLED=True)


def test_officer_compiles_compares_publishes_and_downloads_the_workbook(
    page, live_server, rq_worker, sign_in, approve, tmp_path
):
    results = re.compile(re.escape(f"{live_server}/admin/results/?period={MONTH}") + "$")
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server}/admin/results/?period={MONTH}")
    assert page.locator("[data-testid=no-versions]").is_visible()

    # Compile: no worker yet, so the job's page shows its progress; the worker runs it and the page
    # comes back to the results.
    page.fill("[data-testid=compile-form] input[name=note]", "Lần đầu")
    page.click("[data-testid=compile]")
    page.wait_for_url(re.compile(r"/admin/jobs/[\w-]+$"))
    assert page.locator("[data-testid=progress]").is_visible()
    rq_worker()
    page.wait_for_url(results, timeout=JOB_TIMEOUT)
    assert page.locator("[data-testid=versions] tbody tr").count() == 1
    assert page.locator("[data-testid=publish-1]").is_visible()
    first = ResultVersion.get()
    assert first.figures_dict()["province"]["completed"] == 2

    # A third interview approved: a second compilation, compared with the first.
    approve("dtv2")
    page.fill("[data-testid=compile-form] input[name=note]", "Thêm phiếu")
    page.click("[data-testid=compile]")
    page.wait_for_url(results, timeout=JOB_TIMEOUT)
    assert page.locator("[data-testid=versions] tbody tr").count() == 2
    assert page.locator("[data-testid=changes]").is_visible()
    assert page.locator("[data-testid=publish-1]").count() == 0  # only the latest can be published

    # Publish the latest.
    page.click("[data-testid=publish-2]")
    page.wait_for_url(re.compile(r"/admin/results/\?period=2026-10&version=2$"))
    latest = ResultVersion.latest(first.period)
    assert latest.number == 2 and latest.status == ResultStatus.PUBLISHED
    assert page.locator("[data-testid=status-2] .badge").is_visible()

    # Download the workbook and open it.
    with page.expect_download() as download:
        page.click("[data-testid=download-xlsx]")
    path = tmp_path / "results.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename == f"sipas-{MONTH}-v2.xlsx"
    book = openpyxl.load_workbook(path)
    cover = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert MONTH in cover and 2 in cover and latest.audit_hash in cover
    ranking = book.worksheets[1]
    assert ranking.freeze_panes == "A2"
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    units = {u.code: u for u in Unit.select()}
    assert {r[1] for r in rows} == set(units)  # every unit, by its code
    figures = {u["unit"]: u for u in latest.figures_dict()["units"]}
    answered = [r for r in rows if r[3]]
    assert sum(r[3] for r in answered) == 3  # responses, as numbers
    for row in answered:
        assert row[2] == units[row[1]].name
        assert isinstance(row[4], float) and row[4] == pytest.approx(figures[row[1]]["overall"]["index"])

    # The printable report: one page, nothing loaded from elsewhere, the chain head at its foot.
    page.goto(f"{live_server}/admin/results/report/{latest.id}")
    assert page.locator("[data-testid=results-report] svg").count() >= 1
    assert str(latest.audit_seq) in page.inner_text("[data-testid=report-audit-head]")
    assert page.locator("script, link, img").count() == 0

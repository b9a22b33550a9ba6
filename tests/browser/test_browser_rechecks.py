"""An auditor draws a month's re-check sample in Chromium (a job), opens one of their cases, shows the
phone, records a discrepancy; a supervisor invalidates that interview from the comparison page, and
the results version compiled after it counts one complete less for the interview's unit.

Live server, a real rq worker subprocess, SQLite and PostgreSQL (fixtures in conftest.py). Things are
found by data-testid and the outcome checked in the database, never in the text."""

import re

import pytest

from fieldwork import review
from models import Case, Interview, InterviewStatus, Period, RecheckCase, ResultVersion, Unit
from results import service as results

pytestmark = pytest.mark.browser

JOB_TIMEOUT = 60_000  # ms
MONTH = "2026-10"


@pytest.fixture
def live_app(make_app, users, submitted_interview):
    """Three approved interviews of October (two enumerators), version 1 of its results, then the app
    with CSRF on."""
    for name in ("dtv1", "dtv1", "dtv2"):
        review.approve(submitted_interview(name).id, users["supervisor"])
    results.compile_period(Period.get(Period.month == MONTH))
    return make_app(WTF_CSRF_ENABLED=True)


def completes(version):
    return {u["unit"]: u["completed"] for u in version.figures_dict()["units"]}


def test_auditor_rechecks_and_supervisor_invalidates_into_a_new_results_version(page, live_server, rq_worker, sign_in):
    rechecks = re.compile(re.escape(f"{live_server}/admin/rechecks/?period={MONTH}") + "$")
    sign_in(page, live_server, "auditor")
    page.goto(f"{live_server}/admin/rechecks/?period={MONTH}")
    assert page.locator("[data-testid=not-drawn]").is_visible()

    # The draw: a job; the worker runs it and the page comes back with the auditor's cases.
    page.fill("[data-testid=draw-form] input[name=share]", "100")
    page.fill("[data-testid=draw-form] input[name=seed]", "trinh-duyet")
    page.click("[data-testid=draw]")
    page.wait_for_url(re.compile(r"/admin/jobs/[\w-]+$"))
    rq_worker()
    page.wait_for_url(rechecks, timeout=JOB_TIMEOUT)
    assert page.inner_text("[data-testid=seed]") == "trinh-duyet"
    assert page.locator("[data-testid=my-cases] tbody tr").count() == 3

    # One case: the phone on request, then a discrepancy on a question that must not change.
    case = RecheckCase.select().order_by(RecheckCase.enumerator, RecheckCase.rank).first()
    page.click(f"[data-testid=case-{case.id}] a")
    assert page.locator("[data-testid=phone]").count() == 0
    page.click("[data-testid=reveal-phone]")
    assert re.fullmatch(r"\+84\d{9}", page.inner_text("[data-testid=phone]"))  # stored normalised
    page.check("#outcome-discrepancy")
    page.check("input[name=dung_ho_so][value=co]")
    page.check("input[name=phien_ha][value=co]")
    page.click("[data-testid=record]")
    assert page.locator("[data-testid=recheck-outcome]").is_visible()
    assert page.locator("[data-testid=comparison] tr.table-warning").count() == 1
    done = RecheckCase.get_by_id(case.id)
    assert (done.outcome, done.compared_1, done.differing_1) == ("discrepancy", 2, 1)

    # The supervisor invalidates the interview: a compilation follows, and the page comes back.
    page.context.clear_cookies()
    sign_in(page, live_server, "supervisor")
    page.goto(f"{live_server}/admin/discrepancies/?period={MONTH}")
    assert page.locator(f"[data-testid=flagged-{case.enumerator_id}]").is_visible()  # 1 of 2: above 10 %
    page.fill(f"[data-testid=invalidate-form-{case.id}] input[name=reason]", "Người dân nói không có phiền hà")
    page.click(f"[data-testid=invalidate-{case.id}]")
    page.wait_for_url(
        re.compile(rf"{re.escape(live_server)}/admin/discrepancies/\?period={MONTH}$"), timeout=JOB_TIMEOUT
    )
    assert page.locator(f"[data-testid=invalidate-{case.id}]").count() == 0
    interview = Interview.get_by_id(case.interview_id)
    assert interview.status == InterviewStatus.INVALIDATED and interview.invalidation_reason.startswith("Người")

    period = Period.get(Period.month == MONTH)
    first, second = ResultVersion.get(period=period, number=1), ResultVersion.latest(period)
    assert second.number == 2
    unit = Unit.get_by_id(Case.get_by_id(interview.case_id).unit_id).code
    assert completes(second)[unit] == completes(first)[unit] - 1

"""The strict Content-Security-Policy in Debian's Chromium: the main pages of every role (back office
home, lists, forms, the interviewer app, the respondent's survey, the public results and the printable
notice) open with no violation reported (`securitypolicyviolation` events and "Refused to" console
errors), and their scripts still work: a period select navigates, Flask-Admin's "with selected" menu
runs an action, a confirmation is asked, the interview form's skip rule shows a question."""

import re

import pytest
from playwright.sync_api import expect

from fieldwork import review
from models import Assignment, Case, Channels, Interview, Period, QuestionnaireVersion, ResultVersion, SampleCase, User

pytestmark = pytest.mark.browser

REPORT = """
document.addEventListener('securitypolicyviolation', function (e) {
  window.cspViolation([e.violatedDirective, e.blockedURI, e.sample, e.sourceFile + ':' + e.lineNumber].join(' | '));
});
"""


@pytest.fixture
def live_app(make_app, users, self_survey_ready, submitted_interview, runner):
    """October drawn and assigned, two interviews approved, the results compiled and published, a second
    period open (so that the period selects have a choice), then the app with CSRF on."""
    for thai_do in ("5", "2"):
        review.approve(submitted_interview(thai_do=thai_do).id, users["supervisor"])
    for args in (["results", "compile", "--period", "2026-10"], ["results", "publish", "--period", "2026-10"]):
        assert runner.invoke(args=args).exit_code == 0
    Period.create(month="2026-11")
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def watched(browser):
    """watched() -> (page, violations): a page whose every policy violation (an event, or Chromium's
    "Refused to…" console error) lands in `violations`."""
    contexts = []

    def open_page():
        violations = []
        context = browser.new_context(locale="vi-VN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.expose_function("cspViolation", lambda text: violations.append(f"{page.url}: {text}"))
        page.add_init_script(REPORT)
        page.on(
            "console",
            lambda m: (
                violations.append(f"{page.url}: {m.text}")
                if "Refused to" in m.text or "Content Security Policy" in m.text
                else None
            ),
        )
        return page, violations

    yield open_page
    for context in contexts:
        context.close()


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")


def test_back_office_pages_of_each_role_open_without_a_violation(watched, live_server, sign_in):
    version = ResultVersion.get()
    interview = Interview.select().order_by(Interview.id).first()
    questionnaire = QuestionnaireVersion.select().order_by(QuestionnaireVersion.id).first()
    unit = Case.get_by_id(SampleCase.get(SampleCase.id == interview.assignment.sample_id).case_id).unit_id
    case = Case.select().order_by(Case.id).first()
    pages = {
        "admin": [
            "/admin/",
            "/admin/users/",
            "/admin/users/new/",
            f"/admin/users/edit/?id={User.get(User.username == 'officer').id}",
            "/admin/audit/",
            "/admin/security/",
            "/admin/jobs/",
        ],
        "supervisor": [
            "/admin/",
            "/admin/cases/",
            f"/admin/case/{case.id}",
            "/admin/imports/",
            "/admin/periods/",
            "/admin/periods/new/",
            "/admin/sampling/?period=2026-10",
            "/admin/sample/",
            "/admin/assignments/?period=2026-10",
            "/admin/review/",
            f"/admin/review/{interview.id}",
            "/admin/alerts/",
            "/admin/outbox/",
            "/admin/interview_imports/",
            "/admin/links/?period=2026-10",
            f"/admin/links/poster/{unit}",
            "/admin/kiosks/",
            "/admin/enumerators/",
            "/admin/coverage/",
            "/admin/questionnaires/",
            f"/admin/questionnaires/{questionnaire.id}/preview",
            "/admin/dashboards/?period=2026-10",
        ],
        "officer": [
            "/admin/",
            "/admin/units/",
            "/admin/units/new/",
            "/admin/procedures/",
            "/admin/results/?period=2026-10",
            f"/admin/results/report/{version.id}",
        ],
        "auditor": ["/admin/", "/admin/audit/", "/admin/sampling/?period=2026-10", "/admin/results/?period=2026-10"],
    }
    for role, urls in pages.items():
        page, violations = watched()
        sign_in(page, live_server, role)
        for url in urls:
            visit(page, live_server + url)
        page.wait_for_timeout(300)  # late scripts (select2, the alert badge)
        assert violations == [], (role, violations)


def test_the_back_office_scripts_still_work_under_the_policy(watched, live_server, sign_in):
    page, violations = watched()
    sign_in(page, live_server, "admin")
    # a period select navigates when changed
    visit(page, f"{live_server}/admin/sampling/?period=2026-10")
    with page.expect_navigation():
        page.select_option("#period", "2026-11")
    assert page.url.endswith("period=2026-11")
    # Flask-Admin's list: a filter added from its menu, then the "with selected" menu runs an action
    # after its confirmation
    visit(page, f"{live_server}/admin/security/")
    page.click("text=Thêm bộ lọc")
    page.locator("a.filter").first.click()
    expect(page.locator(".filter-op").first).to_be_visible()
    visit(page, f"{live_server}/admin/users/")
    officer = User.get(User.username == "officer")
    page.check(f"input.action-checkbox[value='{officer.id}']")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Với các dòng đã chọn")
    with page.expect_navigation():
        page.click("[data-fa-action=lock]")
    assert User.get_by_id(officer.id).locked_by_admin
    # a confirmation refused keeps the form from being sent
    visit(page, f"{live_server}/admin/assignments/?period=2026-10")
    page.once("dialog", lambda dialog: dialog.dismiss())
    form = page.locator("form[data-confirm]").first
    url = page.url
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_timeout(300)
    assert page.url == url
    assert violations == []


def test_the_interviewer_app_respondent_survey_and_public_pages_keep_to_the_policy(
    watched, live_server, sign_in, sent_link
):
    page, violations = watched()
    sign_in(page, live_server, "dtv1")
    with page.expect_navigation():  # the unit filter submits itself
        page.select_option("select[name=state]", index=1)
    assert "state=" in page.url
    enumerator = User.get(User.username == "dtv1")
    assignment = (
        Assignment.select()
        .join(SampleCase)
        .join(Case, on=(SampleCase.case == Case.id))
        .where(
            (Assignment.enumerator == enumerator)
            & (Assignment.status == "open")
            & (SampleCase.mode == "phone")
            & (Case.channel == Channels.DIRECT)
        )
        .order_by(Assignment.id)
        .first()
    )
    visit(page, f"{live_server}/interviewer/a/{assignment.id}")
    page.click("[data-testid=start-interview]")
    page.wait_for_url(re.compile(r"/interviewer/i/\d+$"))
    after_consent = page.locator(".question[data-name=dung_ho_so]")
    expect(after_consent).to_be_hidden()  # consent first
    page.locator(".question[data-name=dong_y] input[value=co]").check()
    expect(after_consent).to_be_visible()  # the skip rule ran (js/interview.js)
    assert violations == []

    respondent, seen = watched()
    _link, token = sent_link()
    visit(respondent, f"{live_server}/s/{token}")
    respondent.wait_for_url(re.compile(r"/survey"))
    respondent.locator("input[value=co]").first.check()
    with respondent.expect_navigation():
        respondent.click("[data-testid=next]")
    for url in ("/ket-qua", "/ket-qua/2026-10", "/login"):
        visit(respondent, live_server + url)
    assert seen == []

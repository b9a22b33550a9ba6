"""The interviewer app as enumerators hold it, in Debian's Chromium at 360×740 (a small phone) on a live
server (CSRF on), on SQLite and PostgreSQL, with October drawn and assigned (`fieldwork_ready`): a
no-answer and an appointment recorded; an interview completed through a skip rule with the network
lost in the middle (Playwright's offline mode: twice while answering, once with the page closed, and at
the submission; also a save held on a slow line and a Wi-Fi sign-in page answering instead of the
server), every answer found once in the interview and in its audit trail, then locked after
submission; a second enumerator kept out of the first's work; a supervisor rejecting an interview
back, then approving it once submitted again (its alert raised once)."""

import datetime
import json
import re

import pytest
from playwright.sync_api import expect

from models import (
    Alert,
    Assignment,
    AuditRecord,
    CallAttempt,
    Case,
    Channels,
    Interview,
    Modes,
    SampleCase,
    User,
    now,
)

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 740
HOME = re.compile(r"/interviewer/$")


@pytest.fixture
def live_app(make_app, users, fieldwork_ready):
    """October drawn and assigned (the shipped forms published), then the app with CSRF on."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def phone(browser):
    """phone(): a page in a new browser context (its own sign-in and storage) sized as a small phone."""
    contexts = []

    def open_page():
        context = browser.new_context(
            locale="vi-VN", viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def direct_phone_work(username):
    """The enumerator's open phone assignments of cases submitted in person (the form with thu_xin_loi)."""
    return list(
        Assignment.select()
        .join(SampleCase)
        .join(Case, on=(SampleCase.case == Case.id))
        .where(
            (Assignment.enumerator == User.get(User.username == username))
            & (Assignment.status == "open")
            & (SampleCase.mode == Modes.PHONE)
            & (Case.channel == Channels.DIRECT)
        )
        .order_by(Assignment.id)
    )


def code_of(assignment):
    return Case.get_by_id(SampleCase.get_by_id(assignment.sample_id).case_id).code


def fits_the_screen(page):
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def item_of(page, assignment):
    return page.locator(f"[data-testid=assignments] li:has(a[href='/interviewer/a/{assignment.id}'])")


def post_json(page, url, answers):
    """POST answers from the page as interview.js does (its CSRF token); the status."""
    return page.evaluate(
        """async ([url, answers]) => {
          const token = document.querySelector('input[name=csrf_token]').value;
          const response = await fetch(url, {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
            body: JSON.stringify({answers: answers})});
          return response.status;
        }""",
        [url, answers],
    )


def post_form(page, url, fields):
    """POST a form from the page with its CSRF token; the status (redirects not followed)."""
    return page.evaluate(
        """async ([url, fields]) => {
          const body = new URLSearchParams(fields);
          body.set('csrf_token', document.querySelector('input[name=csrf_token]').value);
          const response = await fetch(url, {method: 'POST', credentials: 'same-origin', body: body,
            redirect: 'manual'});
          return response.type === 'opaqueredirect' ? 302 : response.status;
        }""",
        [url, fields],
    )


# ---- the interview page


def question(page, name):
    return page.locator(f".question[data-name={name}]")


def answer(page, name, value):
    """Answer as the enumerator does: tap a choice, or type a number or text (then leave the field)."""
    kind = question(page, name).get_attribute("data-kind")
    if kind in ("select_one", "select_multiple"):
        page.locator(f".question[data-name={name}] input[value='{value}']").check()
    else:
        field = question(page, name).locator("input, textarea")
        field.fill(str(value))
        if kind != "text":
            field.blur()  # a number is taken on change


def answer_all(page, answers):
    for name, value in answers.items():
        answer(page, name, value)


def expect_saved(page):
    state = page.locator("[data-testid=save-state]")
    expect(state).to_have_text(state.get_attribute("data-saved"))


def expect_sending(page):
    state = page.locator("[data-testid=save-state]")
    expect(state).to_have_text(state.get_attribute("data-sending"))


def expect_waiting(page, n):
    state = page.locator("[data-testid=save-state]")
    expect(state).to_have_text(state.get_attribute("data-waiting").replace("%(n)s", str(n)))


def stored(interview_id):
    return Interview.get_by_id(interview_id).answers_dict()


def arrivals(interview_id, name, value):
    """The audit records of the interview in which answer `name` became `value`."""
    out = 0
    for record in AuditRecord.select().where(
        (AuditRecord.model == "interview") & (AuditRecord.object_id == str(interview_id))
    ):
        before = json.loads(json.loads(record.before or "{}").get("answers") or "{}")
        after = json.loads(json.loads(record.after or "{}").get("answers") or "{}")
        if after.get(name) == value and before.get(name) != value:
            out += 1
    return out


def assert_arrived_once(interview_id, answers):
    held = stored(interview_id)
    for name, value in answers.items():
        assert held.get(name) == value, name
        assert arrivals(interview_id, name, value) == 1, name


# ---- the tests


def test_an_enumerator_records_a_no_answer_then_sets_an_appointment(phone, live_server, sign_in):
    page = phone()
    sign_in(page, live_server, "dtv1")
    first, second = direct_phone_work("dtv1")[:2]
    fits_the_screen(page)
    item_of(page, first).click()
    expect(page.locator("[data-testid=case-code]")).to_have_text(code_of(first))
    fits_the_screen(page)
    page.click("[data-testid=reveal-phone]")
    expect(page.locator("[data-testid=phone-number]")).to_have_attribute("href", re.compile(r"^tel:\+84\d{9}$"))

    page.select_option("#outcome", "3.13")
    page.click("[data-testid=attempt-form] button[type=submit]")
    page.wait_for_url(HOME)
    expect(page.locator(".alert-success")).to_contain_text("Không nghe máy")
    attempt = CallAttempt.get(CallAttempt.assignment == first.id)
    assert attempt.disposition_code == "3.13" and attempt.enumerator_id == first.enumerator_id
    first = Assignment.get_by_id(first.id)
    assert (first.status, first.attempt_count) == ("open", 1) and first.next_at > now()
    expect(item_of(page, first)).to_have_attribute("data-group", "3")  # waits, greyed, at the end
    expect(item_of(page, first)).to_contain_text("1 lần liên hệ")
    assert page.locator("[data-testid=assignments] li").last.get_attribute("data-group") == "3"

    item_of(page, second).click()
    page.select_option("#outcome", "2.211")
    page.click("[data-testid=attempt-form] button[type=submit]")  # no time given
    expect(page.locator(".alert-danger")).to_have_text("Lịch hẹn cần ngày và giờ sau thời điểm hiện tại.")
    assert Assignment.get_by_id(second.id).attempt_count == 0
    when = (now() + datetime.timedelta(hours=2)).replace(second=0, microsecond=0)  # the province's time
    page.select_option("#outcome", "2.211")
    page.fill("#appointment_at", when.strftime("%Y-%m-%dT%H:%M"))
    page.click("[data-testid=attempt-form] button[type=submit]")
    page.wait_for_url(HOME)
    second = Assignment.get_by_id(second.id)
    assert (second.status, second.attempt_count, second.appointment_at) == ("open", 1, when)
    expect(item_of(page, second)).to_contain_text(when.strftime("%H:%M"))
    item_of(page, second).click()
    expect(page.locator(".alert-info")).to_contain_text(when.strftime("%H:%M"))
    expect(page.locator("[data-testid=attempts] li")).to_have_count(1)


def test_an_interview_through_a_skip_rule_with_the_line_lost_arrives_once_and_locks(phone, live_server, sign_in):
    page = phone()
    context = page.context
    sign_in(page, live_server, "dtv1")
    assignment = direct_phone_work("dtv1")[0]
    page.goto(f"{live_server}/interviewer/a/{assignment.id}")
    page.click("[data-testid=start-interview]")
    page.wait_for_url(re.compile(r"/interviewer/i/\d+$"))
    url = page.url
    interview = Interview.get(Interview.assignment == assignment.id)
    assert interview.version.questionnaire.form_id == "sipas_truc_tiep"
    expect(question(page, "dung_ho_so")).to_be_hidden()  # consent first
    fits_the_screen(page)

    online = {
        "dong_y": "co",
        "dung_ho_so": "co",
        "co_so_vat_chat": "4",
        "thong_tin_tien_ich": "5",
        "niem_yet": "4",
        "dung_quy_dinh": "3",
        "cong_chuc_tiep_nhan": "5",
    }
    answer_all(page, online)
    expect_saved(page)
    expect(question(page, "thu_xin_loi")).to_be_hidden()
    assert_arrived_once(interview.id, online)

    # The line drops: the answers wait on the phone, the apology letter is asked of a late result.
    context.set_offline(True)
    offline = {
        "cong_chuc_giai_quyet": "4",
        "thai_do": "5",
        "nang_luc": "khong_y_kien",
        "phien_ha": "khong",
        "dung_hen": "tre_hen",
    }
    answer_all(page, offline)
    expect(question(page, "thu_xin_loi")).to_be_visible()
    answer(page, "thu_xin_loi", "co")
    offline["thu_xin_loi"] = "co"
    expect_waiting(page, len(offline))
    fits_the_screen(page)
    assert not set(offline) & set(stored(interview.id))
    context.set_offline(False)  # back: sent at once, not at the next 15-second try
    expect_saved(page)
    assert_arrived_once(interview.id, {**online, **offline})

    # It drops again and the page is closed: the answers kept by the phone are sent when it is opened again.
    context.set_offline(True)
    again = {"ket_qua_chinh_xac": "5", "so_lan_di_lai": "2", "da_gop_y": "co"}
    answer_all(page, again)
    expect(question(page, "xu_ly_gop_y")).to_be_visible()
    answer(page, "xu_ly_gop_y", "4")
    answer(page, "da_gop_y", "khong")  # changed: the follow-up is no longer asked
    expect(question(page, "xu_ly_gop_y")).to_be_hidden()
    expect_waiting(page, 4)
    page.close()  # the page is closed while the line is down, and opened again once it is back
    context.set_offline(False)
    page = context.new_page()
    page.goto(url)
    expect(question(page, "ket_qua_chinh_xac").locator("input[value='5']")).to_be_checked()
    expect(question(page, "so_lan_di_lai").locator("input")).to_have_value("2")
    expect(question(page, "da_gop_y").locator("input[value=khong]")).to_be_checked()
    expect(question(page, "xu_ly_gop_y")).to_be_hidden()
    expect_saved(page)
    again = {"ket_qua_chinh_xac": "5", "so_lan_di_lai": 2, "da_gop_y": "khong"}
    assert_arrived_once(interview.id, {**online, **offline, **again})
    assert "xu_ly_gop_y" not in stored(interview.id)  # not asked: its answer dropped by the server too
    answer(page, "da_gop_y", "co")  # a wrong tap, put right: the follow-up is asked again, as it was answered
    expect(question(page, "xu_ly_gop_y").locator("input[value='4']")).to_be_checked()
    expect_saved(page)
    again.update(da_gop_y="co", xu_ly_gop_y="4")
    assert_arrived_once(interview.id, {**online, **offline, **again})

    # A slow line: what is answered while a save is under way follows as soon as that one is back.
    saves, held = f"{url}/answers", []
    page.route(saves, lambda route: route.continue_() if held else held.append(route))  # the first one waits
    answer(page, "kenh_gop_y", "3")
    expect_sending(page)
    answer(page, "van_ban", "4")
    page.wait_for_timeout(700)  # the page's half-second pause before sending passes while the first save waits
    held[0].continue_()
    expect_saved(page)  # well before the next 15-second try
    page.unroute(saves)
    last = {"kenh_gop_y": "3", "van_ban": "4"}
    assert_arrived_once(interview.id, last)

    # A line that answers with a Wi-Fi sign-in page instead of the server's reply: nothing is taken as saved.
    portal = "<html><body>Đăng nhập Wi-Fi miễn phí</body></html>"
    page.route(saves, lambda route: route.fulfill(status=200, content_type="text/html", body=portal))
    with page.expect_response(saves):
        answer(page, "hai_long_chung", "4")
    expect_waiting(page, 1)
    assert "hai_long_chung" not in stored(interview.id)
    page.unroute(saves)
    answer(page, "de_xuat", "Cần thêm ghế chờ")  # sent with the one that waits
    expect_saved(page)
    last.update(hai_long_chung="4", de_xuat="Cần thêm ghế chờ")
    assert_arrived_once(interview.id, last)

    # Submitted with the line down: what waits is sent first, then the interview, once the line is back.
    context.set_offline(True)
    answer(page, "de_xuat", "Cần thêm ghế chờ và nước uống")
    last["de_xuat"] = "Cần thêm ghế chờ và nước uống"
    page.click("[data-testid=submit]")
    expect_waiting(page, 1)
    assert Interview.get_by_id(interview.id).status == "in_progress"
    context.set_offline(False)
    page.wait_for_url(HOME)
    expect(page.locator(".alert-success")).to_have_text("Đã gửi cuộc phỏng vấn. Xin cảm ơn.")
    expect(item_of(page, assignment)).to_have_count(0)
    interview = Interview.get_by_id(interview.id)
    assert interview.status == "submitted" and interview.complete_case_id == interview.case_id
    assert interview.answers_dict() == {**online, **offline, **again, **last}
    assert Assignment.get_by_id(assignment.id).outcome == "1.1"
    assert_arrived_once(interview.id, interview.answers_dict())

    # Locked: shown read-only, refused by the server.
    page.goto(url)
    expect(page.locator("[data-testid=submitted]")).to_be_visible()
    expect(page.locator("[data-testid=save-state]")).to_have_count(0)
    expect(page.locator("[data-testid=submit]")).to_have_count(0)
    fields = page.locator("#questionnaire input:not([type=hidden]), #questionnaire textarea")
    assert fields.count() > 20
    for i in range(fields.count()):
        expect(fields.nth(i)).to_be_disabled()
    expect(question(page, "de_xuat").locator("textarea")).to_have_value(last["de_xuat"])
    assert post_json(page, f"{url}/answers", {"de_xuat": "sửa"}) == 403
    assert post_form(page, f"{url}/submit", {"de_xuat": "sửa"}) == 302  # "sent already", nothing changed
    assert Interview.get_by_id(interview.id).answers == interview.answers


def test_a_second_enumerator_cannot_open_the_firsts_work(phone, live_server, sign_in):
    first = phone()
    sign_in(first, live_server, "dtv1")
    assignment = direct_phone_work("dtv1")[0]
    first.goto(f"{live_server}/interviewer/a/{assignment.id}")
    first.click("[data-testid=start-interview]")
    first.wait_for_url(re.compile(r"/interviewer/i/\d+$"))
    answer(first, "dong_y", "co")
    expect_saved(first)
    interview = Interview.get(Interview.assignment == assignment.id)
    records = AuditRecord.select().count()

    second = phone()
    sign_in(second, live_server, "dtv2")
    expect(second.locator("[data-testid=assignments]")).not_to_contain_text(code_of(assignment))
    for path in (f"/interviewer/a/{assignment.id}", f"/interviewer/i/{interview.id}"):
        response = second.goto(f"{live_server}{path}")
        assert response.status == 403, path
        expect(second.locator("body")).not_to_contain_text(code_of(assignment))
        expect(second.locator("[data-testid=questionnaire], [data-testid=phone-card]")).to_have_count(0)
    second.goto(f"{live_server}/interviewer/")  # a page of theirs, for its CSRF token
    base = f"{live_server}/interviewer"
    assert post_json(second, f"{base}/i/{interview.id}/answers", {"dong_y": "khong"}) == 403
    assert post_form(second, f"{base}/i/{interview.id}/submit", {"dong_y": "khong"}) == 403
    assert post_form(second, f"{base}/a/{assignment.id}/phone", {}) == 403
    assert post_form(second, f"{base}/a/{assignment.id}/attempt", {"outcome": "2.11"}) == 403
    assert post_form(second, f"{base}/a/{assignment.id}/interview", {}) == 403
    assert AuditRecord.select().count() == records  # no reveal, attempt or answer
    assert Interview.get_by_id(interview.id).answers_dict() == {"dong_y": "co"}
    assert Assignment.get_by_id(assignment.id).attempt_count == 0


def test_a_supervisor_rejects_an_interview_then_approves_it_answered_again(
    phone, live_server, sign_in, submitted_interview
):
    interview = submitted_interview("dtv1", hai_long_chung="1")  # very dissatisfied: an alert for the unit
    assert Alert.select().where(Alert.interview == interview.id).count() == 1
    code = Case.get_by_id(interview.case_id).code
    supervisor = phone()
    sign_in(supervisor, live_server, "supervisor")
    supervisor.goto(f"{live_server}/admin/review/")
    fits_the_screen(supervisor)
    supervisor.click(f"[data-testid=review-list] a:text-is('{code}')")
    supervisor.wait_for_url(re.compile(rf"/admin/review/{interview.id}$"))
    fits_the_screen(supervisor)
    comment = "Hỏi lại câu hài lòng chung"
    supervisor.fill("[data-testid=review-actions] input[name=comment]", comment)
    supervisor.click("[data-testid=review-actions] button.btn-outline-danger")
    expect(supervisor.locator(".alert-success")).to_contain_text("Đã trả lại cho điều tra viên")
    rejected = Interview.get_by_id(interview.id)
    assert (rejected.status, rejected.complete_case_id, rejected.review_comment) == ("rejected", None, comment)
    assert Assignment.get_by_id(interview.assignment_id).status == "open"

    enumerator = phone()
    sign_in(enumerator, live_server, "dtv1")
    item_of(enumerator, Assignment.get_by_id(interview.assignment_id)).click()
    enumerator.click("[data-testid=start-interview]")  # continues the rejected interview
    enumerator.wait_for_url(re.compile(rf"/interviewer/i/{interview.id}$"))
    expect(enumerator.locator("[data-testid=rejected]")).to_contain_text(comment)
    fits_the_screen(enumerator)
    answer(enumerator, "so_lan_di_lai", "2")
    enumerator.click("[data-testid=submit]")
    enumerator.wait_for_url(HOME)
    resubmitted = Interview.get_by_id(interview.id)
    assert resubmitted.status == "submitted" and resubmitted.answers_dict()["so_lan_di_lai"] == 2

    supervisor.goto(f"{live_server}/admin/review/{interview.id}")
    supervisor.click("[data-testid=review-actions] button.btn-success")
    expect(supervisor.locator(".alert-success")).to_contain_text("Đã duyệt")
    expect(supervisor.locator("[data-testid=review-actions]")).to_have_count(0)
    approved = Interview.get_by_id(interview.id)
    assert (approved.status, approved.complete_case_id) == ("approved", approved.case_id)
    assert approved.reviewed_by_id == User.get(User.username == "supervisor").id
    alerts = Alert.select().where(Alert.interview == interview.id)
    assert [(a.question, a.answer) for a in alerts] == [("hai_long_chung", "1")]  # raised once, not per submission

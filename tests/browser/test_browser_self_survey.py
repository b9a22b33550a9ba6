"""The respondent's pages as citizens hold them, in Debian's Chromium at 360×740 (a small phone) on a
live server (CSRF on), on SQLite and PostgreSQL, with October drawn and assigned and the shipped forms
given to self-administered answers (`self_survey_ready`): a link answered page by page through a skip
rule (with JavaScript, and without), left and resumed in another browser, submitted once; a second
submission and a locked link refused; the kiosk back to its code page after a submission and after an
idle time; a case answered online gone from its enumerator's list; and each survey page accessible
(labels, language, headings, keyboard, no sideways scrolling, contrast) and under 100 KB."""

import datetime
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from links import service, tokens
from models import (
    Assignment,
    AssignmentStatus,
    Case,
    Channels,
    Interview,
    InterviewStatus,
    Kiosk,
    LinkChannels,
    LinkStatus,
    MessagePurpose,
    Modes,
    Period,
    SampleCase,
    SurveyLink,
    User,
    now,
    token_hash,
)

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 740
SURVEY = re.compile(r"/survey(\?p=\d+)?$")
KIOSK_HOME = re.compile(r"/kiosk$")
KIOSK_SECRET = "k" * 32
MAX_BYTES = 100_000
# The in-person form's answers with the skip rule taken: late, so the apology letter is asked too.
LATE = {"dung_hen": "tre_hen", "thu_xin_loi": "co"}


@pytest.fixture
def config_overrides():
    """Config of the live app; a test may parametrize it (the kiosk's idle time)."""
    return {}


@pytest.fixture
def live_app(make_app, users, self_survey_ready, config_overrides):
    """October drawn and assigned, the forms given to self-administered answers, the app with CSRF on."""
    return make_app(WTF_CSRF_ENABLED=True, **config_overrides)


@pytest.fixture
def phone(browser):
    """phone(javascript=True): a page in a new browser context (its own cookies) sized as a small phone."""
    contexts = []

    def open_page(javascript=True):
        context = browser.new_context(
            locale="vi-VN",
            viewport={"width": WIDTH, "height": HEIGHT},
            is_mobile=True,
            has_touch=True,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def first_direct_case():
    return Case.select().where(Case.channel == Channels.DIRECT).order_by(Case.id).first()


def sent_link(case):
    """A link of the case sent now by e-mail (as the outbox does) and a token that opens it."""
    link = SurveyLink.create(case=case, period=Period.for_month(case.month), channel=LinkChannels.EMAIL)
    service.mark_sent(link)
    return SurveyLink.get_by_id(link.id), tokens.mint(link, MessagePurpose.INVITE)


# ---- the survey page


def page_index(page):
    return int(page.locator("input[name=page]").get_attribute("value"))


def question(page, name):
    return page.locator(f".question[data-name={name}]")


def asked(page):
    """The names of the questions the page shows now (skip rules applied), in order."""
    return page.eval_on_selector_all(
        ".question[data-kind]:not([data-kind=note])",
        "qs => qs.filter(q => !q.closest('[hidden]')).map(q => q.getAttribute('data-name'))",
    )


def answer(page, name, value):
    """Answer as a citizen does: tap a choice, or type a number or text."""
    kind = question(page, name).get_attribute("data-kind")
    if kind in ("select_one", "select_multiple"):
        question(page, name).locator(f"input[value='{value}']").check()
    else:
        question(page, name).locator("input, textarea").fill(str(value))


def answer_shown(page, answers):
    """Answer every question the page shows that `answers` has; the names answered."""
    done = []
    for name in asked(page):
        if name in answers:
            answer(page, name, answers[name])
            done.append(name)
    return done


def go_on(page):
    """Next, or the submission on the last page; waits for the page that follows."""
    button = page.locator("[data-testid=next], [data-testid=submit]").first
    with page.expect_navigation():
        button.click()


def finish(page, answers, stop=None):
    """Answer page after page until the thank-you page (or until page `stop` is shown)."""
    for _ in range(20):
        if page.locator("[data-testid=done]").count():
            return
        if stop is not None and page_index(page) == stop:
            return
        answer_shown(page, answers)
        go_on(page)
    raise AssertionError("the survey never ended")


def fits_the_screen(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def responses_of(case_id):
    return Interview.select().where(Interview.case == case_id)


# ---- link: answered, left, resumed, submitted once


def test_a_link_answered_through_a_skip_rule_left_resumed_and_submitted(
    phone, live_server, complete_answers, self_survey_ready
):
    case = first_direct_case()
    link, token = sent_link(case)
    answers = {**complete_answers, **LATE}
    page = phone()
    page.goto(f"{live_server}/s/{token}")
    expect(page).to_have_url(SURVEY)
    assert token not in page.url
    expect(page.locator("[data-testid=case-facts]")).to_contain_text(Case.with_names(case.id).unit.name)
    assert page_index(page) == 0 and asked(page) == ["dong_y"]
    # Consent first: the whole survey lies ahead (not "page 1 of 1" with a button that sends it)
    expect(page.locator("[data-testid=progress]")).to_have_attribute("max", "8")
    expect(page.locator("[data-testid=next]")).to_be_visible()
    expect(page.locator("[data-testid=submit]")).to_have_count(0)
    fits_the_screen(page)
    finish(page, answers, stop=5)

    # The skip rule, taken on the page itself: the apology letter is asked as soon as "late" is chosen
    assert "thu_xin_loi" not in asked(page)
    answer(page, "dung_hen", "tre_hen")
    expect(question(page, "thu_xin_loi")).to_be_visible()
    answer_shown(page, answers)
    fits_the_screen(page)
    go_on(page)
    assert page_index(page) == 6
    answer(page, "da_gop_y", "khong")  # answered on the page, not sent: it is not kept

    # Left with the page closed; the same link in another browser resumes where it stopped
    page.context.close()
    kept = Interview.get_by_id(SurveyLink.get_by_id(link.id).interview_id).answers_dict()
    assert kept["dung_hen"] == "tre_hen" and kept["thu_xin_loi"] == "co" and "da_gop_y" not in kept
    again = phone()
    again.goto(f"{live_server}/s/{token}")
    expect(again).to_have_url(SURVEY)
    assert page_index(again) == 6
    expect(question(again, "da_gop_y").locator("input:checked")).to_have_count(0)
    with again.expect_navigation():
        again.click("[data-testid=back]")
    assert page_index(again) == 5
    expect(question(again, "dung_hen").locator("input[value=tre_hen]")).to_be_checked()
    expect(question(again, "thu_xin_loi").locator("input[value=co]")).to_be_checked()
    finish(again, answers)
    expect(again.locator("[data-testid=done]")).to_be_visible()
    fits_the_screen(again)

    interview = Interview.get_by_id(SurveyLink.get_by_id(link.id).interview_id)
    assert interview.status == InterviewStatus.APPROVED and interview.complete_case_id == case.id
    assert interview.answers_dict()["thu_xin_loi"] == "co"
    assert SurveyLink.get_by_id(link.id).status == LinkStatus.ANSWERED
    assert responses_of(case.id).count() == 1


def test_without_javascript_the_server_applies_the_skip_rule(phone, live_server, complete_answers):
    case = first_direct_case()
    link, token = sent_link(case)
    page = phone(javascript=False)
    page.goto(f"{live_server}/s/{token}")
    finish(page, complete_answers, stop=5)
    assert "thu_xin_loi" not in asked(page)
    answer_shown(page, {**complete_answers, "dung_hen": "tre_hen"})
    assert "thu_xin_loi" not in asked(page)  # nothing runs on the page
    go_on(page)
    # The server shows the same page again, with the question the answer calls for, and waits for it;
    # the answers just given are still there
    assert page_index(page) == 5 and "thu_xin_loi" in asked(page)
    expect(question(page, "thu_xin_loi").locator(".question-error")).not_to_be_empty()
    expect(question(page, "dung_hen").locator("input[value=tre_hen]")).to_be_checked()
    expect(question(page, "ket_qua_chinh_xac").locator("input[value='5']")).to_be_checked()
    expect(question(page, "so_lan_di_lai").locator("input")).to_have_value("1")
    fits_the_screen(page)
    answer(page, "thu_xin_loi", "khong")
    go_on(page)
    assert page_index(page) == 6
    finish(page, complete_answers)
    expect(page.locator("[data-testid=done]")).to_be_visible()
    interview = Interview.get(Interview.complete_case == case.id)
    assert interview.answers_dict()["thu_xin_loi"] == "khong"
    assert SurveyLink.get_by_id(link.id).status == LinkStatus.ANSWERED


def test_a_second_submission_is_refused(phone, live_server, complete_answers):
    case = first_direct_case()
    link, token = sent_link(case)
    page = phone()
    page.goto(f"{live_server}/s/{token}")
    finish(page, complete_answers, stop=7)
    answer_shown(page, complete_answers)
    # What the last page would post, kept to post it again afterwards
    fields = page.evaluate("Array.from(new FormData(document.getElementById('questionnaire')).entries())")
    go_on(page)
    expect(page.locator("[data-testid=done]")).to_be_visible()

    page.go_back()  # the last page again from the history: not kept by the browser, closed now
    expect(page.locator("[data-testid=closed]")).to_be_visible()
    status = page.evaluate(
        """async (fields) => {
          const body = new URLSearchParams(fields);
          body.set('action', 'submit');
          const response = await fetch('/survey', {method: 'POST', credentials: 'same-origin', body: body});
          return response.status;
        }""",
        fields,
    )
    assert status == 404
    other = phone()
    response = other.goto(f"{live_server}/s/{token}")
    assert response.status == 404
    expect(other.locator("[data-testid=closed]")).to_be_visible()
    expect(other.locator("[data-testid=questionnaire]")).to_have_count(0)
    assert responses_of(case.id).count() == 1
    assert Interview.select().where(Interview.complete_case == case.id).count() == 1
    assert SurveyLink.get_by_id(link.id).status == LinkStatus.ANSWERED


def test_a_locked_link_gets_the_page_of_an_unknown_one(phone, live_server):
    case = first_direct_case()
    link, token = sent_link(case)
    link.locks_at = now() - datetime.timedelta(minutes=1)
    link.save()
    page = phone()
    shown = []
    for address in (f"/s/{token}", "/s/" + "A" * 22):
        response = page.goto(live_server + address)
        assert response.status == 404
        expect(page.locator("[data-testid=closed]")).to_be_visible()
        shown.append(page.locator("main").inner_html())
        fits_the_screen(page)
    assert shown[0] == shown[1]
    assert page.goto(f"{live_server}/survey").status == 404  # nothing was started
    assert responses_of(case.id).count() == 0


# ---- the kiosk


def returned_lately(unit_of):
    """A dossier of the unit returned two days ago (within the lock window), not sampled."""
    at = now() - datetime.timedelta(days=2)
    return Case.create(
        code="KIOSK-0001",
        unit=unit_of.unit_id,
        procedure=unit_of.procedure_id,
        channel=Channels.DIRECT,
        received_at=at - datetime.timedelta(days=5),
        returned_at=at,
        digest="-",
    )


def kiosk_tablet(phone, live_server):
    """A kiosk of the first in-person case's unit, set up on a new page; (page, case to survey)."""
    model = first_direct_case()
    Kiosk.create(unit=model.unit_id, name="Quầy 1", secret_hash=token_hash(KIOSK_SECRET))
    case = returned_lately(model)
    page = phone()
    page.goto(f"{live_server}/kiosk/setup/{KIOSK_SECRET}")
    expect(page).to_have_url(KIOSK_HOME)
    return page, case


def hand_over(page, code):
    page.fill("[data-testid=code]", code)
    with page.expect_navigation():
        page.click("[data-testid=start]")
    expect(page).to_have_url(re.compile(r"/kiosk/survey"))


def shows_no_answers(page):
    """The code page: nothing of a survey on it."""
    expect(page).to_have_url(KIOSK_HOME)
    expect(page.locator("[data-testid=code]")).to_be_visible()
    expect(page.locator("[data-testid=code]")).to_have_value("")
    expect(page.locator(".question, [data-testid=questionnaire], input[type=radio]")).to_have_count(0)


def test_the_kiosk_goes_back_to_its_code_page_after_a_submission(phone, live_server, complete_answers):
    page, case = kiosk_tablet(phone, live_server)
    hand_over(page, case.code)
    assert page_index(page) == 0
    fits_the_screen(page)
    finish(page, {**complete_answers, **LATE})
    expect(page.locator("[data-testid=done]")).to_be_visible()
    expect(page.locator("[data-testid=kiosk-next]")).to_be_visible()
    expect(page).to_have_url(KIOSK_HOME, timeout=20_000)  # by itself, nobody touching it
    shows_no_answers(page)
    try:  # the officer looks back in the history: no answer there either
        page.go_back()
    except PlaywrightError as error:  # the thank-you page answered a post: Chromium will not post it again
        assert "ERR_CACHE_MISS" in str(error)
    expect(page.locator("input[type=radio]")).to_have_count(0)
    page.goto(f"{live_server}/kiosk/survey")
    shows_no_answers(page)

    interview = Interview.get(Interview.complete_case == case.id)
    assert interview.channel == "kiosk" and interview.answers_dict()["thu_xin_loi"] == "co"
    assert SurveyLink.get(SurveyLink.case == case.id).status == LinkStatus.ANSWERED
    hand_over_again = page.locator("[data-testid=code]")
    hand_over_again.fill(case.code)
    with page.expect_navigation():
        page.click("[data-testid=start]")
    expect(page.locator("[data-testid=error]")).to_be_visible()  # answered: not again


@pytest.mark.parametrize("config_overrides", [{"KIOSK_IDLE_SECONDS": 2}])
def test_the_kiosk_resets_after_an_idle_time(phone, live_server, complete_answers):
    page, case = kiosk_tablet(phone, live_server)
    hand_over(page, case.code)
    answer(page, "dong_y", "co")
    go_on(page)
    answer(page, "dung_ho_so", "co")  # then the citizen walks away
    expect(page).to_have_url(KIOSK_HOME)
    shows_no_answers(page)
    # The next citizen with the same receipt starts afresh: nothing of the first one's answers
    hand_over(page, case.code)
    assert page_index(page) == 0
    expect(page.locator("input:checked")).to_have_count(0)
    # Without JavaScript, the page itself goes to the reset after the same time
    plain = phone(javascript=False)
    plain.context.add_cookies(page.context.cookies())
    plain.goto(f"{live_server}/kiosk")
    hand_over(plain, case.code)
    expect(plain).to_have_url(KIOSK_HOME)
    shows_no_answers(plain)
    assert Interview.get_or_none(Interview.complete_case == case.id) is None


# ---- the interviewer's list


def test_a_case_answered_online_leaves_the_enumerators_list(phone, live_server, sign_in, complete_answers):
    enumerator = User.get(User.username == "dtv1")
    assignment = (
        Assignment.select()
        .join(SampleCase)
        .join(Case, on=(SampleCase.case == Case.id))
        .where(
            (Assignment.enumerator == enumerator)
            & (Assignment.status == AssignmentStatus.OPEN)
            & (SampleCase.mode == Modes.PHONE)
            & (Case.channel == Channels.DIRECT)
        )
        .order_by(Assignment.id)
        .first()
    )
    case = Case.get_by_id(SampleCase.get_by_id(assignment.sample_id).case_id)
    item = f"[data-testid=assignments] li:has(a[href='/interviewer/a/{assignment.id}'])"
    work = phone()
    sign_in(work, live_server, "dtv1")
    expect(work.locator(item)).to_have_count(1)
    work.click(f"a[href='/interviewer/a/{assignment.id}']")
    expect(work.locator("[data-testid=case-code]")).to_have_text(case.code)

    _link, token = sent_link(case)
    citizen = phone()
    citizen.goto(f"{live_server}/s/{token}")
    finish(citizen, complete_answers)
    expect(citizen.locator("[data-testid=done]")).to_be_visible()

    work.goto(f"{live_server}/interviewer/")
    expect(work.locator("[data-testid=assignments]")).to_be_visible()
    expect(work.locator(item)).to_have_count(0)
    response = work.goto(f"{live_server}/interviewer/a/{assignment.id}")
    assert response.status == 403
    assert Assignment.get_by_id(assignment.id).status == AssignmentStatus.CLOSED
    assert Interview.select().where(Interview.complete_case == case.id).count() == 1


# ---- accessibility and weight of each page

UNLABELLED = """() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
  .filter(i => !(i.id && document.querySelector('label[for="' + i.id + '"]')) && !i.closest('label'))
  .map(i => i.name || i.outerHTML)"""

# A label for nothing, and a set of choices whose question a screen reader does not name with them.
UNNAMED_GROUPS = """() => Array.from(document.querySelectorAll('label[for]'))
  .filter(l => !document.getElementById(l.htmlFor)).map(l => 'label for ' + l.htmlFor)
  .concat(Array.from(document.querySelectorAll('.question input[type=radio], .question input[type=checkbox]'))
    .filter(i => {
      const group = i.closest('[role=radiogroup], [role=group], fieldset');
      const by = group && group.getAttribute('aria-labelledby');
      const name = by ? (document.getElementById(by) || {}).textContent : group && group.getAttribute('aria-label');
      return !(name && name.trim()) || !group.closest('.question');
    }).map(i => i.name))"""

HEADINGS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
  .map(h => Number(h.tagName[1]))"""

# The contrast ratio (WCAG 2) of every visible piece of text against the first opaque background
# behind it, from the computed styles; [text, ratio] of those under 4.5.
POOR_CONTRAST = """() => {
  function rgb(text) { const m = text.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : m.concat([1]); }
  function luminance(c) {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function background(el) {
    for (let node = el; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  }
  const poor = [];
  document.querySelectorAll('body *').forEach(el => {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length || el.closest('.hp, [hidden], [aria-hidden=true]')) return;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') return;
    const [a, b] = [luminance(rgb(style.color)), luminance(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) poor.push([el.textContent.trim().slice(0, 40), Math.round(ratio * 100) / 100]);
  });
  return poor;
}"""


class Weighed:
    """The bytes of a page and of every asset it used, as received (an asset the browser took from its
    cache counted at the size it had when it came)."""

    def __init__(self, page):
        self.page = page
        self.sizes = {}
        page.on("response", self.received)

    def received(self, response):
        if not 300 <= response.status < 400:
            self.sizes[response.url] = len(response.body())

    def take(self):
        """(bytes, {address: bytes}) of the page shown now."""
        used = self.page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        used = [url for url in used if not url.endswith("/favicon.ico")]  # the browser's own, not the page's
        parts = {url: self.sizes[url] for url in [self.page.url, *used]}
        return sum(parts.values()), parts


def accessible(page):
    """What a citizen with a screen reader, a keyboard or poor sight needs of the page, at 360 px."""
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate(UNNAMED_GROUPS) == []
    levels = page.evaluate(HEADINGS)
    assert levels and levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    fits_the_screen(page)
    assert page.evaluate(POOR_CONTRAST) == []


def tab_to(page, selector, presses=30):
    """Press Tab until the element focused matches the selector."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with the keyboard")


def test_each_survey_page_is_accessible_at_360_px_and_under_100_kb(phone, live_server, complete_answers):
    case = first_direct_case()
    _link, token = sent_link(case)
    page = phone()
    weighed = Weighed(page)
    page.goto(f"{live_server}/s/{token}")
    expect(page).to_have_url(SURVEY)

    # The keyboard alone: Tab to the consent's choices, Space chooses, Enter on Next goes on
    total, received = weighed.take()
    assert total < MAX_BYTES, received
    assert {url.rsplit("/", 1)[-1] for url in received} >= {"survey", "sipas.css", "interview.js"}, received
    accessible(page)
    tab_to(page, "input[name=dong_y]")
    assert page.evaluate("document.activeElement.value") == "co"  # the first choice: yes
    page.keyboard.press("Space")
    expect(question(page, "dong_y").locator("input[value=co]")).to_be_checked()
    tab_to(page, "[data-testid=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page_index(page) == 1

    seen = set()
    for _ in range(20):
        total, received = weighed.take()
        assert total < MAX_BYTES, received
        assert {url.rsplit("/", 1)[-1] for url in received} >= {"sipas.css"}, received
        if page.locator("[data-testid=done]").count():
            break
        seen.add(page_index(page))
        answer_shown(page, {**complete_answers, **LATE})
        accessible(page)  # with the skip rule's question shown
        go_on(page)
    expect(page.locator("[data-testid=done]")).to_be_visible()
    accessible(page)
    assert seen == set(range(1, 8))

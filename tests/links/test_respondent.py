"""The respondent's pages through a one-time link: consent first, a page at a time with skip rules,
left and resumed, submitted once; locked, used and unknown links answered alike."""

import datetime
import json
import logging
import re

import pytest

from fieldwork import InterviewRefused, NotYours, interviewing
from models import (
    Assignment,
    AssignmentStatus,
    AuditRecord,
    Case,
    Contact,
    Interview,
    InterviewStatus,
    LinkStatus,
    SampleCase,
    SurveyLink,
    User,
    is_postgres,
    now,
    pii,
)

PAGE_RE = re.compile(r'name="page" value="(\d+)"')


def page_of(response):
    return int(PAGE_RE.search(response.get_data(as_text=True)).group(1))


def answer(client, page, action="next", **answers):
    return client.post("/survey", data={"page": page, "action": action, **answers})


def walk_to_end(client, complete_answers, overrides=None):
    """Answer every page with the complete answers until the submission; returns the last response."""
    values = {**complete_answers, **(overrides or {})}
    response = client.get("/survey")
    for _ in range(20):
        page = page_of(response)
        body = response.get_data(as_text=True)
        names = set(re.findall(r'data-name="([a-z_]+)" data-kind="(?!note)', body))
        posted = {n: values[n] for n in names if n in values}
        action = "submit" if 'value="submit"' in body else "next"
        response = answer(client, page, action, **posted)
        if response.status_code == 302:
            response = client.get(response.headers["Location"])
            continue
        return response
    raise AssertionError("the survey never ended")


def test_a_link_opens_the_survey_without_anything_personal(client, sent_link):
    link, token = sent_link()
    contact = Contact.get_by_id(link.case_id)
    phone = pii.cipher().decrypt(contact.phone_enc)
    response = client.get(f"/s/{token}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/survey")
    assert token not in response.headers["Location"]
    page = client.get("/survey")
    body = page.get_data(as_text=True)
    case = Case.with_names(link.case_id)
    assert page.status_code == 200
    assert case.unit.name in body and case.procedure.name in body
    assert 'data-name="dong_y"' in body  # consent first
    assert phone not in body and phone[-9:] not in body and case.code not in body
    assert page.headers["Cache-Control"] == "no-store"
    assert len(page.get_data()) < 100_000


def test_answered_page_by_page_with_a_skip_rule_left_and_resumed(client, app, sent_link, complete_answers):
    link, token = sent_link()
    client.get(f"/s/{token}")
    first = client.get("/survey")
    assert page_of(first) == 0
    moved = answer(client, 0, dong_y="co")
    assert moved.status_code == 302
    second = client.get(moved.headers["Location"])
    assert page_of(second) == 1 and "Trang 2" in second.get_data(as_text=True)
    answer(client, 1, dung_ho_so="co")
    # Left: a new browser with the same link comes back where it stopped, answers kept
    other = app.test_client()
    other.get(f"/s/{token}")
    resumed = other.get("/survey")
    assert page_of(resumed) == 2
    stored = Interview.get_by_id(SurveyLink.get_by_id(link.id).interview_id)
    assert stored.answers_dict() == {"dong_y": "co", "dung_ho_so": "co"}
    assert stored.channel == "web" and stored.enumerator_id is None
    # A required question left empty: the page again, with a Vietnamese message, nothing moves on
    refused = answer(other, 2)
    assert refused.status_code == 422 and "Câu hỏi này cần được trả lời" in refused.get_data(as_text=True)
    done = walk_to_end(other, complete_answers, {"dung_hen": "tre_hen", "thu_xin_loi": "co"})
    assert done.status_code == 200 and "câu trả lời đã được gửi" in done.get_data(as_text=True)
    interview = Interview.get_by_id(stored.id)
    assert interview.status == InterviewStatus.APPROVED and interview.complete_case_id == link.case_id
    assert interview.answers_dict()["thu_xin_loi"] == "co"  # the skip rule's question was asked
    assert SurveyLink.get_by_id(link.id).status == LinkStatus.ANSWERED


def test_a_skipped_question_is_not_kept(client, sent_link, complete_answers):
    link, token = sent_link()
    client.get(f"/s/{token}")
    walk_to_end(client, complete_answers, {"dung_hen": "som_dung_hen", "thu_xin_loi": "co"})
    interview = Interview.get(Interview.case == link.case_id)
    assert "thu_xin_loi" not in interview.answers_dict()


def test_a_second_submission_and_a_used_link_are_refused(client, app, sent_link, complete_answers):
    link, token = sent_link()
    client.get(f"/s/{token}")
    walk_to_end(client, complete_answers)
    again = app.test_client()
    assert again.get(f"/s/{token}").status_code == 404
    replay = answer(client, 7, "submit", **complete_answers)  # the old page posted again
    assert replay.status_code == 404
    assert Interview.select().where(Interview.complete_case == link.case_id).count() == 1


def test_locked_used_and_unknown_links_get_the_same_page(client, app, sent_link, complete_answers):
    locked_link, locked_token = sent_link()
    used_link, used_token = sent_link(Case.select().where(Case.channel == "direct").order_by(Case.id.desc()).first())
    c = app.test_client()
    c.get(f"/s/{used_token}")
    walk_to_end(c, complete_answers)
    locked_link.locks_at = now() - datetime.timedelta(minutes=1)
    locked_link.save()
    pages = [client.get(f"/s/{t}") for t in (locked_token, used_token, "A" * 22, "x")]
    assert {p.status_code for p in pages} == {404}
    assert len({p.get_data() for p in pages}) == 1
    assert "không còn hiệu lực" in pages[0].get_data(as_text=True)


def test_a_link_locks_while_it_is_being_answered(client, sent_link):
    link, token = sent_link()
    client.get(f"/s/{token}")
    answer(client, 0, dong_y="co")
    link = SurveyLink.get_by_id(link.id)
    link.locks_at = now() - datetime.timedelta(seconds=1)
    link.save()
    assert answer(client, 1, dung_ho_so="co").status_code == 404
    assert client.get("/survey").status_code == 404


def test_declining_is_a_refusal_and_closes_the_interviewers_assignment(client, sent_link):
    assignment = Assignment.select().where(Assignment.status == AssignmentStatus.OPEN).first()
    case = Case.get_by_id(SampleCase.get_by_id(assignment.sample_id).case_id)
    link, token = sent_link(case)
    client.get(f"/s/{token}")
    response = answer(client, 0, "decline")
    assert response.status_code == 200 and 'data-testid="declined"' in response.get_data(as_text=True)
    assert SurveyLink.get_by_id(link.id).status == LinkStatus.DECLINED
    closed = Assignment.get_by_id(assignment.id)
    assert closed.status == AssignmentStatus.CLOSED and closed.outcome == "2.11"
    assert client.get(f"/s/{token}").status_code == 404


def test_consent_refused_on_the_page_is_a_decline(client, sent_link):
    link, token = sent_link()
    client.get(f"/s/{token}")
    response = answer(client, 0, dong_y="khong")
    assert 'data-testid="declined"' in response.get_data(as_text=True)
    assert SurveyLink.get_by_id(link.id).status == LinkStatus.DECLINED
    assert Interview.get_or_none(Interview.complete_case == link.case_id) is None


def test_a_case_answered_online_leaves_the_interviewers_list(client, sent_link, complete_answers):
    assignment = Assignment.select().where(Assignment.status == AssignmentStatus.OPEN).first()
    enumerator = User.get_by_id(assignment.enumerator_id)
    case = Case.get_by_id(SampleCase.get_by_id(assignment.sample_id).case_id)
    _link, token = sent_link(case)
    client.get(f"/s/{token}")
    walk_to_end(client, complete_answers)
    assert assignment.id not in {a.id for a in Assignment.open_for(enumerator)}
    with pytest.raises(NotYours):
        interviewing.start(assignment.id, enumerator)


def test_an_interview_by_phone_closes_the_link(client, app, sent_link, submitted_interview):
    interview = submitted_interview()
    link, token = sent_link(Case.get_by_id(interview.case_id))
    assert client.get(f"/s/{token}").status_code == 404


def test_interview_submitted_closes_a_live_link(app, sent_link, submitted_interview, users):
    user = User.get(User.username == "dtv1")
    assignment = (
        Assignment.select()
        .join(SampleCase)
        .where((Assignment.enumerator == user) & (Assignment.status == "open") & (SampleCase.mode == "phone"))
        .order_by(Assignment.id)
        .first()
    )
    case = Case.get_by_id(SampleCase.get_by_id(assignment.sample_id).case_id)
    link, _token = sent_link(case)
    submitted_interview()
    assert SurveyLink.get_by_id(link.id).status == LinkStatus.CLOSED


def test_racing_answers_count_once(client, app, sent_link, complete_answers, submitted_interview):
    """The citizen answers online while the enumerator's phone interview of the same case is open:
    whichever is submitted second is refused."""
    user = User.get(User.username == "dtv1")
    assignment = (
        Assignment.select()
        .join(SampleCase)
        .where((Assignment.enumerator == user) & (Assignment.status == "open") & (SampleCase.mode == "phone"))
        .order_by(Assignment.id)
        .first()
    )
    case = Case.get_by_id(SampleCase.get_by_id(assignment.sample_id).case_id)
    phone_interview = interviewing.start(assignment.id, user)
    _link, token = sent_link(case)
    client.get(f"/s/{token}")
    walk_to_end(client, complete_answers)
    with pytest.raises((InterviewRefused, NotYours)):
        interviewing.submit(phone_interview.id, user, complete_answers)
    assert Interview.select().where(Interview.complete_case == case.id).count() == 1


def test_the_consent_page_leads_on_and_a_post_refused_keeps_its_answers(client, sent_link, complete_answers):
    _link, token = sent_link()
    client.get(f"/s/{token}")
    first = client.get("/survey").get_data(as_text=True)
    assert 'value="next"' in first and 'value="submit"' not in first  # the whole survey lies ahead
    assert 'max="8" value="1"' in first
    for page in range(5):
        names = re.findall(r'data-name="([a-z_]+)" data-kind="(?!note)', client.get("/survey").get_data(as_text=True))
        answer(client, page, **{n: complete_answers[n] for n in names})
    refused = answer(client, 5, dung_hen="tre_hen", ket_qua_chinh_xac="5", so_lan_di_lai="1")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'data-name="thu_xin_loi"[^>]*>', body) and not re.search(
        r'data-name="thu_xin_loi"[^>]* hidden', body
    )
    assert re.search(r'value="tre_hen"\s+checked', body) and re.search(
        r'name="ket_qua_chinh_xac"[^>]*value="5"\s+checked', body
    )


def test_a_page_post_reads_the_response_once_locked_and_audits_what_it_changed(client, sent_link, caplog):
    """Posting a page locks the link and the response and saves it without reading it a second time;
    the audit record's "before" is the stored answers, as they were."""
    link, token = sent_link()
    client.get(f"/s/{token}")
    answer(client, 0, dong_y="co")
    caplog.set_level(logging.DEBUG, logger="peewee")
    caplog.clear()
    assert answer(client, 1, dung_ho_so="co").status_code == 302
    reads = [r.getMessage() for r in caplog.records if r.name == "peewee" and 'FROM "interview"' in r.getMessage()]
    by_id = [sql for sql in reads if '"t1"."id" = ' in sql]
    assert len(by_id) == 1, reads
    assert "FOR UPDATE" in by_id[0] or not is_postgres()  # SQLite: the transaction holds the write lock
    interview = Interview.get_by_id(SurveyLink.get_by_id(link.id).interview_id)
    record = AuditRecord.select().where(AuditRecord.model == "interview").order_by(AuditRecord.seq.desc()).get()
    assert json.loads(json.loads(record.before)["answers"]) == {"dong_y": "co"}
    assert (
        json.loads(json.loads(record.after)["answers"])
        == interview.answers_dict()
        == {"dong_y": "co", "dung_ho_so": "co"}
    )

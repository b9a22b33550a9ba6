"""The enumerator's day and interviews: their own work only, the phone revealed (and audited) only
while it is theirs and open, AAPOR outcomes with retries, appointments and a maximum of attempts, a
refusal respected at once, answers saved as they go, one complete per case whatever happens."""

import datetime
import json

import pytest
from peewee import IntegrityError

from models import (
    Assignment,
    AuditRecord,
    CallAttempt,
    Contact,
    Interview,
    Modes,
    SampleCase,
    User,
    db,
    now,
)
from models.pii import cipher


def open_phone_work(username):
    user = User.get(User.username == username)
    return (
        Assignment.select()
        .join(SampleCase)
        .where((Assignment.enumerator == user) & (Assignment.status == "open") & (SampleCase.mode == Modes.PHONE))
        .order_by(Assignment.id)
    )


def test_an_enumerator_sees_only_their_work_in_call_order(app, client, users, fieldwork_ready, auth):
    auth.login("dtv1")
    mine = list(open_phone_work("dtv1"))
    page = client.get("/interviewer/").get_data(as_text=True)
    assert f"/interviewer/a/{mine[0].id}" in page and "Mới" in page
    unit = SampleCase.get_by_id(mine[0].sample_id).unit_id
    filtered = client.get(f"/interviewer/?unit={unit}").get_data(as_text=True)
    in_unit = [a for a in mine if SampleCase.get_by_id(a.sample_id).unit_id == unit]
    assert all(f'/interviewer/a/{a.id}"' in filtered for a in in_unit)
    assert not any(f'/interviewer/a/{a.id}"' in filtered for a in mine if a not in in_unit)
    theirs = open_phone_work("dtv2").first()
    assert client.get(f"/interviewer/a/{theirs.id}").status_code == 403
    assert client.post(f"/interviewer/a/{theirs.id}/phone").status_code == 403
    assert client.post(f"/interviewer/a/{theirs.id}/attempt", data={"outcome": "3.13"}).status_code == 403
    assert CallAttempt.select().count() == 0


def test_the_list_is_paged_in_call_order_with_the_filters_kept(app, client, users, fieldwork_ready, auth, monkeypatch):
    import re

    from fieldwork import call_order
    from interviewer import day

    auth.login("dtv1")
    first, second, third = list(open_phone_work("dtv1"))[:3]
    client.post(f"/interviewer/a/{first.id}/attempt", data={"outcome": "3.13"})  # waiting: last
    when = (now() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/interviewer/a/{second.id}/attempt", data={"outcome": "2.211", "appointment_at": when})
    due = Assignment.get_by_id(second.id)
    due.appointment_at = due.next_at = now() - datetime.timedelta(minutes=5)  # due now: first
    due.save()
    user = User.get(User.username == "dtv1")
    at = now()
    expected = [a.id for a in sorted(Assignment.open_for(user.id), key=lambda a: call_order(a, at))]
    assert expected[0] == second.id and expected[-1] == first.id and len(expected) > 8

    def listed(page):
        return [int(i) for i in re.findall(r'href="/interviewer/a/(\d+)"', page)]

    monkeypatch.setattr(day, "PAGE_SIZE", 4)
    pages = -(-len(expected) // 4)
    seen = []
    for number in range(1, pages + 1):
        page = client.get(f"/interviewer/?page={number}").get_data(as_text=True)
        assert len(listed(page)) == (4 if number < pages else len(expected) - 4 * (pages - 1))
        count = re.search(r'data-testid="open-count">([^<]*)<', page).group(1)
        assert re.findall(r"\d+", count) == [str(len(expected))]  # the open count: all, not the page's
        assert page.count('class="page-link"') == pages
        seen += listed(page)
    assert seen == expected  # every open assignment once, in call order across the pages
    last = client.get(f"/interviewer/?page={pages + 5}").get_data(as_text=True)
    assert listed(last) == expected[4 * (pages - 1) :]  # past the end: the last page
    assert listed(client.get("/interviewer/?page=x").get_data(as_text=True)) == expected[:4]

    unit = SampleCase.get_by_id(third.sample_id).unit_id
    in_unit = [i for i in expected if SampleCase.get_by_id(Assignment.get_by_id(i).sample_id).unit_id == unit]
    page = client.get(f"/interviewer/?unit={unit}").get_data(as_text=True)
    assert listed(page) == in_unit[:4] and len(in_unit) > 4
    assert f"/interviewer/?unit={unit}&amp;page=2" in page  # the next pages keep the filter
    monkeypatch.setattr(day, "PAGE_SIZE", 50)
    page = client.get("/interviewer/").get_data(as_text=True)
    assert listed(page) == expected[:50] and 'data-testid="pages"' not in page


def test_the_phone_is_revealed_only_to_its_enumerator_and_each_reveal_is_audited(
    app, client, users, fieldwork_ready, auth
):
    auth.login("dtv1")
    assignment = open_phone_work("dtv1").first()
    page = client.get(f"/interviewer/a/{assignment.id}")
    sample = SampleCase.get_by_id(assignment.sample_id)
    phone = cipher().decrypt(Contact.get(Contact.case == sample.case_id).phone_enc)
    assert phone not in page.get_data(as_text=True)
    revealed = client.post(f"/interviewer/a/{assignment.id}/phone")
    assert f'href="tel:{phone}"' in revealed.get_data(as_text=True)
    assert revealed.headers["Cache-Control"] == "no-store"
    record = AuditRecord.get(AuditRecord.action == "reveal_phone")
    assert record.actor == "dtv1" and record.object_id == str(sample.case_id) and phone not in (record.after or "")


def test_outcomes_retries_appointments_and_the_maximum_of_attempts(app, client, users, fieldwork_ready, auth):
    auth.login("dtv1")
    first, second, third = list(open_phone_work("dtv1"))[:3]
    client.post(f"/interviewer/a/{first.id}/attempt", data={"outcome": "3.13"})
    first = Assignment.get_by_id(first.id)
    assert first.attempt_count == 1 and first.status == "open" and first.next_at > now()
    page = client.get("/interviewer/").get_data(as_text=True)
    assert page.index(f"/interviewer/a/{second.id}") < page.index(f"/interviewer/a/{first.id}")  # waiting goes last

    for _i in range(4):
        client.post(f"/interviewer/a/{first.id}/attempt", data={"outcome": "3.13"})
    first = Assignment.get_by_id(first.id)
    assert (first.status, first.outcome, first.attempt_count) == ("closed", "3.13", 5)
    assert client.post(f"/interviewer/a/{first.id}/attempt", data={"outcome": "3.13"}).status_code == 403

    client.post(f"/interviewer/a/{second.id}/attempt", data={"outcome": "2.11"})
    assert Assignment.get_by_id(second.id).status == "closed"  # a refusal is never called again

    response = client.post(f"/interviewer/a/{third.id}/attempt", data={"outcome": "2.211"}, follow_redirects=True)
    assert "Lịch hẹn cần ngày và giờ sau thời điểm hiện tại." in response.get_data(as_text=True)
    assert Assignment.get_by_id(third.id).attempt_count == 0
    when = (now() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")  # the province's local time
    client.post(f"/interviewer/a/{third.id}/attempt", data={"outcome": "2.211", "appointment_at": when})
    third = Assignment.get_by_id(third.id)
    assert third.appointment_at.strftime("%Y-%m-%dT%H:%M") == when and third.status == "open"
    assert client.post(f"/interviewer/a/{third.id}/attempt", data={"outcome": "1.1"}).status_code == 302
    assert Assignment.get_by_id(third.id).attempt_count == 1  # a complete is never a click


def test_an_interview_saves_as_it_goes_and_counts_once(app, client, users, fieldwork_ready, auth, complete_answers):
    auth.login("dtv1")
    assignment = open_phone_work("dtv1").first()
    response = client.post(f"/interviewer/a/{assignment.id}/interview")
    interview = Interview.get(Interview.assignment == assignment.id)
    assert response.headers["Location"] == f"/interviewer/i/{interview.id}"
    page = client.get(f"/interviewer/i/{interview.id}").get_data(as_text=True)
    assert "Việc tham gia khảo sát là quyền của anh/chị" in page and "js/interview.js" in page
    assert client.post(f"/interviewer/a/{assignment.id}/interview").headers["Location"].endswith(f"/{interview.id}")

    saved = client.post(
        f"/interviewer/i/{interview.id}/answers",
        json={"answers": {"dong_y": "co", "dung_ho_so": "co", "so_lan_di_lai": "99"}},
    )
    body = saved.get_json()
    assert body["saved"]["dong_y"] == "co" and "so_lan_di_lai" in body["errors"]
    records = AuditRecord.select().count()
    client.post(f"/interviewer/i/{interview.id}/answers", json={"answers": {"dong_y": "co"}})
    assert AuditRecord.select().count() == records  # the same answer again changes nothing
    assert client.post(f"/interviewer/i/{interview.id}/answers", data="not json").status_code == 400

    incomplete = client.post(f"/interviewer/i/{interview.id}/submit", data={"dong_y": "co", "dung_ho_so": "co"})
    assert incomplete.status_code == 422 and "invalid-feedback" in incomplete.get_data(as_text=True)
    assert Interview.get_by_id(interview.id).status == "in_progress"

    done = client.post(f"/interviewer/i/{interview.id}/submit", data=complete_answers)
    assert done.status_code == 302
    interview = Interview.get_by_id(interview.id)
    assert interview.status == "submitted" and interview.complete_case_id == interview.case_id
    assert interview.duration_seconds >= 0 and json.loads(interview.answers)["so_lan_di_lai"] == 1
    assert (Assignment.get_by_id(assignment.id).status, Assignment.get_by_id(assignment.id).outcome) == (
        "closed",
        "1.1",
    )
    again = client.post(f"/interviewer/i/{interview.id}/submit", data=complete_answers)
    assert again.status_code == 302 and Interview.select().where(Interview.complete_case.is_null(False)).count() == 1
    locked = client.post(f"/interviewer/i/{interview.id}/answers", json={"answers": {"de_xuat": "sửa"}})
    assert locked.status_code == 403
    assert 'data-testid="submitted"' in client.get(f"/interviewer/i/{interview.id}").get_data(as_text=True)

    other = Interview.create(case=interview.case_id, version=interview.version_id, channel="web")
    other.complete_case = interview.case_id
    with pytest.raises(IntegrityError), db.atomic():
        other.save()  # the database holds one complete per case


def test_an_answer_save_reads_its_interview_once_and_writes_one_audit_record(
    app, client, users, fieldwork_ready, auth, caplog
):
    """The statements of one save: the signed-in user, the interview locked with its version's key,
    the update, the audit chain's head (under its lock on PostgreSQL) and one record; no savepoint,
    no second read of the interview, no read of the published definition parsed before."""
    import logging
    import re

    auth.login("dtv1")
    assignment = open_phone_work("dtv1").first()
    interview_id = int(client.post(f"/interviewer/a/{assignment.id}/interview").headers["Location"].rsplit("/")[-1])
    url = f"/interviewer/i/{interview_id}/answers"
    assert client.post(url, json={"answers": {"dong_y": "co", "dung_ho_so": "co"}}).status_code == 200
    records = AuditRecord.select().count()
    caplog.set_level(logging.DEBUG, logger="peewee")
    caplog.clear()
    assert client.post(url, json={"answers": {"niem_yet": "3", "thai_do": "4"}}).get_json()["saved"]["thai_do"] == "4"
    sql = [" ".join(r.msg[0].split()) for r in caplog.records if r.name == "peewee" and isinstance(r.msg, tuple)]
    caplog.set_level(logging.WARNING, logger="peewee")
    postgres = app.config["DATABASE_URL"].startswith("postgres")

    def kind(q):
        verb = q.split(" ")[0]
        if q.startswith("SELECT pg_advisory_xact_lock"):
            return "chain lock"
        table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', q)
        return f"{verb} {table.group(1)}" if table else q  # a SAVEPOINT, say

    assert [kind(q) for q in sql] == [
        "SELECT user",  # Flask-Login's loader
        "SELECT interview",  # locked, its version's key joined
        "UPDATE interview",
        *(["chain lock"] if postgres else []),  # SQLite's BEGIN IMMEDIATE serialises the writers
        "SELECT audit_record",  # the chain's head
        *(["INSERT audit_record"] if postgres else []),  # SQLite's executemany is not in peewee's log
    ], sql
    assert 'JOIN "questionnaire_version"' in sql[1] and sql[1].endswith('FOR UPDATE OF "t1"') == postgres
    assert AuditRecord.select().count() == records + 1
    record = AuditRecord.select().order_by(AuditRecord.seq.desc()).first()
    assert (record.action, record.model, record.object_id, record.actor) == (
        "update",
        "interview",
        str(interview_id),
        "dtv1",
    )
    assert set(json.loads(record.before)) == set(json.loads(record.after)) == {"answers", "saved_at"}
    assert (
        '"thai_do": "4"' in json.loads(record.after)["answers"]
        and "thai_do" not in json.loads(record.before)["answers"]
    )


def test_another_enumerator_cannot_open_or_change_an_interview(
    app, client, users, fieldwork_ready, auth, complete_answers
):
    auth.login("dtv1")
    assignment = open_phone_work("dtv1").first()
    client.post(f"/interviewer/a/{assignment.id}/interview")
    interview = Interview.get(Interview.assignment == assignment.id)
    other = app.test_client()
    auth.login("dtv2", client=other)
    assert other.get(f"/interviewer/i/{interview.id}").status_code == 403
    assert other.post(f"/interviewer/i/{interview.id}/answers", json={"answers": {"dong_y": "co"}}).status_code == 403
    assert other.post(f"/interviewer/i/{interview.id}/submit", data=complete_answers).status_code == 403
    assert Interview.get_by_id(interview.id).answers == "{}"

"""Object access across people of the same role: an enumerator reaches only their own assignments,
interviews and contacts, by any route (page, form, JSON, the counter's search, the unit filter), and a
refused request changes nothing (no attempt, no interview, no answer, no view of a phone recorded).
Across roles, tests/core/test_url_map.py walks every endpoint; the back office has no unit-scoped
roles (officers, supervisors and auditors work province-wide), so there is no unit boundary to test."""

import pytest

from fieldwork import interviewing
from models import Assignment, AuditRecord, CallAttempt, Case, Interview, Modes, SampleCase, User


def open_work(username, mode=Modes.PHONE):
    return (
        Assignment.select()
        .join(SampleCase)
        .where(
            (Assignment.enumerator == User.get(User.username == username))
            & (Assignment.status == "open")
            & (SampleCase.mode == mode)
        )
        .order_by(Assignment.id)
    )


def code_of(assignment):
    return Case.get_by_id(SampleCase.get_by_id(assignment.sample_id).case_id).code


def state():
    """What a refused request must leave as it was."""
    return (
        AuditRecord.select().count(),
        CallAttempt.select().count(),
        Interview.select().count(),
        [(i.id, i.status, i.answers) for i in Interview.select().order_by(Interview.id)],
    )


@pytest.fixture
def others_work(app, fieldwork_ready, complete_answers):
    """dtv2's open phone assignment, and an interview dtv2 has begun on another (answers saved)."""
    theirs = list(open_work("dtv2")[:2])
    begun = interviewing.start(theirs[1].id, User.get(User.username == "dtv2"))
    interviewing.save_answers(begun.id, User.get(User.username == "dtv2"), {"dong_y": "co"})
    return theirs[0], Interview.get_by_id(begun.id)


def test_an_enumerator_cannot_read_or_change_anothers_assignment_interview_or_contact(
    app, auth, others_work, complete_answers
):
    assignment, interview = others_work
    client = app.test_client()
    auth.login("dtv1", client=client)
    before = state()
    a = f"/interviewer/a/{assignment.id}"
    i = f"/interviewer/i/{interview.id}"
    refused = [
        client.get(a),
        client.post(f"{a}/phone"),  # the contact: never decrypted, no view recorded
        client.post(f"{a}/attempt", data={"outcome": "2.11"}),
        client.post(f"{a}/interview"),
        client.get(i),
        client.post(f"{i}/answers", json={"answers": {"dong_y": "khong"}}),
        client.post(f"{i}/answers", data="not json", content_type="application/json"),
        client.post(f"{i}/submit", data=complete_answers),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert all(code_of(assignment) not in r.get_data(as_text=True) for r in refused)
    assert state() == before
    home = client.get("/interviewer/").get_data(as_text=True)
    assert code_of(assignment) not in home
    theirs_unit = SampleCase.get_by_id(assignment.sample_id).unit_id
    assert code_of(assignment) not in client.get(f"/interviewer/?unit={theirs_unit}").get_data(as_text=True)


def test_the_counter_search_finds_only_the_enumerators_own_face_to_face_cases(app, auth, fieldwork_ready):
    f2f = open_work("dtv1").first()  # made a face-to-face case of dtv4's
    sample = SampleCase.get_by_id(f2f.sample_id)
    sample.mode = Modes.F2F
    sample.save()
    f2f.enumerator = User.get(User.username == "dtv4")
    f2f.save()
    own, other = app.test_client(), app.test_client()
    auth.login("dtv4", client=own)
    auth.login("dtv1", client=other)
    found = own.get(f"/interviewer/find?code={code_of(f2f)}")
    assert found.headers["Location"].endswith(f"/interviewer/a/{f2f.id}")
    refused = other.get(f"/interviewer/find?code={code_of(f2f)}")
    assert refused.headers["Location"].endswith("/interviewer/")  # "no open face-to-face case of yours"
    assert other.get(f"/interviewer/a/{f2f.id}").status_code == 403


def test_an_enumerators_own_closed_work_is_shown_but_not_changed_by_another(app, auth, others_work, complete_answers):
    """The interview stays the owner's even once submitted: another enumerator still gets 403."""
    _assignment, interview = others_work
    owner = User.get(User.username == "dtv2")
    interviewing.submit(interview.id, owner, complete_answers)
    owner_client, other = app.test_client(), app.test_client()
    auth.login("dtv2", client=owner_client)
    auth.login("dtv3", client=other)
    assert owner_client.get(f"/interviewer/i/{interview.id}").status_code == 200  # read-only for its owner
    before = state()
    assert other.get(f"/interviewer/i/{interview.id}").status_code == 403
    assert other.post(f"/interviewer/i/{interview.id}/submit").status_code == 403
    assert state() == before

"""The interviewer app: each enumerator sees their own open work, and no personal data."""

from models import Assignment, Contact, SampleCase
from models.pii import cipher


def test_enumerators_see_their_open_interviews_without_personal_data(
    client, runner, users, auth, month_data, enumerators, allocate
):
    allocate(total=20)
    for step in (["draw", "--seed", "i"], ["assign"]):
        assert runner.invoke(args=["sample", step[0], "--period", "2026-10", *step[1:]]).exit_code == 0
    auth.login("dtv1")
    page = client.get("/interviewer/").get_data(as_text=True)
    mine = list(
        Assignment.select(Assignment, SampleCase).join(SampleCase).where(Assignment.enumerator == enumerators["dtv1"])
    )
    assert mine and f"{len(mine)} " in page
    for a in mine:
        assert f"<strong>{a.sample.case.code}</strong>" in page
        phone = cipher().decrypt(Contact.get(Contact.case == a.sample.case_id).phone_enc)
        assert phone not in page and "0" + phone[3:] not in page  # no phone number, in any writing
    others = (
        Assignment.select(Assignment, SampleCase).join(SampleCase).where(Assignment.enumerator == enumerators["dtv2"])
    )
    assert all(f"<strong>{a.sample.case.code}</strong>" not in page for a in others)


def test_other_roles_cannot_open_the_interviewer_app(client, users, auth):
    auth.login("supervisor")
    assert client.get("/interviewer/").status_code == 403

"""The re-check sample on the database: drawn from a recorded seed (command line and service), refused
when it cannot be, verified by a replay that notices tampering; flagged interviews added."""

import json

import pytest

from models import AuditRecord, Period, RecheckCase, RecheckDraw, User, db
from rechecks import service

MONTH = "2026-10"


@pytest.fixture
def october(app, fieldwork_ready):
    return Period.get(Period.month == MONTH)


def test_a_draw_takes_one_per_enumerator_at_least_and_every_flagged_interview(app, october, approved, flag, users):
    ones = [approved("dtv1") for _ in range(3)] + [approved("dtv2") for _ in range(2)]
    made, count = service.draw(october, seed="s1")
    cases = list(RecheckCase.of_draw(made))
    drawn = {c.interview_id for c in cases}
    assert count == len(cases) == 2  # 10 % of 3 and of 2, rounded up: one each
    assert {c.enumerator_id for c in cases} == {users_id("dtv1"), users_id("dtv2")}
    assert {c.auditor_id for c in cases} == {users["auditor"].id}  # the one active auditor
    assert made.seed == "s1" and made.share == 0.1 and len(made.digest) == 64
    inputs = made.inputs_dict()
    assert sorted(i for ids in inputs["frame"].values() for i in ids) == sorted(i.id for i in ones)
    assert AuditRecord.select().where(AuditRecord.model == "recheck_case").count() == 2

    # a second period's draw would be refused; here: flagged interviews come in with a new period's draw
    with pytest.raises(service.RecheckRefused, match="already_drawn"):
        service.draw(october)
    db.execute_sql("DELETE FROM recheck_case")  # test set-up only: the same month drawn again with a flag
    db.execute_sql("DELETE FROM recheck_draw")
    other = next(i for i in ones if i.id not in drawn and i.enumerator_id == users_id("dtv1"))
    flag(other)
    made, count = service.draw(october, seed="s1")
    rows = {c.interview_id: c for c in RecheckCase.of_draw(made)}
    assert count == 3 and set(rows) == drawn | {other.id}
    assert rows[other.id].reason == "flagged" and rows[other.id].rank == 2


def users_id(name):
    return User.get(User.username == name).id


def test_a_draw_is_refused_without_approved_interviews_or_auditors(app, october, users, approved):
    with pytest.raises(service.RecheckRefused, match="nothing_approved"):
        service.draw(october)
    approved()
    users["auditor"].active = False
    users["auditor"].save()
    with pytest.raises(service.RecheckRefused, match="no_auditors"):
        service.draw(october)
    with pytest.raises(service.RecheckRefused, match="share"):
        service.draw(october, share=1.5)
    assert RecheckDraw.select().count() == 0


def test_the_share_comes_from_the_period_settings(app, october, approved):
    for _ in range(4):
        approved("dtv1")
    october.settings = json.dumps({"rechecks": {"share": 0.5}})
    october.save()
    made, count = service.draw(Period.get_by_id(october.id), seed="x")
    assert made.share == 0.5 and count == 2


def test_the_command_line_draws_and_verifies_and_verify_notices_tampering(
    app, october, approved, runner, second_auditor
):
    for name in ("dtv1", "dtv1", "dtv2", "dtv3"):
        approved(name)
    result = runner.invoke(args=["rechecks", "draw", "--period", MONTH, "--share", "1", "--seed", "abc", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["cases"] == 4 and json.loads(result.output)["seed"] == "abc"
    assert {c.auditor_id for c in RecheckCase.select()} == set(users_of_role("auditor"))
    result = runner.invoke(args=["rechecks", "verify", "--period", MONTH])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["rechecks", "draw", "--period", MONTH]).exit_code == 2  # drawn already

    # an interview approved after the draw is reported, and changes nothing of the verdict
    approved("dtv2")
    result = service.verify(october)
    assert result["identical"] and result["frame_unchanged"] and result["approved_since"] == 1

    # a case swapped behind the application's back is found
    first = RecheckCase.select().order_by(RecheckCase.id).first()
    db.execute_sql("UPDATE recheck_case SET rank = rank + 10 WHERE id = %d" % first.id)
    result = runner.invoke(args=["rechecks", "verify", "--period", MONTH])
    assert result.exit_code == 1
    assert service.verify(october)["missing"] == 1

    # a frame rewritten in the record is found too
    db.execute_sql("UPDATE recheck_case SET rank = rank - 10 WHERE id = %d" % first.id)
    made = RecheckDraw.get()
    inputs = made.inputs_dict()
    key = next(iter(inputs["frame"]))
    inputs["frame"][key] = inputs["frame"][key][::-1]
    db.execute_sql("UPDATE recheck_draw SET inputs = %s" % _quote(json.dumps(inputs)))
    assert service.verify(october)["frame_unchanged"] is False


def users_of_role(role):
    return [u.id for u in User.select().where(User.role == role)]


def _quote(text):
    return "'" + text.replace("'", "''") + "'"


def test_verify_before_a_draw_is_refused(app, october, runner):
    assert runner.invoke(args=["rechecks", "verify", "--period", MONTH]).exit_code == 2
    assert runner.invoke(args=["rechecks", "verify", "--period", "2031-01"]).exit_code == 2

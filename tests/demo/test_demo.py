"""The demo province: realistic units, procedures and cases, loaded through the importers."""

import collections

from models import (
    Alert,
    Assignment,
    Case,
    Contact,
    Interview,
    Period,
    Procedure,
    RecheckCase,
    RecheckDraw,
    SurveyLink,
    Unit,
    User,
    now,
)
from models.pii import cipher


def test_demo_load_builds_a_realistic_province_once(runner):
    result = runner.invoke(args=["demo", "load", "--cases", "3000"])
    assert result.exit_code == 0, result.output
    levels = collections.Counter(u.level.code for u in Unit.select())
    assert 50 <= sum(levels.values()) <= 70
    assert levels["so"] >= 10 and levels["xa"] >= 30 and levels["nganh_doc"] >= 3 and levels["tinh"] == 1
    assert Unit.get(Unit.code == "X001").parent.code == "T00"
    assert 180 <= Procedure.select().count() <= 220
    assert len({p.field for p in Procedure.select()}) >= 15
    assert Procedure.select().where(Procedure.immediate_result == True).count() > 0  # noqa: E712
    cases = Case.select().count()
    assert cases == 3000
    channels = collections.Counter(c.channel for c in Case.select(Case.channel))
    assert channels["online"] > 0 and channels["postal"] > 0 and channels["direct"] > cases / 2
    late = Case.select().where(Case.is_late == True).count()  # noqa: E712
    assert 0.03 * cases < late < 0.3 * cases
    months = {c.returned_at.strftime("%Y-%m") for c in Case.select() if c.returned_at}
    assert len(months) >= 3
    names = [cipher().decrypt(c.name_enc) for c in Contact.select().limit(200)]
    assert any(ch in "".join(names) for ch in "ễăờịữ")
    assert sum(1 for c in Contact.select() if c.phone_enc is None) > 0  # some phones missing or invalid
    assert {u.role_id for u in User.select()} == {"admin", "supervisor", "enumerator", "officer", "auditor"}
    assert Period.select().count() == 4  # the three months surveyed and this one
    finished, in_progress = Period.select().order_by(Period.month)[1], Period.select().order_by(Period.month)[2]
    assert not Assignment.of_period(finished).where(Assignment.status == "open").exists()  # worked to its end
    for name in ("dtv1", "dtv2"):  # calls to make, retries, an appointment due now
        mine = Assignment.of_period(in_progress).where(
            (Assignment.enumerator == User.get(User.username == name)) & (Assignment.status == "open")
        )
        assert mine.where(Assignment.attempt_count == 0).exists()
        assert mine.where(Assignment.attempt_count > 0).exists()
        assert mine.where(Assignment.appointment_at <= now()).exists()
    statuses = collections.Counter(i.status for i in Interview.select(Interview.status))
    assert statuses["approved"] > 50 and statuses["submitted"] > 5 and statuses["rejected"] == 1
    assert 0 < Alert.select().count() < statuses["approved"] / 4  # a few
    # self-administered surveys: answered online and declined; a finished month's others locked
    links = collections.Counter((link.period_id, link.status) for link in SurveyLink.select())
    assert links[(finished.id, "answered")] > 10 and links[(finished.id, "locked")] > 100
    assert links[(finished.id, "sent")] == 0 and links[(in_progress.id, "sent")] > 100
    assert links[(in_progress.id, "answered")] > 10 and links[(in_progress.id, "declined")] > 0
    web = Interview.select().where(Interview.channel == "web")
    assert web.count() > 20 and all(i.status == "approved" and i.enumerator_id is None for i in web)
    assert "/u/" in result.output  # the counter's survey website, with a dossier code to try
    # re-checks of the oldest finished month: a few recorded, the rest open for the demo auditor
    oldest = Period.select().order_by(Period.month).first()
    assert RecheckDraw.of(oldest) is not None
    outcomes = collections.Counter(c.outcome for c in RecheckCase.select())
    assert outcomes["confirmed"] >= 1 and outcomes["discrepancy"] == 1 and outcomes["unreachable"] == 1
    assert (
        outcomes[None] > 0
        and RecheckCase.select().where(RecheckCase.differing_1 + RecheckCase.differing_2 > 0).exists()
    )
    again = runner.invoke(args=["demo", "load", "--cases", "3000", "--if-empty"])
    assert again.exit_code == 0 and Case.select().count() == cases

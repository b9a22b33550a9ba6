"""Sampling on both databases: eligibility, allocation, the reproducible draw, release and assignment."""

import collections
import json

import pytest
from rq.registry import ScheduledJobRegistry

from jobs.queue import queue
from jobs.schedule import run_recurring
from models import (
    Allocation,
    Assignment,
    AssignmentEvent,
    AuditRecord,
    Case,
    Contact,
    JobKinds,
    JobRun,
    JobStatus,
    Period,
    SampleCase,
    Unit,
    db,
)
from sampling import assignment, service


def test_allocation_reports_exclusions_by_rule_and_sums_to_the_total(runner, month_data, allocate):
    rows = allocate(total=40)
    assert Period.get(Period.month == "2026-10")  # created on first use
    for unit, counts in month_data.items():
        row = rows[unit]
        assert set(row) == {"unit", "cases", "eligible", "excluded", "quota", "issued", "reserve"}
        assert row["cases"] == sum(counts.values())
        for rule in ("immediate", "online", "postal", "no_phone"):
            assert row["excluded"][rule] == counts[rule], (unit, rule)
        assert row["eligible"] == counts["eligible"]
    assert sum(r["quota"] for r in rows.values()) == 40
    assert rows["X02"]["quota"] == min(5, rows["X02"]["eligible"])  # the minimum
    assert rows["S01"]["quota"] > rows["S02"]["quota"]  # proportional
    assert all(r["issued"] == min(2 * r["quota"], r["eligible"]) for r in rows.values())  # 50% response
    assert rows["T00"]["quota"] == 0 and rows["T00"]["cases"] == 0


def test_a_rule_can_be_switched_off_per_period(runner, month_data, allocate):
    period = Period.for_month("2026-10")
    period.settings = json.dumps({"rules": {"online": False}})
    period.save()
    rows = allocate()
    assert rows["S01"]["excluded"]["online"] == 0
    assert rows["S01"]["eligible"] == month_data["S01"]["eligible"] + month_data["S01"]["online"]


def test_bad_period_or_total_is_refused(runner, month_data):
    result = runner.invoke(args=["sample", "allocate", "--period", "10/2026", "--total", "40"])
    assert result.exit_code == 2 and Period.select().count() == 0
    result = runner.invoke(args=["sample", "allocate", "--period", "2026-10", "--total", "-5"])
    assert result.exit_code == 2 and Allocation.select().count() == 0


def test_draw_is_reproducible_verifiable_and_refused_twice(runner, month_data, allocate):
    allocate()
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "s1"]).exit_code == 0
    first = set(SampleCase.select(SampleCase.case, SampleCase.mode, SampleCase.rank).tuples())
    assert first
    verify = runner.invoke(args=["sample", "verify", "--period", "2026-10"])
    assert verify.exit_code == 0, verify.output
    again = runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "s1"])
    assert (
        again.exit_code == 2
        and set(SampleCase.select(SampleCase.case, SampleCase.mode, SampleCase.rank).tuples()) == first
    )
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "s1", "--redo"]).exit_code == 0
    assert set(SampleCase.select(SampleCase.case, SampleCase.mode, SampleCase.rank).tuples()) == first
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "s2", "--redo"]).exit_code == 0
    assert set(SampleCase.select(SampleCase.case, SampleCase.mode, SampleCase.rank).tuples()) != first
    assert Period.get(Period.month == "2026-10").seed == "s2"


def test_sample_is_eligible_without_replacement_and_stratified(runner, month_data, allocate):
    allocate(total=60)
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "strata"])
    samples = list(SampleCase.select(SampleCase, Case).join(Case))
    assert len({s.case_id for s in samples}) == len(samples)
    for s in samples:
        assert s.case.channel == "direct" and s.case.procedure.immediate_result is False
    by_unit = collections.defaultdict(list)
    for s in samples:
        by_unit[s.unit_id].append(s)
    for unit_id, rows in by_unit.items():
        alloc = Allocation.get(Allocation.unit == unit_id)
        issued = [s for s in rows if s.status == "issued"]
        assert len(issued) == alloc.issued_phone
        assert sorted(s.rank for s in rows) == list(range(1, len(rows) + 1))
        procedure = Case.procedure.rel_model
        frame = collections.Counter(
            field
            for (field,) in Case.select(procedure.field)
            .join(procedure)
            .switch(Case)
            .join(Contact, on=(Contact.case == Case.id))
            .where(
                (Case.unit == unit_id)
                & (Case.channel == "direct")
                & (procedure.immediate_result == False)  # noqa: E712
                & Contact.phone_hash.is_null(False)
            )
            .tuples()
        )
        counts = collections.Counter(s.stratum for s in issued)
        total = sum(frame.values())
        assert set(counts) <= set(frame)
        for stratum in frame:  # every prefix of the drawn order is stratified within one
            assert abs(counts[stratum] - len(issued) * frame[stratum] / total) < 1


def test_verify_detects_a_changed_sample_and_a_changed_population(runner, month_data, tmp_path, allocate):
    allocate()
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "v"])
    sample = SampleCase.select().where(SampleCase.status == "issued").first()
    other = Case.select().where(Case.id.not_in(SampleCase.select(SampleCase.case)) & (Case.channel == "direct")).first()
    db.execute_sql(
        "UPDATE sample_case SET case_id = %s WHERE id = %s".replace(
            "%s", "?" if "sqlite" in type(db.obj).__name__.lower() else "%s"
        ),
        (other.id, sample.id),
    )
    result = runner.invoke(args=["sample", "verify", "--period", "2026-10"])
    assert result.exit_code == 1
    assert "1" in result.output


def test_recently_sampled_phones_are_excluded(runner, import_month, allocate):
    phones = [f"09{n:08d}" for n in range(1, 41)]
    import_month(month="09", phones=phones)
    allocate(total=60, month="2026-09")
    runner.invoke(args=["sample", "draw", "--period", "2026-09", "--seed", "x"])
    sampled = {s.phone_hash for s in SampleCase.select().where(SampleCase.status == "issued")}
    assert sampled
    import_month(month="10", start=1000, phones=phones)
    rows = allocate(total=60, month="2026-10")
    recent = (
        Case.select()
        .join(Contact, on=(Contact.case == Case.id))
        .where(Contact.phone_hash.in_(list(sampled)) & Case.code.startswith("C10-") & (Case.channel == "direct"))
        .count()
    )
    immediate_recent = (
        Case.select()
        .join(Contact, on=(Contact.case == Case.id))
        .switch(Case)
        .join(Case.procedure.rel_model)
        .where(
            Contact.phone_hash.in_(list(sampled))
            & Case.code.startswith("C10-")
            & (Case.channel == "direct")
            & (Case.procedure.rel_model.immediate_result == True)
        )  # noqa: E712
        .count()
    )
    assert sum(r["excluded"]["recent_phone"] for r in rows.values()) == recent - immediate_recent > 0


def test_quota_override_needs_a_reason_and_is_audited(app, runner, month_data, allocate):
    allocate(total=40)
    period = Period.get(Period.month == "2026-10")
    s02 = Unit.get(Unit.code == "S02")
    with pytest.raises(service.SamplingError):
        service.override_quota(period, s02.id, 20, "  ")
    with app.app_context():
        service.override_quota(period, s02.id, 20, "Đơn vị đề nghị tăng mẫu do phản ánh nhiều")
    rows = {a.unit.code: a for a in Allocation.select()}
    assert rows["S02"].quota == 20 and rows["S02"].bound == "override"
    assert sum(a.quota for a in rows.values()) == 40
    record = (
        AuditRecord.select()
        .where((AuditRecord.model == "allocation") & (AuditRecord.object_id == str(rows["S02"].id)))
        .order_by(AuditRecord.seq.desc())
        .first()
    )
    assert "phản ánh" in AuditRecord.get_by_id(record.id).after or any(
        "phản ánh" in (r.after or "") for r in AuditRecord.select().where(AuditRecord.model == "allocation")
    )
    with pytest.raises(service.SamplingError):
        service.override_quota(period, s02.id, 10_000, "quá nhiều")


def test_assignment_balances_open_work_and_respects_modes(app, runner, month_data, enumerators, allocate):
    period = Period.for_month("2026-10")
    period.settings = json.dumps({"modes": {"xa": {"phone": 0.5, "f2f": 0.5}}})
    period.save()
    allocate(total=60)
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "a"])
    result = runner.invoke(args=["sample", "assign", "--period", "2026-10"])
    assert result.exit_code == 0
    issued = SampleCase.select().where(SampleCase.status == "issued")
    rows = list(Assignment.select(Assignment, SampleCase).join(SampleCase))
    loads = collections.Counter(a.enumerator.username for a in rows if a.sample.mode == "phone")
    assert set(loads) == {"dtv1", "dtv2", "dtv3"}
    assert max(loads.values()) - min(loads.values()) <= 1
    f2f = [a for a in rows if a.sample.mode == "f2f"]
    assert f2f and all(a.enumerator.username == "dtv4" and a.sample.unit.code == "X01" for a in f2f)
    unassigned = issued.count() - len(rows)  # X02's face-to-face cases: nobody covers X02
    assert (
        unassigned
        == SampleCase.select()
        .where(
            (SampleCase.status == "issued")
            & (SampleCase.mode == "f2f")
            & (SampleCase.unit == Unit.get(Unit.code == "X02"))
        )
        .count()
    )
    assert f"; {unassigned} " in result.output
    assert all(AssignmentEvent.select().where(AssignmentEvent.assignment == a).count() == 1 for a in rows[:5])
    redo = runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "b", "--redo"])
    assert redo.exit_code == 2  # assignments have started


def test_reassign_and_move_an_absent_enumerators_work(app, runner, month_data, enumerators, allocate):
    allocate(total=30)
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "m"])
    runner.invoke(args=["sample", "assign", "--period", "2026-10"])
    mine = [a.id for a in Assignment.select().where(Assignment.enumerator == enumerators["dtv1"])]
    with app.test_request_context():
        with pytest.raises(service.SamplingError):
            assignment.reassign(mine[:2], enumerators["dtv4"].id)  # face to face only
        assert assignment.reassign(mine[:2], enumerators["dtv2"].id, "nghỉ ốm") == 2
    events = list(AssignmentEvent.select().where(AssignmentEvent.assignment == mine[0]).order_by(AssignmentEvent.id))
    assert [e.action for e in events] == ["assigned", "reassigned"]
    assert (events[1].from_user_id, events[1].to_user_id, events[1].reason) == (
        enumerators["dtv1"].id,
        enumerators["dtv2"].id,
        "nghỉ ốm",
    )
    moved, stuck = assignment.move_open_work(enumerators["dtv1"].id, "vắng")
    assert moved == len(mine) - 2 and stuck == 0
    assert Assignment.select().where(Assignment.enumerator == enumerators["dtv1"]).count() == 0


def test_reserve_is_released_in_drawn_order_when_a_unit_falls_behind(app, runner, month_data, enumerators, allocate):
    allocate(total=40)
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "r"])
    runner.invoke(args=["sample", "assign", "--period", "2026-10"])
    period = Period.get(Period.month == "2026-10")
    s01 = Unit.get(Unit.code == "S01")
    assert service.release_proposals(period) == []
    alloc = Allocation.get((Allocation.period == period) & (Allocation.unit == s01))
    refusals = alloc.issued_phone - alloc.quota_phone + 3  # three completes can no longer be reached
    for a in (
        Assignment.select().join(SampleCase).where(SampleCase.unit == s01).order_by(SampleCase.rank).limit(refusals)
    ):
        a.status, a.outcome = "closed", "2.11"
        a.save()
    missing = 3
    assert service.release_proposals(period) == [(s01.id, "phone", 2 * missing)]  # at a 50% response rate
    reserve_ranks = [
        s.rank
        for s in SampleCase.select()
        .where((SampleCase.unit == s01) & (SampleCase.status == "reserve"))
        .order_by(SampleCase.rank)
    ]
    result = runner.invoke(args=["sample", "release", "--period", "2026-10"])
    assert result.exit_code == 0
    released = [
        s.rank
        for s in SampleCase.select()
        .where((SampleCase.unit == s01) & (SampleCase.status == "issued"))
        .order_by(SampleCase.rank)
    ][-2 * missing :]
    assert released == reserve_ranks[: 2 * missing]
    assert service.release_proposals(period) == []


def test_daily_job_stores_proposals_is_recorded_and_schedules_the_next_run(
    app, runner, month_data, enumerators, allocate
):
    allocate(total=40)
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "d"])
    runner.invoke(args=["sample", "assign", "--period", "2026-10"])
    for a in Assignment.select().join(SampleCase).where(SampleCase.unit == Unit.get(Unit.code == "S01")).limit(30):
        a.status, a.outcome = "closed", "4.3"  # wrong numbers
        a.save()
    with app.app_context():
        run_recurring(JobKinds.SAMPLING_PROPOSE_RELEASES)
        scheduled = ScheduledJobRegistry(queue=queue()).get_job_ids()
        assert any(queue().fetch_job(job_id).args == (JobKinds.SAMPLING_PROPOSE_RELEASES,) for job_id in scheduled)
    run = JobRun.get(JobRun.kind == JobKinds.SAMPLING_PROPOSE_RELEASES)
    assert (run.status, run.actor) == (JobStatus.DONE, "scheduler")
    alloc = Allocation.get(Allocation.unit == Unit.get(Unit.code == "S01"))
    assert alloc.proposed_release > 0 and alloc.proposed_at is not None
    assert runner.invoke(args=["sample", "release", "--period", "2026-10"]).exit_code == 0
    assert Allocation.get_by_id(alloc.id).proposed_release == 0  # released, from the command line too


def test_a_draw_racing_another_one_is_refused(app, runner, month_data, allocate):
    allocate()
    first, second = Period.get(Period.month == "2026-10"), Period.get(Period.month == "2026-10")
    service.draw(first, "first")
    with pytest.raises(service.SamplingError, match="already_drawn"):
        service.draw(second, "second")  # loaded before the first draw finished
    assert Period.get(Period.month == "2026-10").seed == "first"


def test_seeds_are_short_and_plain(runner, month_data, allocate):
    allocate()
    result = runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "x" * 65])
    assert result.exit_code == 2 and SampleCase.select().count() == 0
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "x" * 64]).exit_code == 0


def test_overrides_cannot_exceed_the_total_and_can_be_cleared(app, runner, month_data, allocate):
    allocate(total=40)
    period = Period.get(Period.month == "2026-10")
    s01, s02 = Unit.get(Unit.code == "S01"), Unit.get(Unit.code == "S02")
    service.override_quota(period, s01.id, 30, "Theo đề nghị")
    with pytest.raises(service.SamplingError, match="overrides_exceed_total"):
        service.override_quota(period, s02.id, 20, "Theo đề nghị")
    with pytest.raises(service.SamplingError, match="overrides_exceed_total"):
        service.allocate_period(period, 20)  # the total lowered below the overrides
    service.override_quota(period, s01.id, None, "Trở lại phân bổ tỷ lệ")
    row = Allocation.get((Allocation.period == period) & (Allocation.unit == s01))
    assert row.bound != "override" and row.quota < 30
    assert sum(a.quota for a in Allocation.select()) == 40


def test_face_to_face_issue_counts_what_the_phone_draw_leaves(runner, month_data, allocate):
    period = Period.for_month("2026-10")
    period.settings = json.dumps(
        {"modes": {"so": {"phone": 0.5, "f2f": 0.5}}, "response_rate": {"phone": 0.25, "f2f": 0.25}}
    )
    period.save()
    allocate(total=60)
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "f"])
    for alloc in Allocation.select().where(Allocation.quota_f2f > 0):
        drawn = collections.Counter(
            (s.mode, s.status) for s in SampleCase.select().where(SampleCase.unit == alloc.unit)
        )
        assert drawn[("f2f", "issued")] == alloc.issued_f2f
        assert drawn[("f2f", "reserve")] == alloc.reserve_f2f
        assert drawn[("phone", "issued")] == alloc.issued_phone


def test_verify_replays_the_recorded_inputs_after_later_changes(runner, month_data, allocate):
    allocate()
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "replay"])
    unit = Unit.get(Unit.code == "S01")
    unit.code = "S01-NEW"  # renamed after the draw
    unit.save()
    period = Period.get(Period.month == "2026-10")
    period.settings = json.dumps({"minimum": 2})  # settings changed after the draw
    period.save()
    result = runner.invoke(args=["sample", "verify", "--period", "2026-10"])
    assert result.exit_code == 0, result.output


def test_verify_catches_a_reserve_case_issued_out_of_order(runner, month_data, allocate):
    allocate()
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "order"])
    last = SampleCase.select().where(SampleCase.status == "reserve").order_by(SampleCase.rank.desc()).first()
    db.execute_sql("UPDATE sample_case SET status = 'issued' WHERE id = " + str(last.id))  # cherry-picked
    result = runner.invoke(args=["sample", "verify", "--period", "2026-10"])
    assert result.exit_code == 1
    assert service.verify(Period.get(Period.month == "2026-10"))["issued_ok"] is False


def test_settings_are_shown_validated_and_stored(runner, month_data, allocate):
    shown = runner.invoke(args=["sample", "settings", "--period", "2026-10"])
    assert shown.exit_code == 0 and json.loads(shown.output)["minimum"] == 5
    bad = runner.invoke(args=["sample", "settings", "--period", "2026-10", "--set", '{"response_rate": {"phone": 2}}'])
    assert bad.exit_code == 2 and Period.get(Period.month == "2026-10").settings is None
    assert runner.invoke(args=["sample", "settings", "--period", "2026-10", "--set", "not json"]).exit_code == 2
    good = runner.invoke(
        args=[
            "sample",
            "settings",
            "--period",
            "2026-10",
            "--set",
            '{"minimum": 3, "modes": {"xa": {"phone": 0.5, "f2f": 0.5}}}',
        ]
    )
    assert good.exit_code == 0 and json.loads(good.output)["minimum"] == 3
    rows = allocate(total=40)
    assert rows["X02"]["quota"] == 3
    assert Allocation.get(Allocation.unit == Unit.get(Unit.code == "X01")).quota_f2f > 0


def test_cases_imported_after_the_draw_stay_out_of_its_frame_and_verification_still_passes(
    runner, month_data, import_month, allocate
):
    allocate()
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "late"])
    period = Period.get(Period.month == "2026-10")
    import_month(month="10", start=5000)  # more October dossiers, imported after the draw
    result = runner.invoke(args=["sample", "verify", "--period", "2026-10"])
    assert result.exit_code == 0, result.output  # identical to the redraw
    late = service.imported_after_draw(Period.get_by_id(period.id))
    assert sum(late.values()) == sum(sum(c.values()) for c in month_data.values())
    assert SampleCase.select().join(Case).where(Case.created_at > period.drawn_at).count() == 0

"""The long tables of the sampling screens: the allocation table paged by unit (its totals those of
every unit), the assignment board's page with its case codes, the unit list written as WTForms writes
it, and the fieldwork progress counted by the database."""

import pytest

from fieldwork import unit_progress
from models import Assignment, Dispositions, Period, SampleCase, SampleStatus


def drawn(runner, allocate, assign=True):
    allocate()
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "long"]).exit_code == 0
    if assign:
        assert runner.invoke(args=["sample", "assign", "--period", "2026-10"]).exit_code == 0
    return Period.get(Period.month == "2026-10")


@pytest.mark.parametrize("complete", [True, False])
def test_the_progress_of_each_unit_is_counted_by_the_database(
    app, users, month_data, enumerators, runner, allocate, complete
):
    period = drawn(runner, allocate)
    samples = list(SampleCase.of(period).order_by(SampleCase.id))
    assignments = {a.sample_id: a for a in Assignment.select()}
    outcomes = [Dispositions.COMPLETE if complete else "2.11", "2.11", "3.13", Dispositions.COMPLETE]
    for i, a in enumerate(list(assignments.values())[::2]):
        a.status, a.outcome = "closed", outcomes[i % len(outcomes)]
        a.save()
    for s in samples[-3:]:  # issued and not assigned yet
        if s.id not in assignments:
            s.status = SampleStatus.ISSUED
            s.save()
    assignments = {a.sample_id: a for a in Assignment.select()}
    expected = {}
    for s in SampleCase.of(period):
        counts = expected.setdefault(
            (s.unit_id, s.mode), {"completed": 0, "open": 0, "closed": 0, "issued": 0, "reserve_left": 0}
        )
        if s.status == SampleStatus.RESERVE:
            counts["reserve_left"] += 1
            continue
        counts["issued"] += 1
        a = assignments.get(s.id)
        if a is not None and a.status == "closed":
            counts["closed"] += 1
            counts["completed"] += a.outcome in Dispositions.COMPLETES
        else:
            counts["open"] += 1
    assert unit_progress(period) == expected
    assert any(c["reserve_left"] for c in expected.values()) and any(c["closed"] for c in expected.values())

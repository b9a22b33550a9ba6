"""Progress of a period's fieldwork per unit and mode."""

from peewee import JOIN, fn
from peewee import Case as When

from models import Assignment, AssignmentStatus, Dispositions, SampleCase, SampleStatus


def unit_progress(period):
    """{(unit_id, mode): {"completed", "open", "closed", "issued", "reserve_left"}} of a period, counted
    by the database (one row per unit and mode, not one per drawn case)."""
    reserve = SampleCase.status == SampleStatus.RESERVE
    closed = (SampleCase.status != SampleStatus.RESERVE) & (Assignment.status == AssignmentStatus.CLOSED)
    completed = closed & Assignment.outcome.in_(list(Dispositions.COMPLETES))
    query = (
        SampleCase.select(
            SampleCase.unit,
            SampleCase.mode,
            fn.COUNT(SampleCase.id),
            fn.SUM(When(None, [(reserve, 1)], 0)),
            fn.SUM(When(None, [(closed, 1)], 0)),
            fn.SUM(When(None, [(completed, 1)], 0)),
        )
        .join(Assignment, JOIN.LEFT_OUTER, on=(Assignment.sample == SampleCase.id))
        .where(SampleCase.period == period)
        .group_by(SampleCase.unit, SampleCase.mode)
        .tuples()
    )
    stats = {}
    for unit_id, mode, drawn, reserve_left, closed_n, completed_n in query:
        issued = drawn - reserve_left
        stats[(unit_id, mode)] = {
            "completed": completed_n,
            "open": issued - closed_n,  # assigned and open, or not assigned yet
            "closed": closed_n,
            "issued": issued,
            "reserve_left": reserve_left,
        }
    return stats

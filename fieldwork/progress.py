"""Progress of a period's fieldwork per unit and mode."""

from models import Assignment, AssignmentStatus, Dispositions, SampleStatus


def unit_progress(period):
    """{(unit_id, mode): {"completed", "open", "closed", "issued", "reserve_left"}} of a period."""
    stats = {}
    for unit_id, mode, status, a_status, outcome in Assignment.progress_rows(period):
        s = stats.setdefault((unit_id, mode), {"completed": 0, "open": 0, "closed": 0, "issued": 0, "reserve_left": 0})
        if status == SampleStatus.RESERVE:
            s["reserve_left"] += 1
            continue
        s["issued"] += 1
        if a_status == AssignmentStatus.CLOSED:
            s["closed"] += 1
            s["completed"] += outcome in Dispositions.COMPLETES
        else:
            s["open"] += 1  # assigned and open, or not assigned yet
    return stats

"""Call attempts recorded on an enumerator's own open assignment (a transaction, audited)."""

from models import Assignment, AssignmentEvent, AssignmentStatus, CallAttempt, Disposition, SampleCase, db, now
from models.vocabulary import AssignmentActions

from .attempts import MAX_ATTEMPTS, AttemptRefused, after_attempt


class NotYours(PermissionError):
    """The assignment is not this enumerator's, or no longer open."""


def own_open(assignment_id, user_id, lock=False):
    """The enumerator's own open assignment (locked for the transaction), or NotYours."""
    try:
        found = Assignment.locked(assignment_id) if lock else Assignment.get_by_id(assignment_id)
    except Assignment.DoesNotExist:
        found = None
    if found is None or found.enumerator_id != user_id or found.status != AssignmentStatus.OPEN:
        raise NotYours(assignment_id)
    return found


def record_attempt(assignment_id, user, code, appointment_at=None, note=None, max_attempts=MAX_ATTEMPTS):
    """Record one attempt; returns the CallAttempt. A final outcome (a refusal at once) or the last of
    the allowed attempts closes the assignment with that outcome; nothing changes on a refusal of the
    attempt itself (AttemptRefused, NotYours)."""
    with db.atomic():
        assignment = own_open(assignment_id, user.id, lock=True)  # first: another's work is refused as such
        disposition = Disposition.get_or_none(Disposition.code == code)
        if disposition is None:
            raise AttemptRefused("unknown")
        at = now()
        outcome = after_attempt(
            code,
            disposition.retry_minutes,
            disposition.final,
            assignment.attempt_count,
            at,
            appointment_at,
            max_attempts,
        )
        attempt = CallAttempt.create(
            assignment=assignment,
            enumerator=user.id,
            disposition=code,
            at=at,
            appointment_at=outcome.appointment_at,
            note=(note or "").strip()[:500] or None,
        )
        assignment.attempt_count += 1
        assignment.next_at, assignment.appointment_at = outcome.next_at, outcome.appointment_at
        assignment.updated_at = at
        if outcome.close:
            assignment.status, assignment.outcome = AssignmentStatus.CLOSED, outcome.final_code
            AssignmentEvent.create(
                assignment=assignment,
                action=AssignmentActions.CLOSED,
                from_user=user.id,
                actor=user.username,
                reason=disposition.label,
                at=at,
            )
        assignment.save()
    return attempt


def close_for_case(case_id, outcome, actor, reason=None):
    """Close the case's open assignments with this outcome (the case was answered or refused through
    another channel): it leaves its enumerator's list. Returns how many were closed."""
    at = now()
    open_ = (
        Assignment.select(Assignment)
        .join(SampleCase, on=(Assignment.sample == SampleCase.id))
        .where((SampleCase.case == case_id) & (Assignment.status == AssignmentStatus.OPEN))
    )
    closed = 0
    for assignment in open_:
        assignment.status, assignment.outcome, assignment.updated_at = AssignmentStatus.CLOSED, outcome, at
        assignment.save()
        AssignmentEvent.create(
            assignment=assignment,
            action=AssignmentActions.CLOSED,
            from_user=assignment.enumerator_id,
            actor=actor,
            reason=reason,
            at=at,
        )
        closed += 1
    return closed

"""What a call attempt does to its assignment (pure): close it with a final code, keep an appointment,
or wait before the next try; a refusal closes at once, and the last of the allowed attempts closes
with its own code."""

import dataclasses
import datetime

from models import Dispositions

MAX_ATTEMPTS = 5  # the default; configuration MAX_ATTEMPTS


@dataclasses.dataclass(frozen=True)
class Outcome:
    close: bool
    final_code: str | None  # the assignment's outcome when it closes
    next_at: datetime.datetime | None  # not to be tried before
    appointment_at: datetime.datetime | None


class AttemptRefused(ValueError):
    """The attempt cannot be recorded as given; the message names why (translated by the caller)."""


def after_attempt(code, retry_minutes, final, attempts_before, at, appointment_at=None, max_attempts=MAX_ATTEMPTS):
    """The assignment's state after one more attempt with disposition `code`."""
    if code == Dispositions.COMPLETE:
        raise AttemptRefused("complete")  # a complete is the submitted questionnaire, never a click
    if code == Dispositions.APPOINTMENT:
        if appointment_at is None or appointment_at <= at:
            raise AttemptRefused("appointment_time")
        if appointment_at > at + datetime.timedelta(days=31):
            raise AttemptRefused("appointment_far")
        return Outcome(False, None, appointment_at, appointment_at)
    if final:
        return Outcome(True, code, None, None)
    if attempts_before + 1 >= max_attempts:
        return Outcome(True, code, None, None)
    return Outcome(False, None, at + datetime.timedelta(minutes=retry_minutes or 0), None)


def call_order(assignment, at):
    """The sort key of the enumerator's list, as a call centre works: appointments due now (earliest
    first), new cases, retries whose wait is over, then what must wait (soonest first)."""
    if assignment.appointment_at is not None and assignment.appointment_at <= at:
        return (0, assignment.appointment_at, assignment.id)
    if assignment.attempt_count == 0:
        return (1, assignment.created_at, assignment.id)
    if assignment.next_at is None or assignment.next_at <= at:
        return (2, assignment.next_at or at, assignment.id)
    return (3, assignment.next_at, assignment.id)

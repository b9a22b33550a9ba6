"""One assignment: the case (no personal data), the phone revealed on request while it is the
enumerator's and open, call attempts with their AAPOR outcomes, and the start of the interview."""

import datetime

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldwork import AttemptRefused, InterviewRefused, NotYours, record_attempt, reveal_phone
from fieldwork.calls import own_open
from fieldwork.interviewing import start
from models import CallAttempt, Case, Disposition, Dispositions, Interview, SampleCase

from .blueprint import bp, enumerator_required, no_store


def attempt_messages():
    return {
        "unknown": _("Choose the outcome of the call."),
        "complete": _("A complete is recorded by submitting the questionnaire."),
        "appointment_time": _("An appointment needs a date and time later than now."),
        "appointment_far": _("An appointment can be at most 31 days ahead."),
    }


def interview_messages():
    return {
        "no_form": _("No published questionnaire is set for this case yet: tell your supervisor."),
        "answered": _("This case has been answered already, through another channel."),
        "invalid": _("Some answers are missing or not accepted: see the questions marked in red."),
    }


def _own(assignment_id):
    try:
        return own_open(assignment_id, current_user.id)
    except NotYours:
        abort(403)


def _page(assignment, phone=None):
    sample = SampleCase.get_by_id(assignment.sample_id)
    case = Case.with_names(sample.case_id)
    attempts = list(
        CallAttempt.select(CallAttempt, Disposition)
        .join(Disposition)
        .where(CallAttempt.assignment == assignment)
        .order_by(CallAttempt.at.desc())
    )
    outcomes = [d for d in Disposition.for_attempts() if d.code != Dispositions.COMPLETE]
    response = make_response(
        render_template(
            "interviewer/assignment.html",
            a=assignment,
            sample=sample,
            case=case,
            attempts=attempts,
            outcomes=outcomes,
            phone=phone,
            revealed=phone is not None,
            interview=Interview.open_for_assignment(assignment),
            max_attempts=current_app.config["MAX_ATTEMPTS"],
            appointment_code=Dispositions.APPOINTMENT,
        )
    )
    return no_store(response)


@bp.route("/a/<int:assignment_id>")
@enumerator_required
def assignment(assignment_id):
    return _page(_own(assignment_id))


@bp.route("/a/<int:assignment_id>/phone", methods=["POST"])
@enumerator_required
def phone(assignment_id):
    """The number, shown on this response only (never in an address or the session); audited."""
    try:
        number = reveal_phone(assignment_id, current_user)
    except NotYours:
        abort(403)
    return _page(_own(assignment_id), phone=number or "")


def _appointment(form):
    text = (form.get("appointment_at") or "").strip()
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text).replace(tzinfo=None, second=0, microsecond=0)
    except ValueError:
        return None


@bp.route("/a/<int:assignment_id>/attempt", methods=["POST"])
@enumerator_required
def attempt(assignment_id):
    code = request.form.get("outcome", "")
    try:
        done = record_attempt(
            assignment_id,
            current_user,
            code,
            appointment_at=_appointment(request.form),
            note=request.form.get("note"),
            max_attempts=current_app.config["MAX_ATTEMPTS"],
        )
    except NotYours:
        abort(403)
    except AttemptRefused as exc:
        flash(attempt_messages()[str(exc)], "error")
        return redirect(url_for(".assignment", assignment_id=assignment_id))
    flash(_("Recorded: %(outcome)s.", outcome=done.disposition.label), "success")
    return redirect(url_for(".home"))


@bp.route("/a/<int:assignment_id>/interview", methods=["POST"])
@enumerator_required
def begin(assignment_id):
    """Start the interview (or resume the one begun)."""
    try:
        interview = start(assignment_id, current_user)
    except NotYours:
        abort(403)
    except InterviewRefused as exc:
        flash(interview_messages()[str(exc)], "error")
        return redirect(url_for(".assignment", assignment_id=assignment_id))
    return redirect(url_for(".interview", interview_id=interview.id))

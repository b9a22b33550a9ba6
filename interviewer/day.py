"""The enumerator's day: their own open assignments in the order a call centre works them, filtered
by unit and state; a face-to-face case found at the counter by its code."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldwork import call_order, is_absent
from models import Assignment, AssignmentStatus, Case, Modes, SampleCase, now

from .blueprint import bp, enumerator_required

DUE_APPOINTMENT, NEW, RETRY, WAITING = 0, 1, 2, 3  # the groups of call_order
PAGE_SIZE = 50  # assignments a page of the list shows: about 0.55 KB each, the page stays small


def state_labels():
    return {
        DUE_APPOINTMENT: _("Appointment due"),
        NEW: _("New"),
        RETRY: _("To try again"),
        WAITING: _("Waiting"),
    }


@bp.route("/")
@enumerator_required
def home():
    """The enumerator's open assignments, without personal data, PAGE_SIZE a page in call order; when
    there are none, why (marked absent, all finished, or nothing assigned yet)."""
    at = now()
    assignments = sorted(Assignment.open_for(current_user.id), key=lambda a: call_order(a, at))
    units = sorted({(a.sample.unit_id, a.sample.unit.name) for a in assignments}, key=lambda u: u[1])
    unit = request.args.get("unit", type=int)
    state = request.args.get("state", type=int)
    shown = [
        a
        for a in assignments
        if (unit is None or a.sample.unit_id == unit) and (state is None or call_order(a, at)[0] == state)
    ]
    pages = max(-(-len(shown) // PAGE_SIZE), 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    absent = is_absent(current_user.id)
    finished = 0
    if not assignments:
        finished = (
            Assignment.select()
            .where((Assignment.enumerator == current_user.id) & (Assignment.status == AssignmentStatus.CLOSED))
            .count()
        )
    return render_template(
        "interviewer/home.html",
        assignments=shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        shown=len(shown),
        page=page,
        pages=pages,
        total=len(assignments),
        units=units,
        unit=unit,
        state=state,
        group_of=lambda a: call_order(a, at)[0],
        states=state_labels(),
        absent=absent,
        finished=finished,
    )


@bp.route("/find")
@enumerator_required
def find():
    """A face-to-face case at the counter, by the code on the citizen's receipt, among the
    enumerator's own open face-to-face assignments."""
    code = (request.args.get("code") or "").strip()[:100]
    found = (
        Assignment.select(Assignment.id)
        .join(SampleCase)
        .join(Case, on=(SampleCase.case == Case.id))
        .where(
            (Assignment.enumerator == current_user.id)
            & (Assignment.status == AssignmentStatus.OPEN)
            & (SampleCase.mode == Modes.F2F)
            & (Case.code == code)
        )
        .first()
    )
    if found is None:
        flash(_("No open face-to-face interview of yours has this case code."), "warning")
        return redirect(url_for(".home"))
    return redirect(url_for(".assignment", assignment_id=found.id))

"""One case, read-only and without personal data: was this dossier sampled, and who has it? Its
sampling in every period, its assignment and that history, and the audit records of both."""

from flask import abort, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _

from models import (
    Assignment,
    AssignmentActions,
    AssignmentEvent,
    AuditRecord,
    Case,
    Period,
    SampleCase,
    SurveyLink,
    User,
)

from . import permissions
from .audit import action_names, object_names
from .base import SecureBaseView, _role
from .cases import CHANNEL_LABELS
from .links import channel_labels as link_channel_labels
from .links import status_labels as link_status_labels
from .sample import mode_labels, sample_status_labels, state_labels, state_of

AUDIT_FILTERS = {"model": "flt0_2", "object_id": "flt1_4"}  # the audit list's filters (AuditView.column_filters)


def assignment_actions():
    return {
        AssignmentActions.ASSIGNED: _("Assigned"),
        AssignmentActions.REASSIGNED: _("Reassigned"),
        AssignmentActions.CLOSED: _("Closed"),
    }


def sampling_verdict(case, samples):
    """A sentence on the case's sampling in its own month, when the table alone would not say it."""
    month = case.month
    if month is None:
        return _("Not returned yet: a case enters the sampling frame of the month its result is returned.")
    period = Period.get_or_none(Period.month == month)
    if any(s.period_id == (period.id if period else None) for s in samples):
        return None
    if period is None or not period.drawn_at:
        return _("The period %(m)s has not been drawn yet.", m=month)
    if case.created_at > period.drawn_at:
        return _("Imported after the draw of %(m)s: not in its sampling frame, so it will not be interviewed.", m=month)
    return _(
        "Not drawn in %(m)s: excluded by the rules of the period or not chosen by the draw.",
        m=month,
    )


class CasePageView(SecureBaseView):
    permission = "cases"

    def is_visible(self):
        return False  # reached from the lists, not the menu

    @expose("/")
    def index(self):
        return redirect(url_for("cases.index_view"))

    @expose("/<int:case_id>")
    def page(self, case_id):
        case = Case.with_names(case_id)
        if case is None:
            abort(404)
        samples = list(
            SampleCase.select(SampleCase, Period)
            .join(Period, on=(SampleCase.period == Period.id))
            .where(SampleCase.case == case)
            .order_by(Period.month)
        )
        assignments = {
            a.sample_id: a
            for a in Assignment.select(Assignment, User)
            .join(User, on=(Assignment.enumerator == User.id))
            .where(Assignment.sample.in_([s.id for s in samples] or [0]))
        }
        events = list(
            AssignmentEvent.select()
            .where(AssignmentEvent.assignment.in_([a.id for a in assignments.values()] or [0]))
            .order_by(AssignmentEvent.at, AssignmentEvent.id)
        )
        records = sorted(
            AuditRecord.of_objects(
                {
                    "sample_case": [s.id for s in samples],
                    "assignment": [a.id for a in assignments.values()],
                    "assignment_event": [e.id for e in events],
                }
            ),
            key=lambda r: r.seq,
        )
        sees_trail = permissions.can_read(_role(), "audit")
        trail_url = (
            url_for("audit.index_view", **{AUDIT_FILTERS["model"]: "case", AUDIT_FILTERS["object_id"]: case.id})
            if sees_trail
            else None
        )
        return self.render(
            "admin/case.html",
            case=case,
            channel=CHANNEL_LABELS.get(case.channel, case.channel),
            samples=samples,
            assignments=assignments,
            events=events,
            names=User.names(),
            records=records,
            verdict=sampling_verdict(case, samples),
            modes=mode_labels(),
            statuses=sample_status_labels(),
            states=state_labels(),
            state_of=state_of,
            actions=assignment_actions(),
            audit_actions=action_names(),
            audit_objects=object_names(),
            trail_url=trail_url,
            link=SurveyLink.of_case(case.id),
            link_channels=link_channel_labels(),
            link_statuses=link_status_labels(),
            can_print=permissions.can_write(_role(), "links") and case.returned_at is not None,
        )

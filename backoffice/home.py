"""The back-office home: what needs each role's attention now, with the next step, besides the totals."""

import datetime

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN, fn

from fieldwork import enumerators, unit_progress
from formatting import moment, number
from models import (
    Alert,
    Allocation,
    Assignment,
    AuditRecord,
    Case,
    Contact,
    ImportRun,
    Interview,
    InterviewStatus,
    JobKinds,
    JobRun,
    JobStatus,
    Period,
    PeriodStatus,
    Procedure,
    RecheckCase,
    RecheckDraw,
    RecheckStatus,
    ResultStatus,
    ResultVersion,
    SampleCase,
    SampleStatus,
    Unit,
    User,
    now,
)

from . import permissions
from .audit import action_names, object_names
from .base import _role


def _card(title, text, link=None, action=None, tone="info"):
    return {"title": title, "text": text, "link": link, "action": action, "tone": tone}


def _sampling_card(can_write):
    """The current month's state and its next step (supervisors; officers see it without the step)."""
    period = Period.select().where(Period.status == PeriodStatus.OPEN).order_by(Period.month.desc()).first()
    if period is None:
        return _card(
            _("No survey period is open"),
            _("Open the month to survey, then allocate its quotas."),
            url_for("periods.create_view") if can_write else None,
            _("Open a period"),
            "warning",
        )
    page = url_for("sampling.index", period=period.month)
    if period.allocated_at is None:
        return _card(
            _("Month %(m)s: quotas not allocated yet", m=period.month),
            _("Next step: allocate the month's interviews to the units, in proportion to their cases."),
            page,
            _("Allocate"),
            "warning",
        )
    quota = Allocation.select(fn.SUM(Allocation.quota)).where(Allocation.period == period).scalar() or 0
    if period.drawn_at is None:
        return _card(
            _("Month %(m)s: %(n)s interviews allocated, sample not drawn", m=period.month, n=number(quota)),
            _("Next step: draw the sample (issued cases and a reserve) from the recorded seed."),
            page,
            _("Draw"),
            "warning",
        )
    waiting = (
        SampleCase.select()
        .join(Assignment, JOIN.LEFT_OUTER, on=(Assignment.sample == SampleCase.id))
        .where((SampleCase.period == period) & (SampleCase.status == SampleStatus.ISSUED) & Assignment.id.is_null(True))
        .count()
    )
    if waiting:
        return _card(
            _("Month %(m)s: %(n)s drawn cases wait for an enumerator", m=period.month, n=number(waiting)),
            _("Next step: assign them (balanced between the available enumerators)."),
            page,
            _("Assign"),
            "warning",
        )
    stats = unit_progress(period).values()
    issued = sum(s["issued"] for s in stats)
    completed = sum(s["completed"] for s in stats)
    open_ = sum(s["open"] for s in stats)
    return _card(
        _("Month %(m)s: fieldwork under way", m=period.month),
        _(
            "%(done)s of %(issued)s issued interviews completed, %(open)s open.",
            done=number(completed),
            issued=number(issued),
            open=number(open_),
        ),
        url_for("assignments.index", period=period.month) if can_write else page,
        _("Open the assignments") if can_write else _("Open the allocation"),
    )


def _absent_card():
    absent = [p.full_name for p in enumerators().values() if not p.available]
    if not absent:
        return None
    return _card(
        _("%(n)d enumerator(s) marked absent", n=len(absent)),
        ", ".join(sorted(absent)) + ". " + _("Mark them back on the assignment board when they return."),
        url_for("assignments.index"),
        _("Open the assignments"),
    )


def _chain_card():
    last = JobRun.select().where(JobRun.kind == JobKinds.AUDIT_VERIFY).order_by(JobRun.id.desc()).first()
    if last is None or not last.finished:
        text = (
            _("The chain has not been verified from the web yet.") if last is None else _("A verification is running.")
        )
        return _card(_("Audit chain"), text, url_for("audit.index_view"), _("Open the audit trail"), "warning")
    if not last.ok:  # the job itself failed or was lost: that says nothing of the chain
        return _card(
            _("Audit chain"),
            _("The last verification did not finish; run it again."),
            url_for("audit.index_view"),
            _("Open the audit trail"),
            "warning",
        )
    whole = last.summary_dict().get("whole", False)
    return _card(
        _("Audit chain: whole") if whole else _("Audit chain: BROKEN"),
        _(
            "%(result)s Verified %(t)s by %(who)s.",
            result=last.message or "",
            t=moment(last.finished_at),
            who=last.actor,
        ),
        url_for("audit.index_view"),
        _("Open the audit trail"),
        "success" if whole else "danger",
    )


def _review_card():
    waiting = Interview.select().where(Interview.status == InterviewStatus.SUBMITTED).count()
    if not waiting:
        return None
    return _card(
        _("%(n)s interview(s) awaiting review", n=number(waiting)),
        _("Only approved interviews count in the results."),
        url_for("review.index"),
        _("Review them"),
        "warning",
    )


def _rechecks_card():
    """The auditor's open re-checks, in the latest period that has some."""
    mine = (
        RecheckCase.select(Period.month, fn.COUNT(RecheckCase.id))
        .join(RecheckDraw, on=(RecheckCase.draw == RecheckDraw.id))
        .join(Period, on=(RecheckDraw.period == Period.id))
        .where((RecheckCase.auditor == current_user.id) & (RecheckCase.status == RecheckStatus.OPEN))
        .group_by(Period.month)
        .order_by(Period.month.desc())
        .tuples()
    )
    found = mine.first()
    if not found:
        return None
    month, n = found
    return _card(
        _("%(n)s re-check(s) to do in %(month)s", n=number(n), month=month),
        _("Call the respondent, ask the short form again and record the outcome."),
        url_for("rechecks.index", period=month),
        _("Open my re-checks"),
        "warning",
    )


def _alerts_card():
    new = Alert.select().where(Alert.acknowledged_at.is_null()).count()
    if not new:
        return None
    return _card(
        _("%(n)s new alert(s)", n=number(new)),
        _("Answers that raise an alert (harassment, unofficial payment, very low ratings): follow them up."),
        url_for("alerts.index"),
        _("Open the alerts"),
        "danger",
    )


def _results_card():
    """The latest compiled version of results waiting to be published (the monthly job's, or anyone's):
    how officers learn that a month's figures are ready."""
    latest = ResultVersion.select(ResultVersion, Period).join(Period).order_by(ResultVersion.id.desc()).first()
    if latest is None or latest.status == ResultStatus.PUBLISHED:
        return None
    return _card(
        _("Results of %(m)s: version %(n)s compiled, not published", m=latest.period.month, n=latest.number),
        _(
            "Compiled %(d)s by %(who)s. Check what changed, then publish it.",
            d=moment(latest.created_at),
            who=latest.created_by,
        ),
        url_for("results.index", period=latest.period.month, version=latest.number),
        _("Open the results"),
        "warning",
    )


def _jobs_card():
    since = now() - datetime.timedelta(days=7)
    failed = JobRun.select().where((JobRun.status == JobStatus.FAILED) & (JobRun.created_at >= since)).count()
    locked = User.select().where(User.locked_until > now()).count()
    parts = [_("%(n)d job(s) failed in the last 7 days.", n=failed), _("%(n)d account(s) locked.", n=locked)]
    return _card(
        _("Jobs and accounts"),
        " ".join(parts),
        url_for("jobs.index"),
        _("Open the jobs"),
        "danger" if failed else "info",
    )


def attention(role):
    """The cards of the home page for this role, most urgent first."""
    cards = []
    if role == permissions.ADMIN:
        cards.append(_jobs_card())
    if permissions.can_read(role, "sampling"):
        cards.append(_sampling_card(permissions.can_write(role, "sampling")))
    if permissions.can_read(role, "alerts"):
        cards.append(_alerts_card())
    if permissions.can_read(role, "review"):
        cards.append(_review_card())
    if permissions.can_read(role, "assignments"):
        cards.append(_absent_card())
    if role == permissions.AUDITOR:
        cards.append(_rechecks_card())
    if permissions.can_write(role, "results"):
        cards.append(_results_card())
    if permissions.can_read(role, "audit"):
        cards.append(_chain_card())
    return [c for c in cards if c]


def recent_changes(role, limit=8):
    """The latest audit records (auditors and admins): what changed last."""
    if not permissions.can_read(role, "audit"):
        return []
    return list(AuditRecord.select().order_by(AuditRecord.seq.desc()).limit(limit))


class HomeView(AdminIndexView):
    """The back-office home: what needs the role's attention now, then what is in the database."""

    def is_accessible(self):
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @expose("/")
    def index(self):
        role = _role()
        if role not in permissions.BACKOFFICE:
            return redirect(url_for("interviewer.home"))
        counts = {
            "units": Unit.select().count(),
            "procedures": Procedure.select().count(),
            "cases": Case.select().count() if permissions.can_read(_role(), "cases") else None,
            "contacts": Contact.select().count() if permissions.can_read(_role(), "cases") else None,
        }
        recent = []
        if permissions.can_read(_role(), "imports"):
            recent = list(ImportRun.recent(5))
        return self.render(
            "admin/home.html",
            counts=counts,
            recent=recent,
            cards=attention(role),
            changes=recent_changes(role),
            action_names=action_names(),
            object_names=object_names(),
        )

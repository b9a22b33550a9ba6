"""Re-checks (phúc tra) in the back office: an auditor draws a period's re-check sample (a job),
verifies it, and re-checks their own cases (the phone revealed on request, audited; the short form of
the questions marked `recheck`); the comparison of re-checks with interviews, by enumerator and by
interview, where a supervisor invalidates an interview (a new results version is compiled)."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from models import (
    Case,
    Interview,
    InterviewStatus,
    JobKinds,
    JobRun,
    Period,
    Procedure,
    RecheckCase,
    RecheckDraw,
    RecheckStatus,
    RecheckTypes,
    Unit,
    User,
)
from rechecks import compare, form, service
from rechecks.messages import describe, outcome_labels, reason_labels
from rechecks.settings import RecheckSettingsError, merged

from . import permissions
from .base import SecureBaseView, _role
from .jobs import follow, start
from .review import status_labels


def _periods_and_period():
    periods = list(Period.latest_first())
    month = request.args.get("period") or (periods[0].month if periods else None)
    period = Period.get_or_none(Period.month == month) if Period.valid_month(month or "") else None
    if month and period is None:
        abort(404)
    return periods, period


def _posted_period():
    month = request.form.get("period") or ""
    period = Period.get_or_none(Period.month == month) if Period.valid_month(month) else None
    if period is None:
        abort(404)
    return period


def type_labels():
    return {
        RecheckTypes.MUST_MATCH: _("must not change"),
        RecheckTypes.RARELY: _("should rarely change"),
        RecheckTypes.OPINION: _("opinion (compared in aggregate)"),
    }


def interview_case_items(found):
    """The re-checked interview, its case (unit and procedure read with it) and the re-check form's items."""
    interview = Interview.get_by_id(found.interview_id)
    case = (
        Case.select(Case, Unit, Procedure)
        .join(Unit, on=(Case.unit == Unit.id))
        .switch(Case)
        .join(Procedure, on=(Case.procedure == Procedure.id))
        .where(Case.id == interview.case_id)
        .get()
    )
    facts = {
        "unit": case.unit.name,
        "procedure": case.procedure.name,
        "receiving_officer": case.receiving_officer,
        "handling_officer": case.handling_officer,
    }
    return interview, case, form.items(interview.version.definition_dict(), facts)


def side_by_side(found, interview, items):
    """[(item, interview's answer, re-check's answer, {choice: label}, differs)] of a recorded re-check."""
    original, again = interview.answers_dict(), found.answers_dict()
    out = []
    for item in items:
        before, after = original.get(item["name"]), again.get(item["name"])
        differs = before not in compare.EMPTY and after not in compare.EMPTY
        differs = differs and not compare.same(item["kind"], before, after)
        out.append((item, before, after, dict(item["choices"]), differs))
    return out


class RecheckView(SecureBaseView):
    permission = "rechecks"
    write_endpoints = ("draw", "verify", "phone", "record")

    @expose("/")
    def index(self):
        periods, period = _periods_and_period()
        made = RecheckDraw.of(period) if period else None
        try:
            settings = merged(period.settings) if period else None
        except RecheckSettingsError:
            settings = None
        mine = []
        if made:
            mine = list(
                RecheckCase.select(RecheckCase, Interview, Case, Unit)
                .join(Interview, on=(RecheckCase.interview == Interview.id))
                .join(Case, on=(Interview.case == Case.id))
                .join(Unit, on=(Case.unit == Unit.id))
                .where((RecheckCase.draw == made) & (RecheckCase.auditor == current_user.id))
                .order_by(RecheckCase.status.desc(), RecheckCase.rank, RecheckCase.id)
            )
        return self.render(
            "admin/rechecks.html",
            periods=periods,
            period=period,
            made=made,
            settings=settings,
            total=RecheckCase.select().where(RecheckCase.draw == made).count() if made else 0,
            mine=mine,
            names=User.names(),
            outcomes=outcome_labels(),
            reasons=reason_labels(),
            running=JobRun.latest(JobKinds.RECHECKS_DRAW, period_id=period.id) if period else None,
            can_write=permissions.can_write(_role(), self.permission),
            form=FlaskForm(),
            open_status=RecheckStatus.OPEN,
        )

    @expose("/draw", methods=["POST"])
    def draw(self):
        period = _posted_period()
        back = url_for(".index", period=period.month)
        text = (request.form.get("share") or "").strip().replace(",", ".")
        try:
            share = float(text) / 100 if text else None
        except ValueError:
            flash(describe("share"), "error")
            return redirect(back)
        seed = (request.form.get("seed") or "").strip() or None
        if seed and not service.SEED_RE.match(seed):
            flash(describe("seed"), "error")
            return redirect(back)
        run = start(
            JobKinds.RECHECKS_DRAW,
            {"period_id": period.id, "share": share, "seed": seed},
            title=_("Re-check sample of %(month)s", month=period.month),
            return_to=back,
        )
        return follow(run, back)

    @expose("/verify", methods=["POST"])
    def verify(self):
        period = _posted_period()
        back = url_for(".index", period=period.month)
        run = start(
            JobKinds.RECHECKS_VERIFY,
            {"period_id": period.id},
            title=_("Verification of the re-check sample of %(month)s", month=period.month),
            return_to=back,
        )
        return follow(run, back)

    def _own(self, recheck_id):
        """The current user's case, or 404 (another auditor's case is answered as if it did not exist)."""
        found = RecheckCase.own(recheck_id, current_user.id)
        if found is None:
            abort(404)
        return found

    def _page(self, found, phone=None, posted=None, errors=None):
        interview, case, items = interview_case_items(found)
        done = found.status == RecheckStatus.DONE
        return self.render(
            "admin/recheck_case.html",
            found=found,
            interview=interview,
            case=case,
            items=items,
            answers=posted or {},
            errors=errors or {},
            compared=side_by_side(found, interview, items) if done else [],  # never before it is recorded
            phone=phone,
            revealed=phone is not None,
            names=User.names(),
            outcomes=outcome_labels(),
            reasons=reason_labels(),
            types=type_labels(),
            form=FlaskForm(),
            chosen=(posted or {}).get("outcome"),
            done=done,
        )

    @expose("/case/<int:recheck_id>")
    def case(self, recheck_id):
        return self._page(self._own(recheck_id))

    @expose("/case/<int:recheck_id>/phone", methods=["POST"])
    def phone(self, recheck_id):
        found = self._own(recheck_id)
        try:
            number = service.reveal_phone(found.id, current_user)
        except service.NotYours:
            flash(_("This re-check is done: the phone is no longer shown."), "error")
            return redirect(url_for(".case", recheck_id=found.id))
        return self._page(found, phone=number or "")

    @expose("/case/<int:recheck_id>/record", methods=["POST"])
    def record(self, recheck_id):
        found = self._own(recheck_id)
        posted = {k: (v if len(v) > 1 else v[0]) for k, v in request.form.lists() if k not in ("csrf_token", "note")}
        outcome = posted.pop("outcome", None)
        try:
            service.record(found.id, current_user, outcome, posted, request.form.get("note"))
        except service.NotYours:
            flash(_("This re-check is done already."), "error")
            return redirect(url_for(".case", recheck_id=found.id))
        except service.RecheckRefused as exc:
            flash(describe(exc), "error")
            return self._page(found, posted={**posted, "outcome": outcome}, errors=exc.errors), 422
        flash(_("Re-check recorded."), "success")
        return redirect(url_for(".case", recheck_id=found.id))


class DiscrepancyView(SecureBaseView):
    """The comparison: per enumerator and per interview, discrepancy rates of type 1 and type 2
    questions, the mean difference of opinions, the threshold; invalidation by a supervisor."""

    permission = "discrepancies"
    write_endpoints = ("invalidate",)

    @expose("/")
    def index(self):
        periods, period = _periods_and_period()
        try:
            made, settings, rows, figures = service.comparison(period) if period else (None, None, [], {})
        except RecheckSettingsError as exc:  # the period's settings were edited by hand
            flash(str(exc), "error")
            made, settings, rows, figures = None, None, [], {}
        return self.render(
            "admin/discrepancies.html",
            periods=periods,
            period=period,
            made=made,
            settings=settings,
            rows=rows,
            figures=sorted(figures.items(), key=lambda kv: User.names().get(kv[0], "")),
            names=User.names(),
            outcomes=outcome_labels(),
            reasons=reason_labels(),
            statuses=status_labels(),
            can_write=permissions.can_write(_role(), self.permission),
            form=FlaskForm(),
            approved=InterviewStatus.APPROVED,
        )

    @expose("/<int:recheck_id>")
    def show(self, recheck_id):
        """One re-check beside its interview (answers, outcome, note; no personal data)."""
        found = RecheckCase.get_or_none(RecheckCase.id == recheck_id)
        if found is None:
            abort(404)
        interview, case, items = interview_case_items(found)
        return self.render(
            "admin/discrepancy.html",
            found=found,
            interview=interview,
            case=case,
            compared=side_by_side(found, interview, items) if found.status == RecheckStatus.DONE else [],
            figures=service.case_figures(found),
            names=User.names(),
            outcomes=outcome_labels(),
            reasons=reason_labels(),
            statuses=status_labels(),
            types=type_labels(),
            can_write=permissions.can_write(_role(), self.permission),
            can_review=permissions.can_read(_role(), "review"),
            form=FlaskForm(),
            approved=InterviewStatus.APPROVED,
        )

    @expose("/<int:recheck_id>/invalidate", methods=["POST"])
    def invalidate(self, recheck_id):
        found = RecheckCase.get_or_none(RecheckCase.id == recheck_id)
        if found is None:
            abort(404)
        back = url_for(".index", period=found.draw.period.month)
        try:
            interview, run = service.invalidate(found.interview_id, current_user, request.form.get("reason"), back)
        except service.RecheckRefused as exc:
            flash(describe(exc), "error")
            return redirect(back)
        flash(_("Interview invalidated: it no longer counts; the results are compiled again."), "success")
        if run is None:
            flash(
                _("The job queue is not available: compile the period's results again from the results page."),
                "error",
            )
        return follow(run, back)

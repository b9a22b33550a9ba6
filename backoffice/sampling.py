"""Supervisor screens: the allocation table with allocate/override/draw/release/assign, and the
assignment board."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from peewee import fn
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from exports import FORMATS
from fieldwork import enumerators, set_available, unit_progress
from formatting import moment, whole_numbers
from models import (
    Allocation,
    Assignment,
    AssignmentEvent,
    AssignmentStatus,
    Case,
    JobKinds,
    JobRun,
    Modes,
    Period,
    SampleCase,
    Unit,
    User,
)
from sampling.assignment import move_open_work, reassign
from sampling.messages import RULE_LABELS, describe
from sampling.service import SamplingError, imported_after_draw, release_proposals
from sampling.settings import RULES, SettingsError

from . import permissions
from .base import MAX_PAGE, LongSelect, SecureBaseView, _role, is_id
from .exporting import export_detail, send_table
from .jobs import follow, start
from .sample import mode_labels
from .sampling_settings import settings_form, settings_json


class AllocateForm(FlaskForm):
    total = IntegerField(
        _l("Interviews to complete this month"), validators=[InputRequired(), NumberRange(min=0, max=10_000_000)]
    )


class OverrideForm(FlaskForm):
    unit = IntegerField(validators=[InputRequired()])
    quota = IntegerField(_l("Quota"), validators=[Optional(), NumberRange(min=0)])
    clear = BooleanField()
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=5, max=1000)])


class DrawForm(FlaskForm):
    seed = StringField(
        _l("Seed (leave empty for a random one)"), validators=[Optional(), Length(max=64), Regexp(r"^[\w\-.:]*$")]
    )
    redo = BooleanField(_l("Redo the draw (replaces the sample; only before any assignment)"))


class PeriodForm(FlaskForm):
    month = StringField(validators=[DataRequired(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$")])


def _period_or_404(month):
    if not Period.valid_month(month or ""):
        abort(404)
    return Period.get_or_none(Period.month == month)


def allocation_rows(period, start=0, stop=None):
    """([row per unit], totals, units) of a period's allocation table: the rows of the units `start` to
    `stop` in the order of their codes (all by default), each with its allocation, exclusions, the
    completed interviews and response rate so far, the reserve proposed for release and the cases
    imported after the draw (not in its frame); the totals of every unit; the number of units.
    Every unit's figures are read as plain rows, whole allocations only for the units shown."""
    by_mode = [getattr(Allocation, f"{key}_{m}") for key in ("quota", "issued", "reserve") for m in Modes.ALL]
    summary = sorted(
        Allocation.select(
            Allocation.id, Allocation.unit, Unit.code, Allocation.cases, Allocation.eligible, Allocation.quota, *by_mode
        )
        .join(Unit, on=(Allocation.unit == Unit.id))
        .where(Allocation.period == period)
        .dicts(),
        key=lambda d: d["code"],
    )
    progress = unit_progress(period)
    live, late = {}, imported_after_draw(period)
    quotas = {d["unit"]: {m: d[f"quota_{m}"] for m in Modes.ALL} for d in summary}
    for unit_id, _mode, count in release_proposals(period, progress, quotas):
        live[unit_id] = live.get(unit_id, 0) + count
    completed = {}
    for (unit_id, _mode), s in progress.items():
        done, closed = completed.get(unit_id, (0, 0))
        completed[unit_id] = (done + s["completed"], closed + s["closed"])
    shown = summary[start:stop]
    query = Allocation.select(Allocation, Unit.id, Unit.code, Unit.name).join(Unit, on=(Allocation.unit == Unit.id))
    if stop is None and not start:
        query = query.where(Allocation.period == period)
    else:
        query = query.where(Allocation.id.in_([d["id"] for d in shown]))
    found = {a.id: a for a in query}
    rows = []
    for a in (found[d["id"]] for d in shown):
        done, closed = completed.get(a.unit_id, (0, 0))
        excluded = a.excluded_dict()
        progress = round(100 * done / a.quota) if a.quota else 0
        rows.append(
            {
                "a": a,
                "unit": a.unit,
                "excluded": excluded,
                "excluded_counts": [excluded.get(rule, 0) for rule in RULES],  # the table's columns
                "completed": done,
                "progress": progress,
                "bar": min(progress, 100),
                "rate": round(100 * done / closed) if closed else None,
                "proposal": live.get(a.unit_id, 0),
                "late": late.get(a.unit_id, 0),
            }
        )
    totals = {key: sum(d[key] for d in summary) for key in ("cases", "eligible", "quota")}
    for key in ("issued", "reserve"):
        totals[key] = sum(d[f"{key}_{m}"] for d in summary for m in Modes.ALL)
    allocated = set(quotas)
    totals["completed"] = sum(completed.get(unit_id, (0, 0))[0] for unit_id in allocated)
    totals["proposal"] = sum(live.values())
    totals["late"] = sum(late.values())
    totals["late_outside"] = sum(n for unit_id, n in late.items() if unit_id not in allocated)
    return rows, totals, len(summary)


class SamplingView(SecureBaseView):
    permission = "sampling"
    write_endpoints = ("open_period", "allocate", "override", "draw", "release", "assign", "settings")
    PAGE = 50  # units a page of the allocation table (300 units of 17 cells were most of the page's cost)

    @expose("/")
    def index(self):
        periods = list(Period.select().order_by(Period.month.desc()))
        month = request.args.get("period") or (periods[0].month if periods else None)
        period = _period_or_404(month) if month else None
        if month and period is None and request.args.get("period"):
            abort(404)
        page = request.args.get("page", 1, type=int)
        page = min(max(page, 1), MAX_PAGE)  # a forged page shows the first or the last one
        rows, totals, units = (
            allocation_rows(period, (page - 1) * self.PAGE, page * self.PAGE) if period else ([], {}, 0)
        )
        pages = max((units + self.PAGE - 1) // self.PAGE, 1)
        if page > pages:
            page = pages
            rows, totals, units = allocation_rows(period, (page - 1) * self.PAGE, page * self.PAGE)
        can_write = permissions.can_write(_role(), self.permission)
        return self.render(
            "admin/sampling.html",
            periods=periods,
            period=period,
            rows=rows,
            totals=totals,
            units=units,
            page=page,
            pages=pages,
            first=(page - 1) * self.PAGE + 1,
            count=whole_numbers(),
            page_url=lambda p: url_for(".index", period=period.month, page=p + 1),  # p from 0, as lib.pager counts
            settings_form=settings_form(period) if period else None,
            rules=RULES,
            rule_labels=RULE_LABELS,
            can_write=can_write,
            assigned=bool(period and Assignment.of_period(period).exists()),
            verification=JobRun.latest(JobKinds.SAMPLING_VERIFY, period_id=period.id) if period else None,
            allocate_form=AllocateForm(total=period.total if period else None),
            draw_form=DrawForm(),
            override_form=OverrideForm(),
            period_form=PeriodForm(),
            formats=FORMATS,
        )

    @expose("/export/<export_type>")
    def export_table(self, export_type):
        """The allocation table of a period, as on the page, in CSV or XLSX (recorded in the trail)."""
        period = _period_or_404(request.args.get("period"))
        if period is None or export_type not in FORMATS:
            abort(404)
        rows, _totals, _units = allocation_rows(period)
        headers = [
            _("Unit code"),
            _("Unit"),
            _("Cases"),
            *[str(RULE_LABELS[r]) for r in RULES],
            _("Eligible"),
            _("Quota"),
            _("Set by"),
            _("Issued"),
            _("Reserve"),
            _("Drawn"),
            _("Imported after the draw"),
            _("Completed"),
            _("Response rate (%)"),
        ]
        bounds = {"override": _("set by hand"), "minimum": _("minimum"), "cap": _("all it has")}
        table = (
            [
                r["unit"].code,
                r["unit"].name,
                r["a"].cases,
                *[r["excluded"].get(rule, 0) for rule in RULES],
                r["a"].eligible,
                r["a"].quota,
                bounds.get(r["a"].bound, _("proportional")),
                r["a"].issued,
                r["a"].reserve,
                r["a"].issued + r["a"].reserve,
                r["late"],
                r["completed"],
                r["rate"],
            ]
            for r in rows
        )
        return send_table(
            f"phan-bo_{period.month}", headers, table, export_type, "allocation", export_detail(period=period.month)
        )

    @expose("/open", methods=["POST"])
    def open_period(self):
        form = PeriodForm()
        if not form.validate_on_submit():
            flash(_("The month must be written YYYY-MM, e.g. 2026-10."), "error")
            return redirect(url_for(".index"))
        Period.for_month(form.month.data)
        return redirect(url_for(".index", period=form.month.data))

    def _back(self, period):
        return url_for(".index", period=period.month)

    def _form_period(self, create=False):
        month = request.form.get("period")
        period = _period_or_404(month)
        if period is None and create:
            period = Period.for_month(month)  # created on first use, as on the command line
        if period is None:
            abort(404)
        return period

    @expose("/settings", methods=["POST"])
    def settings(self):
        period = self._form_period()
        if period.drawn_at:
            flash(describe(SamplingError("drawn")), "error")
            return redirect(self._back(period))
        form = settings_form(period, formdata=request.form)
        if not form.validate_on_submit():
            problems = "; ".join(f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items())
            flash(_("The settings were not saved: %(problems)s", problems=problems), "error")
            return redirect(self._back(period))
        try:
            period.settings = settings_json(form, period.settings)
        except SettingsError as exc:
            flash(_("The settings were not saved: %(problems)s", problems=str(exc)), "error")
            return redirect(self._back(period))
        period.save()
        flash(_("Settings saved; allocate again to apply them."), "success")
        return redirect(self._back(period))

    @expose("/verify", methods=["POST"])
    def verify(self):
        """Replay the draw from its recorded seed and inputs, as a job; any reader of the page may."""
        period = self._form_period()
        if not period.drawn_at:
            flash(describe(SamplingError("not_drawn")), "error")
            return redirect(self._back(period))
        return follow(
            start(
                JobKinds.SAMPLING_VERIFY,
                {"period_id": period.id},
                title=_("Verification of the draw of %(m)s", m=period.month),
                return_to=self._back(period),
            ),
            self._back(period),
        )

    @expose("/allocate", methods=["POST"])
    def allocate(self):
        period = self._form_period(create=True)
        form = AllocateForm()
        if not form.validate_on_submit():
            flash(_("Enter the number of interviews as a whole number, zero or more."), "error")
            return redirect(self._back(period))
        if period.drawn_at:
            flash(describe(SamplingError("drawn")), "error")
            return redirect(self._back(period))
        return follow(
            start(
                JobKinds.SAMPLING_ALLOCATE,
                {"period_id": period.id, "total": form.total.data},
                title=_("Allocation of %(m)s", m=period.month),
                return_to=self._back(period),
            ),
            self._back(period),
        )

    @expose("/override", methods=["POST"])
    def override(self):
        period = self._form_period()
        form = OverrideForm()
        row = (
            Allocation.get_or_none((Allocation.period == period) & (Allocation.unit == form.unit.data))
            if form.unit.data
            else None
        )
        if not form.validate_on_submit() or row is None or (form.quota.data is None and not form.clear.data):
            flash(_("A quota override needs the unit, a quota and a written reason of at least 5 characters."), "error")
            return redirect(self._back(period))
        quota = None if form.clear.data else form.quota.data
        if period.drawn_at or (quota is not None and quota > row.eligible):
            flash(describe(SamplingError("drawn" if period.drawn_at else "quota_range")), "error")
            return redirect(self._back(period))
        return follow(
            start(
                JobKinds.SAMPLING_OVERRIDE,
                {"period_id": period.id, "unit_id": row.unit_id, "quota": quota, "reason": form.reason.data},
                title=_("Quota override"),
                return_to=self._back(period),
            ),
            self._back(period),
        )

    @expose("/draw", methods=["POST"])
    def draw(self):
        period = self._form_period()
        form = DrawForm()
        if not form.validate_on_submit():
            flash(_("A seed may contain only letters, digits and - _ . :"), "error")
            return redirect(self._back(period))
        return follow(
            start(
                JobKinds.SAMPLING_DRAW,
                {"period_id": period.id, "seed": form.seed.data or None, "redo": form.redo.data},
                title=_("Draw of %(m)s", m=period.month),
                return_to=self._back(period),
            ),
            self._back(period),
        )

    @expose("/release", methods=["POST"])
    def release(self):
        period = self._form_period()
        unit_id = request.form.get("unit", type=int)
        if unit_id is not None and Unit.get_or_none(Unit.id == unit_id) is None:
            abort(404)
        return follow(
            start(
                JobKinds.SAMPLING_RELEASE,
                {"period_id": period.id, "unit_id": unit_id},
                title=_("Release of reserve"),
                return_to=self._back(period),
            ),
            self._back(period),
        )

    @expose("/assign", methods=["POST"])
    def assign(self):
        period = self._form_period()
        return follow(
            start(
                JobKinds.SAMPLING_ASSIGN,
                {"period_id": period.id},
                title=_("Assignment of %(m)s", m=period.month),
                return_to=url_for("assignments.index", period=period.month),
            ),
            self._back(period),
        )


class BoardFilter(FlaskForm):
    class Meta:
        csrf = False

    period = SelectField(_l("Period"), validate_choice=False, widget=LongSelect())
    enumerator = SelectField(_l("Enumerator"), validate_choice=False, widget=LongSelect())
    unit = SelectField(_l("Unit"), validate_choice=False, widget=LongSelect())
    mode = SelectField(
        _l("Mode"),
        choices=[("", "—"), (Modes.PHONE, _l("Phone")), (Modes.F2F, _l("Face to face"))],
        validate_choice=False,
    )
    status = SelectField(
        _l("Status"),
        choices=[("", "—"), (AssignmentStatus.OPEN, _l("Open")), (AssignmentStatus.CLOSED, _l("Closed"))],
        validate_choice=False,
    )


class MoveForm(FlaskForm):
    ids = SelectMultipleField(coerce=int, validate_choice=False)
    to_user = IntegerField(validators=[Optional()])
    from_user = IntegerField(validators=[Optional()])
    reason = StringField(validators=[Optional(), Length(max=500)])


class AssignmentBoardView(SecureBaseView):
    permission = "assignments"
    write_endpoints = ("reassign_selected", "move_absent", "mark_back")
    PAGE = 50  # a page the board renders quickly; the filters narrow it

    @expose("/")
    def index(self):
        people = enumerators()
        form = BoardFilter(request.args)
        periods = [p.month for p in Period.select().where(Period.drawn_at.is_null(False)).order_by(Period.month.desc())]
        form.period.choices = [(m, m) for m in periods]
        form.enumerator.choices = [("", "—")] + [
            (str(uid), f"{p.full_name} ({p.username})")
            for uid, p in sorted(people.items(), key=lambda x: x[1].full_name)
        ]
        units = list(Unit.select(Unit.id, Unit.code, Unit.name).order_by(Unit.code).tuples())
        form.unit.choices = [("", "—")] + [(str(uid), f"{code} – {name}") for uid, code, name in units]
        month = form.period.data or (periods[0] if periods else None)
        period = Period.get_or_none(Period.month == month) if month else None
        total = self._where(form, period, Assignment.select(Assignment.id).join(SampleCase)).count()
        page = max(request.args.get("page", 1, type=int), 1)
        query = self._where(
            form,
            period,
            Assignment.select(Assignment, SampleCase, User.id, User.username, User.full_name)
            .join(SampleCase)
            .switch(Assignment)
            .join(User, on=(Assignment.enumerator == User.id)),
        )
        rows = list(
            query.order_by(User.full_name, SampleCase.unit, SampleCase.rank)
            .limit(self.PAGE)
            .offset((page - 1) * self.PAGE)
        )
        # The page's case codes only: the sort and the paging need no case (2,500 of them a month).
        cases = {c.id: c for c in Case.select(Case.id, Case.code).where(Case.id.in_([a.sample.case_id for a in rows]))}
        for a in rows:
            a.sample.case = cases[a.sample.case_id]
        load = {}
        if period:
            for name, status, n in (
                Assignment.select(User.full_name, Assignment.status, fn.COUNT(Assignment.id))
                .join(User, on=(Assignment.enumerator == User.id))
                .switch(Assignment)
                .join(SampleCase)
                .where(SampleCase.period == period)
                .group_by(User.full_name, Assignment.status)
                .tuples()
            ):
                load.setdefault(name, {AssignmentStatus.OPEN: 0, AssignmentStatus.CLOSED: 0})[status] = n
        codes = {uid: code for uid, code, _name in units}
        return self.render(
            "admin/assignments.html",
            form=form,
            rows=rows,
            total=total,
            page=page,
            pages=(total + self.PAGE - 1) // self.PAGE,
            people=people,
            load=load,
            codes=codes,
            period=period,
            move_form=MoveForm(),
            formats=FORMATS,
            can_write=permissions.can_write(_role(), self.permission),
        )

    @staticmethod
    def _where(form, period, query):
        """`query` (on assignment joined to its sample) narrowed to the period's assignments that the
        board's filters (in the address) select."""
        query = query.where(SampleCase.period == (period.id if period else 0))
        for field, column in (("enumerator", Assignment.enumerator), ("unit", SampleCase.unit)):
            value = request.args.get(field, "")
            if is_id(value):
                query = query.where(column == int(value))
        if form.mode.data in Modes.ALL:
            query = query.where(SampleCase.mode == form.mode.data)
        if form.status.data in (AssignmentStatus.OPEN, AssignmentStatus.CLOSED):
            query = query.where(Assignment.status == form.status.data)
        return query

    @classmethod
    def _filtered(cls, form, period):
        """The period's assignments that the board's filters select, with their sample, case code and
        enumerator (for the export)."""
        return cls._where(
            form,
            period,
            Assignment.select(Assignment, SampleCase, Case.id, Case.code, User.id, User.username, User.full_name)
            .join(SampleCase)
            .join(Case, on=(SampleCase.case == Case.id))
            .switch(Assignment)
            .join(User, on=(Assignment.enumerator == User.id)),
        )

    @expose("/export/<export_type>")
    def export_board(self, export_type):
        """The filtered assignments with the enumerators' names, in CSV or XLSX (recorded in the trail)."""
        period = Period.get_or_none(Period.month == request.args.get("period", ""))
        if period is None or export_type not in FORMATS:
            abort(404)
        form = BoardFilter(request.args)
        units = dict(Unit.select(Unit.id, Unit.name).tuples())
        modes = mode_labels()
        statuses = {AssignmentStatus.OPEN: _("Open"), AssignmentStatus.CLOSED: _("Closed")}
        query = self._filtered(form, period).order_by(User.full_name, SampleCase.unit, SampleCase.rank)

        def rows():  # read when the download is (a generator expression would run the query now)
            for a in query.iterator():
                yield [
                    period.month,
                    a.sample.case.code,
                    units.get(a.sample.unit_id, ""),
                    modes.get(a.sample.mode, a.sample.mode),
                    a.sample.rank,
                    a.enumerator.full_name,
                    a.enumerator.username,
                    statuses.get(a.status, a.status),
                    a.outcome or "",
                    moment(a.created_at),
                ]

        headers = [
            _("Period"),
            _("Case code"),
            _("Unit"),
            _("Mode"),
            _("Rank in the draw"),
            _("Enumerator"),
            _("Username"),
            _("Status"),
            _("Outcome"),
            _("Assigned on"),
        ]
        filters = {k: request.args.get(k) for k in ("enumerator", "unit", "mode", "status")}
        return send_table(
            f"phan-cong_{period.month}",
            headers,
            rows(),
            export_type,
            "assignment",
            export_detail(period=period.month, **filters),
        )

    def _back(self):
        target = request.form.get("back", "")
        return target if target.startswith("/admin/assignments/") else url_for(".index")

    @expose("/reassign", methods=["POST"])
    def reassign_selected(self):
        form = MoveForm()
        if not form.validate_on_submit() or not form.ids.data or not form.to_user.data:
            flash(_("Select assignments and the enumerator to give them to."), "error")
            return redirect(self._back())
        try:
            moved = reassign(form.ids.data, form.to_user.data, form.reason.data or None)
        except SamplingError as exc:
            flash(describe(exc), "error")
            return redirect(self._back())
        flash(_("%(n)d assignment(s) moved.", n=moved), "success")
        return redirect(self._back())

    @staticmethod
    def _chosen_enumerator(form):
        """The enumerator the posted form names (`from_user`), or None for a forged or missing one."""
        if not form.validate_on_submit() or not form.from_user.data or form.from_user.data not in enumerators():
            return None
        return form.from_user.data

    @expose("/move-absent", methods=["POST"])
    def move_absent(self):
        form = MoveForm()
        user_id = self._chosen_enumerator(form)
        if user_id is None:
            flash(_("Choose the absent enumerator."), "error")
            return redirect(self._back())
        moved, stuck = move_open_work(user_id, form.reason.data or None)
        flash(
            _(
                "%(n)d open assignment(s) moved to colleagues; %(stuck)d had no suitable colleague.",
                n=moved,
                stuck=stuck,
            ),
            "success" if not stuck else "warning",
        )
        return redirect(self._back())

    @expose("/mark-back", methods=["POST"])
    def mark_back(self):
        user_id = self._chosen_enumerator(MoveForm())
        if user_id is None:
            flash(_("Choose the enumerator who is back."), "error")
            return redirect(self._back())
        if set_available(user_id, True):
            flash(
                _("%(name)s is available again and can be given new work.", name=User.names([user_id]).get(user_id)),
                "success",
            )
        else:
            flash(_("This enumerator was not marked absent."), "info")
        return redirect(self._back())

    @expose("/<int:assignment_id>")
    def history(self, assignment_id):
        a = Assignment.get_or_none(Assignment.id == assignment_id)
        if a is None:
            abort(404)
        names = User.names()
        events = list(AssignmentEvent.select().where(AssignmentEvent.assignment == a).order_by(AssignmentEvent.at))
        return self.render("admin/assignment_history.html", a=a, events=events, names=names)

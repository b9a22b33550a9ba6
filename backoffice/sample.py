"""A period's drawn sample: every drawn case with its unit, procedure, mode, rank, issued or reserve,
enumerator and state; filtered, exported. Read-only, and without personal data."""

from flask import url_for
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from peewee import JOIN

from fieldwork import enumerators
from models import Assignment, AssignmentStatus, Case, Modes, Period, Procedure, SampleCase, SampleStatus, Unit, User

from .base import LiveFilterEqual, SecureModelView, once_per_request
from .cases import _unit_options


def mode_labels():
    return {Modes.PHONE: _("Phone"), Modes.F2F: _("Face to face"), Modes.SELF: _("Self-administered")}


def sample_status_labels():
    return {SampleStatus.ISSUED: _("Issued"), SampleStatus.RESERVE: _("Reserve")}


UNASSIGNED = "unassigned"  # an issued case no enumerator has yet (the other states: reserve, open, closed)


def state_labels():
    """What has become of a drawn case: waiting in reserve, not given to anyone yet, open, closed."""
    return {
        SampleStatus.RESERVE: _("Not released"),
        UNASSIGNED: _("Not assigned yet"),
        AssignmentStatus.OPEN: _("Being worked"),
        AssignmentStatus.CLOSED: _("Closed"),
    }


def state_of(sample, assignment=None):
    """The key of state_labels() for a drawn case and its assignment (if not joined as assignment_row)."""
    assignment = assignment or getattr(sample, "assignment_row", None)
    if assignment is not None:
        return assignment.status
    return SampleStatus.RESERVE if sample.status == SampleStatus.RESERVE else UNASSIGNED


class StateFilter(FilterEqual):
    """Drawn cases by what has become of them (a reserve case is never assigned)."""

    def apply(self, query, value):
        if value == SampleStatus.RESERVE:
            return query.where(SampleCase.status == SampleStatus.RESERVE)
        if value == UNASSIGNED:
            return query.where((SampleCase.status == SampleStatus.ISSUED) & Assignment.id.is_null())
        return query.where(Assignment.status == value)

    def validate(self, value):
        return value in state_labels()


class EnumeratorFilter(LiveFilterEqual):
    def apply(self, query, value):
        return query.where(Assignment.enumerator == int(value))


def _periods():
    return [
        (str(p.id), p.month)
        for p in Period.select().where(Period.drawn_at.is_null(False)).order_by(Period.month.desc())
    ]


def _enumerators():
    return [(str(uid), p.full_name) for uid, p in sorted(enumerators().items(), key=lambda x: x[1].full_name)]


def _case_link(view, context, model, name):
    return Markup('<a href="%s">%s</a>') % (url_for("case.page", case_id=model.case.id), model.case.code)


class SampleView(SecureModelView):
    permission = "sample"
    can_view_details = False
    column_list = ("period", "case", "unit", "procedure", "mode", "rank", "status", "enumerator", "state")
    column_labels = {
        "period": _l("Period"),
        "case": _l("Case code"),
        "unit": _l("Unit"),
        "procedure": _l("Procedure"),
        "mode": _l("Mode"),
        "rank": _l("Rank in the draw"),
        "status": _l("Issued or reserve"),
        "enumerator": _l("Enumerator"),
        "state": _l("State"),
    }
    column_sortable_list = ("rank",)
    column_descriptions = {
        "rank": _l("Place in the drawn order of its unit and mode: cases are issued, then released, in this order."),
        "status": _l("Issued: to be interviewed; reserve: drawn to replace non-respondents, released when needed."),
    }
    _shared = {
        "period": lambda v, c, m, n: m.period.month,
        "unit": lambda v, c, m, n: m.unit.name,
        "procedure": lambda v, c, m, n: m.case.procedure.name,
        "mode": lambda v, c, m, n: once_per_request(mode_labels).get(m.mode, m.mode),
        "status": lambda v, c, m, n: once_per_request(sample_status_labels).get(m.status, m.status),
        "enumerator": lambda v, c, m, n: m.assignment_row.enumerator.full_name if m.assignment_row else "",
        "state": lambda v, c, m, n: once_per_request(state_labels)[state_of(m)],
    }
    column_formatters = {**_shared, "case": _case_link}
    can_export = True
    export_types = ["csv", "xlsx"]
    export_max_rows = 50_000
    export_stem = "mau-da-chon"
    column_formatters_export = {**_shared, "case": lambda v, c, m, n: m.case.code}

    @property
    def can_create(self):
        return False

    @property
    def can_edit(self):
        return False

    @property
    def can_delete(self):
        return False

    @property
    def column_filters(self):
        return [
            LiveFilterEqual(SampleCase.period, _l("Period"), options=_periods),
            LiveFilterEqual(SampleCase.unit, _l("Unit"), options=_unit_options),
            FilterEqual(SampleCase.mode, _l("Mode"), options=lambda: list(mode_labels().items())),
            FilterEqual(
                SampleCase.status, _l("Issued or reserve"), options=lambda: list(sample_status_labels().items())
            ),
            EnumeratorFilter(Assignment.enumerator, _l("Enumerator"), options=_enumerators),
            StateFilter(Assignment.status, _l("State"), options=lambda: list(state_labels().items())),
        ]

    def search_placeholder(self):
        return _("Case code, or its beginning")

    def get_query(self):
        return (
            SampleCase.select(
                SampleCase, Period.month, Unit.name, Case.id, Case.code, Procedure.name, Assignment, User.full_name
            )
            .join(Period, on=(SampleCase.period == Period.id))
            .switch(SampleCase)
            .join(Unit, on=(SampleCase.unit == Unit.id))
            .switch(SampleCase)
            .join(Case, on=(SampleCase.case == Case.id))
            .join(Procedure, on=(Case.procedure == Procedure.id))
            .switch(SampleCase)
            .join(Assignment, JOIN.LEFT_OUTER, on=(Assignment.sample == SampleCase.id), attr="assignment_row")
            .join(User, JOIN.LEFT_OUTER, on=(Assignment.enumerator == User.id))
        )

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """Count and page on the sample (and its assignment), then fetch the page's rows with their joins;
        by default in the drawn order: period, unit, mode, rank."""
        query = SampleCase.select(SampleCase.id).join(
            Assignment, JOIN.LEFT_OUTER, on=(Assignment.sample == SampleCase.id)
        )
        term = (search or "").strip()
        if term:
            query = query.join(Case, on=(SampleCase.case == Case.id)).where(
                (Case.code >= term) & (Case.code < term + "\U0010ffff")
            )
        for index, _name, value in filters or ():
            flt = self._filters[index]
            query = flt.apply(query, flt.clean(value))
        count = query.count()
        if sort_column == "rank":
            order = [SampleCase.rank.desc() if sort_desc else SampleCase.rank.asc(), SampleCase.id]
        else:
            order = [SampleCase.period.desc(), SampleCase.unit, SampleCase.mode, SampleCase.rank]
        page_size = page_size or self.page_size
        ids = [row.id for row in query.order_by(*order).limit(page_size).offset((page or 0) * page_size)]
        rows = self._rows_of(ids)
        return count, (list(rows) if execute else rows)

    def _rows_of(self, ids):
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            found = {row.id: row for row in self.get_query().where(SampleCase.id.in_(chunk))}
            yield from (found[pk] for pk in chunk if pk in found)

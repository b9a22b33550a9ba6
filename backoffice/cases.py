"""The cases list: built for a million rows (indexed filters, prefix search on the code)."""

import datetime

from flask import url_for
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, BooleanEqualFilter, FilterEqual
from flask_admin.model import typefmt
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from peewee import JOIN, fn

from formatting import moment
from models import Case, Contact, Period, Procedure, Unit, db
from models.pii import cipher, mask_phone

from .base import LiveFilterEqual, SecureModelView

CHANNEL_LABELS = {"direct": _l("In person"), "online": _l("Online"), "postal": _l("Postal")}


class MonthFilter(BasePeeweeFilter):
    """Cases whose result was returned in a month (YYYY-MM): a range on an indexed column."""

    def apply(self, query, value):
        year, month = value
        start = datetime.datetime(year, month, 1)
        end = datetime.datetime(year + (month == 12), month % 12 + 1, 1)
        return query.where((Case.returned_at >= start) & (Case.returned_at < end))

    def clean(self, value):
        if not Period.valid_month(value.strip()):
            raise ValueError(value)
        year, month = value.strip().split("-")
        return int(year), int(month)

    def validate(self, value):
        return Period.valid_month((value or "").strip())

    def operation(self):
        return _l("in month")


_COUNTS = {}  # (database, lowest id, highest id) -> number of cases


def _all_cases():
    """The number of cases, counted again only when cases were added: cases are never deleted and ids
    only grow, so the same lowest and highest ids mean the same count (counting a million rows takes
    tens of milliseconds, reading the two ids none)."""
    low = Case.select(fn.MIN(Case.id)).scalar()  # two queries: SQLite reads one end of the index for each
    high = Case.select(fn.MAX(Case.id)).scalar()
    key = (getattr(db.obj, "database", None), low, high)
    if key not in _COUNTS:
        _COUNTS.clear()
        _COUNTS[key] = Case.select().count()
    return _COUNTS[key]


def _unit_options():
    return [(str(u.id), f"{u.name} ({u.code})") for u in Unit.select(Unit.id, Unit.code, Unit.name).order_by(Unit.name)]


def _phone(view, context, model, name):
    contact = getattr(model, "contact_row", None)
    if contact is None or contact.phone_enc is None:
        return ""
    return mask_phone(cipher().decrypt(contact.phone_enc))


def _late(view, context, model, name):
    return Markup('<span class="badge badge-danger">%s</span>') % _("Late") if model.is_late else ""


class CaseView(SecureModelView):
    permission = "cases"
    can_view_details = False
    column_list = ("code", "unit", "procedure", "channel", "received_at", "due_at", "returned_at", "is_late", "phone")
    column_labels = {
        "code": _l("Case code"),
        "unit": _l("Unit"),
        "procedure": _l("Procedure"),
        "channel": _l("Channel"),
        "received_at": _l("Received"),
        "due_at": _l("Due"),
        "returned_at": _l("Returned"),
        "is_late": _l("Late"),
        "phone": _l("Phone"),
    }
    column_sortable_list = ("code", "received_at", "returned_at")
    column_default_sort = ("id", True)
    column_searchable_list = ("code",)
    column_formatters = {
        "code": lambda v, c, m, n: Markup('<a href="%s">%s</a>') % (url_for("case.page", case_id=m.id), m.code),
        "phone": _phone,
        "is_late": _late,
        "channel": lambda v, c, m, n: CHANNEL_LABELS.get(m.channel, m.channel),
        "unit": lambda v, c, m, n: m.unit.name,
        "procedure": lambda v, c, m, n: m.procedure.name,
    }
    column_type_formatters = {
        **typefmt.BASE_FORMATTERS,
        datetime.datetime: lambda view, value, name: moment(value),
    }
    # Export (CSV, XLSX) of the filtered list: the same columns, Vietnamese headers, phones masked, no
    # names or e-mails; at most EXPORT_MAX_ROWS rows (filter to narrow); recorded in the audit trail
    can_export = True
    export_stem = "ho-so"
    export_types = ["csv", "xlsx"]
    export_max_rows = 50_000
    column_formatters_export = {
        "phone": _phone,
        "is_late": lambda v, c, m, n: _("Late") if m.is_late else "",
        "channel": lambda v, c, m, n: str(CHANNEL_LABELS.get(m.channel, m.channel)),
        "unit": lambda v, c, m, n: m.unit.name,
        "procedure": lambda v, c, m, n: m.procedure.name,
        "received_at": lambda v, c, m, n: moment(m.received_at),
        "due_at": lambda v, c, m, n: moment(m.due_at),
        "returned_at": lambda v, c, m, n: moment(m.returned_at),
    }

    def search_placeholder(self):
        return _("Case code, or its beginning")

    @property
    def column_filters(self):
        return [
            LiveFilterEqual(Case.unit, _l("Unit"), options=_unit_options),
            MonthFilter(Case.returned_at, _l("Returned")),
            FilterEqual(Case.channel, _l("Channel"), options=list(CHANNEL_LABELS.items())),
            BooleanEqualFilter(Case.is_late, _l("Late")),
        ]

    def get_query(self):
        return (
            Case.select(Case, Unit.name, Procedure.name, Contact.phone_enc)
            .join(Unit, on=(Case.unit == Unit.id))
            .switch(Case)
            .join(Procedure, on=(Case.procedure == Procedure.id))
            .switch(Case)
            .join(Contact, JOIN.LEFT_OUTER, on=(Contact.case == Case.id), attr="contact_row")
        )

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """Count and page on the case table alone (indexed), then fetch the page's rows with joins."""
        query = Case.select(Case.id)
        term = (search or "").strip()
        if term:
            # A prefix range on the unique index, not a LIKE '%…%' scan.
            query = query.where((Case.code >= term) & (Case.code < term + "\U0010ffff"))
        for index, _name, value in filters or ():
            flt = self._filters[index]
            query = flt.apply(query, flt.clean(value))
        count = _all_cases() if not term and not filters else query.count()
        if sort_column in self._sortable_columns:
            field = getattr(Case, sort_column)
            order = [field.desc() if sort_desc else field.asc()]
        elif term:
            order = [Case.code.asc()]
        else:
            order = [Case.returned_at.desc(), Case.id.desc()]  # the (returned_at, id) index
        page_size = page_size or self.page_size
        ids = [row.id for row in query.order_by(*order).limit(page_size).offset((page or 0) * page_size)]
        rows = self._rows_of(ids)
        return count, (list(rows) if execute else rows)

    def _rows_of(self, ids):
        """The joined rows of these case ids, in their order, read 900 at a time (SQLite takes 999 values
        at most; an export's rows are written as they are read)."""
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            found = {row.id: row for row in self.get_query().where(Case.id.in_(chunk))}
            yield from (found[pk] for pk in chunk if pk in found)

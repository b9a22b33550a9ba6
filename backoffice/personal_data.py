"""The auditor's list of personal-data views: every time a person saw a respondent's name, phone or
e-mail decrypted (an enumerator's reveal of a phone, a re-check's contact, a download of an import's
rejected rows or of the SMS delivery file): who, when, which case, why. Read-only, for auditors and
administrators, filtered by user, date and kind of view; the records are the audit trail's own."""

import json

from flask import g
from flask_admin.contrib.peewee.filters import FilterEqual, FilterLike
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from formatting import moment
from models import AuditRecord, Case, PersonalDataViews, User

from .base import DayRangeFilter, SecureModelView, is_id, once_per_request


def view_names():
    return {
        PersonalDataViews.REVEAL_PHONE: _("Phone revealed for a call"),
        PersonalDataViews.RECHECK_CONTACT: _("Contact revealed for a re-check"),
        PersonalDataViews.REJECTED_ROWS: _("Rejected import rows downloaded"),
        PersonalDataViews.SMS_DELIVERY_FILE: _("SMS delivery file downloaded"),
    }


def _detail(record):
    try:
        return json.loads(record.after or "{}") or {}
    except ValueError:
        return {}


def _why(view, context, model, name):
    """What the view was for: the assignment or re-check it served, the import or job it came from."""
    detail = _detail(model)
    parts = []
    if detail.get("assignment"):
        parts.append(_("assignment %(id)s", id=detail["assignment"]))
    if detail.get("recheck"):
        parts.append(_("re-check %(id)s", id=detail["recheck"]))
    if model.model == "import_run" and model.object_id:
        parts.append(_("import %(id)s, %(n)s rows", id=model.object_id, n=detail.get("count", "?")))
    if detail.get("job"):
        parts.append(_("job %(id)s", id=detail["job"]))
    return Markup('<span data-testid="view-reason" data-assignment="%s">%s</span>') % (
        detail.get("assignment") or "",
        "; ".join(parts),
    )


def _case_codes(records):
    ids = {int(r.object_id) for r in records if r.model == "contact" and r.object_id and is_id(r.object_id)}
    if not ids:
        return {}
    return {str(pk): code for pk, code in Case.select(Case.id, Case.code).where(Case.id.in_(list(ids))).tuples()}


def _case(view, context, model, name):
    if model.model != "contact":
        return ""
    return g.get("view_case_codes", {}).get(model.object_id, model.object_id or "")


def _actor(view, context, model, name):
    names = g.setdefault("view_actor_names", None)
    if names is None:
        names = g.view_actor_names = dict(User.select(User.username, User.full_name).tuples())
    full = names.get(model.actor)
    return f"{full} ({model.actor})" if full else model.actor


class PersonalDataViewsView(SecureModelView):
    permission = "personal_data_views"
    can_view_details = False
    list_template = "admin/personal_data_views.html"
    column_list = ("at", "actor", "action", "object_id", "after")
    column_labels = {
        "at": _l("Time"),
        "actor": _l("User"),
        "action": _l("Personal data seen"),
        "object_id": _l("Case"),
        "after": _l("For"),
    }
    column_default_sort = ("seq", True)
    column_sortable_list = ("at",)
    column_formatters = {
        "at": lambda v, c, m, n: moment(m.at),
        "action": lambda v, c, m, n: once_per_request(view_names).get(m.action, m.action),
        "actor": _actor,
        "object_id": _case,
        "after": _why,
    }

    @property
    def column_filters(self):
        return [
            FilterLike(AuditRecord.actor, _l("User")),
            DayRangeFilter(AuditRecord.at, _l("Date")),
            FilterEqual(AuditRecord.action, _l("Personal data seen"), options=lambda: list(view_names().items())),
        ]

    def get_query(self):
        return AuditRecord.personal_data_views()

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, records = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        if execute and records is not None:
            records = list(records)
            g.view_case_codes = _case_codes(records)
        return count, records

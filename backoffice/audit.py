"""The audit trail, read-only, for administrators and auditors."""

import json

from flask import g, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import FilterEqual, FilterLike
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from peewee import fn

from formatting import moment
from models import AuditRecord, Case, JobKinds, Period, Procedure, Role, Unit, User

from .base import DayRangeFilter, SecureModelView, is_id, once_per_request
from .jobs import follow, start


def action_names():
    return {
        "create": _("Created"),
        "update": _("Changed"),
        "delete": _("Deleted"),
        "export": _("Exported"),
        "login_failed": _("Failed sign-in"),
        "reveal_phone": _("Phone revealed"),
        "print": _("Printed"),
    }


def object_names():
    """The audited tables as users know them."""
    return {
        "case": _("Case"),
        "contact": _("Applicant's contact"),
        "unit": _("Unit"),
        "unit_level": _("Unit level"),
        "procedure": _("Procedure"),
        "period": _("Survey period"),
        "user": _("User"),
        "allocation": _("Quota"),
        "sample_case": _("Sampled case"),
        "enumerator_profile": _("Enumerator profile"),
        "enumerator_unit": _("Unit covered face to face"),
        "assignment": _("Assignment"),
        "assignment_event": _("Assignment history"),
        "import_run": _("Import"),
        "questionnaire": _("Questionnaire"),
        "questionnaire_version": _("Questionnaire version"),
        "form_rule": _("Form of a case"),
        "call_attempt": _("Call attempt"),
        "interview": _("Interview"),
        "alert": _("Alert"),
        "disposition": _("Call outcome"),
        "survey_link": _("Survey link"),
        "link_token": _("Survey link token"),
        "kiosk": _("Kiosk"),
    }


def source_names():
    return {"web": _("Web"), "cli": _("Command line"), "job": _("Background job")}


# How a row of each table is named beside its id: (model, the column that names it)
NAMED_BY = {
    "case": (Case, Case.code),
    "contact": (Case, Case.code),
    "unit": (Unit, Unit.name),
    "procedure": (Procedure, Procedure.name),
    "period": (Period, Period.month),
    "user": (User, User.full_name),
}


def _names_of(records):
    """{(model, object id): name} of the records' objects, read once per page."""
    wanted = {}
    for r in records:
        if r.model in NAMED_BY and r.object_id and is_id(r.object_id):
            wanted.setdefault(r.model, set()).add(int(r.object_id))
    names = {}
    for table, ids in wanted.items():
        model, column = NAMED_BY[table]
        for pk, name in model.select(model.id, column).where(model.id.in_(list(ids))).tuples():
            names[(table, str(pk))] = name
    return names


def _role_names():
    """{role code: name}, read once per request (not once per row)."""
    if "role_names" not in g:
        g.role_names = dict(Role.select(Role.code, Role.name).tuples())
    return g.role_names


def _object(view, context, model, name):
    label = g.get("audit_names", {}).get((model.model, model.object_id))
    return f"{model.object_id} · {label}" if label else (model.object_id or "")


def _actor(view, context, model, name):
    """The person's name beside the username the trail keeps (a command line or job actor as written)."""
    names = g.setdefault("actor_names", None)
    if names is None:
        names = g.actor_names = dict(User.select(User.username, User.full_name).tuples())
    name = names.get(model.actor)
    return f"{name} ({model.actor})" if name else model.actor


def _json(view, context, model, name):
    value = getattr(model, name)
    if not value:
        return ""
    return Markup("<pre class='mb-0 small'>%s</pre>") % json.dumps(json.loads(value), ensure_ascii=False, indent=1)


class AuditView(SecureModelView):
    permission = "audit"
    column_list = ("seq", "at", "actor", "role", "source", "action", "model", "object_id")
    column_details_list = (
        "seq",
        "at",
        "actor",
        "role",
        "source",
        "action",
        "model",
        "object_id",
        "before",
        "after",
        "prev_hash",
        "hash",
    )
    column_labels = {
        "seq": "#",
        "at": _l("Time"),
        "actor": _l("User"),
        "role": _l("Role"),
        "source": _l("Source"),
        "action": _l("Action"),
        "model": _l("Object"),
        "object_id": _l("Object id"),
        "before": _l("Before"),
        "after": _l("After"),
        "prev_hash": _l("Previous hash"),
        "hash": _l("Hash"),
    }
    column_default_sort = ("seq", True)
    column_sortable_list = ("seq",)
    column_formatters = {
        "at": lambda v, c, m, n: moment(m.at),
        "action": lambda v, c, m, n: once_per_request(action_names).get(m.action, m.action),
        "model": lambda v, c, m, n: once_per_request(object_names).get(m.model, m.model),
        "source": lambda v, c, m, n: once_per_request(source_names).get(m.source, m.source),
        "role": lambda v, c, m, n: _role_names().get(m.role, m.role),
        "object_id": _object,
        "actor": _actor,
    }
    column_formatters_detail = {**column_formatters, "before": _json, "after": _json}
    # Export (CSV, XLSX) of the filtered trail, with what changed and the hashes, for the auditor's file;
    # personal data is redacted in the trail itself. Recorded in the trail (SecureModelView.export).
    can_export = True
    export_stem = "nhat-ky-kiem-toan"
    export_types = ["csv", "xlsx"]
    export_max_rows = 50_000
    column_export_list = column_details_list
    column_formatters_export = {**column_formatters, "object_id": lambda v, c, m, n: m.object_id or ""}

    @property
    def column_filters(self):
        return [
            DayRangeFilter(AuditRecord.at, _l("Date")),
            FilterLike(AuditRecord.actor, _l("User")),
            FilterEqual(
                AuditRecord.model, _l("Object"), options=lambda: sorted(object_names().items(), key=lambda i: i[1])
            ),
            FilterEqual(AuditRecord.action, _l("Action"), options=lambda: list(action_names().items())),
            FilterEqual(AuditRecord.object_id, _l("Object id")),
            FilterEqual(AuditRecord.source, _l("Source"), options=lambda: list(source_names().items())),
        ]

    list_template = "admin/audit_list.html"

    @expose("/verify", methods=["POST"])
    def verify(self):
        """Walk the whole chain as a job; its page shows whether it is whole or its first broken record."""
        back = url_for(".index_view")
        run = start(JobKinds.AUDIT_VERIFY, {}, title=_("Verification of the audit chain"), return_to=back)
        return follow(run, back)

    @property
    def simple_list_pager(self):
        """Flask-Admin skips its count when this is true: for the unfiltered trail (see get_list)."""
        return g.get("audit_unfiltered", False)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        g.audit_unfiltered = not filters and not search
        count, records = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        if g.audit_unfiltered:
            # the unfiltered count without counting: the chain has no gaps, so it is the last seq
            # (verified by `audit verify`; counting two million records takes a tenth of a second)
            count = AuditRecord.select(fn.MAX(AuditRecord.seq)).scalar() or 0
        if execute and records is not None:  # a page of the list (an export reads its query as it writes)
            records = list(records)
            g.audit_names = _names_of(records)
        return count, records

    def get_one(self, id):
        record = super().get_one(id)
        if record is not None:
            g.audit_names = _names_of([record])
        return record

"""The audit trail, read-only, for administrators and auditors."""

import json

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .base import SecureModelView


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
    column_filters = ("actor", "action", "model", "object_id", "source")
    column_formatters_detail = {"before": _json, "after": _json}

"""The security log (sign-ins, sign-outs, failed sign-ins, lock-outs), read-only, for administrators and
auditors."""

from flask_admin.contrib.peewee.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formatting import moment
from models import SecurityEvent, SecurityEvents

from .base import DayRangeFilter, SecureModelView


def event_names():
    return {
        SecurityEvents.SIGN_IN: _("Signed in"),
        SecurityEvents.SIGN_OUT: _("Signed out"),
        SecurityEvents.SIGN_IN_FAILED: _("Failed sign-in"),
        SecurityEvents.LOCKED_OUT: _("Locked out after failed sign-ins"),
        SecurityEvents.THROTTLED: _("Sign-in refused: too many failures from this address"),
    }


class SecurityLogView(SecureModelView):
    permission = "security"
    can_view_details = False
    column_list = ("at", "event", "username", "address")
    column_labels = {"at": _l("Time"), "event": _l("Event"), "username": _l("Username"), "address": _l("IP address")}
    column_default_sort = ("at", True)
    column_sortable_list = ("at",)
    column_searchable_list = ("username",)
    column_formatters = {
        "at": lambda v, c, m, n: moment(m.at),
        "event": lambda v, c, m, n: event_names().get(m.event, m.event),
    }

    @property
    def column_filters(self):
        return [
            FilterEqual(
                SecurityEvent.event, _l("Event"), options=lambda: [(e, event_names()[e]) for e in SecurityEvents.ALL]
            ),
            DayRangeFilter(SecurityEvent.at, _l("Date")),
        ]

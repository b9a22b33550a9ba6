"""Back-office views of units, procedures, periods and users."""

from flask import current_app, flash, g, url_for
from flask_admin.actions import action
from flask_admin.contrib.peewee.filters import BooleanEqualFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from peewee import JOIN
from wtforms import PasswordField, SelectField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

import privacy
from formatting import date, moment
from models import EnumeratorProfile, EnumeratorUnit, Period, PeriodStatus, Role, Roles, Unit, UnitLevel, User, now

from . import permissions
from .base import LiveFilterEqual, SecureModelView, _role, is_id


def _level_options():
    return [(str(lv.id), lv.name) for lv in UnitLevel.select().order_by(UnitLevel.sort_order)]


class UnitView(SecureModelView):
    permission = "units"
    column_list = ("code", "name", "level", "parent", "active", "counter_qr")
    column_labels = {
        "counter_qr": _l("Counter QR code"),
        "code": _l("Code"),
        "name": _l("Name"),
        "level": _l("Level"),
        "parent": _l("Parent unit"),
        "active": _l("Active"),
        "email": _l("E-mail for alerts"),
        "created_at": _l("Created"),
        "updated_at": _l("Updated"),
    }
    column_searchable_list = ("code", "name")
    column_sortable_list = ("code", "name")
    column_default_sort = "code"
    form_columns = ("code", "name", "level", "parent", "active", "email")
    form_args = {
        "email": {
            "validators": [
                Optional(),
                Length(max=200),
                Regexp(
                    r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Write an e-mail address, e.g. vanphong@example.gov.vn.")
                ),
            ]
        }
    }
    column_details_exclude_list = ()
    column_formatters = {"counter_qr": lambda v, c, m, n: _poster_link(m)}

    def get_query(self):
        parent = Unit.alias()
        return (
            Unit.select(Unit, UnitLevel, parent)
            .join(UnitLevel)
            .switch(Unit)
            .join(parent, JOIN.LEFT_OUTER, on=(Unit.parent == parent.id), attr="parent")
        )

    @property
    def column_filters(self):
        return [
            LiveFilterEqual(Unit.level, _l("Level"), options=_level_options),
            BooleanEqualFilter(Unit.active, _l("Active")),
        ]


def _poster_link(unit):
    """The printable poster of the unit's counter QR code (for those who may read the links page)."""
    if not permissions.can_read(_role(), "links"):
        return ""
    href = url_for("links.poster", unit_id=unit.id)
    return Markup('<a href="{}" target="_blank" data-testid="poster-link">{}</a>').format(href, _("Poster"))


class ProcedureView(SecureModelView):
    permission = "procedures"
    column_list = ("code", "name", "field", "immediate_result")
    column_labels = {
        "code": _l("Code"),
        "name": _l("Name"),
        "field": _l("Field"),
        "immediate_result": _l("Immediate result"),
        "created_at": _l("Created"),
        "updated_at": _l("Updated"),
    }
    column_searchable_list = ("code", "name", "field")
    column_sortable_list = ("code", "name", "field")
    column_default_sort = "code"
    form_columns = ("code", "name", "field", "immediate_result")
    column_filters = ("field", "immediate_result")


def _purge_state(view, context, model, name):
    """Whether the period's names, phones and e-mails are gone, or when they will be."""
    published = g.get("first_publications")
    if published is None:
        published = g.first_publications = privacy.service.first_publications()
    keep_days = current_app.config["PERSONAL_DATA_KEEP_DAYS"]
    kind, when = privacy.service.state(model, keep_days, published.get(model.id))
    text = {
        "purged": lambda: _("Purged on %(date)s", date=date(when)),
        "due": lambda: _("Kept until %(date)s", date=date(when)),
        "kept": lambda: _("Kept until %(n)d days after publication", n=keep_days),
    }[kind]()
    return Markup('<span data-testid="purge-state" data-state="%s">%s</span>') % (kind, text)


class PeriodView(SecureModelView):
    permission = "periods"
    column_list = ("month", "status", "note", "purged_at")
    column_labels = {
        "month": _l("Month (YYYY-MM)"),
        "status": _l("Status"),
        "note": _l("Note"),
        "purged_at": _l("Personal data"),
        "created_at": _l("Created"),
        "updated_at": _l("Updated"),
    }
    column_default_sort = ("month", True)
    form_columns = ("month", "status", "note")
    form_overrides = {"status": SelectField}
    form_args = {"status": {"choices": [(PeriodStatus.OPEN, _l("Open")), (PeriodStatus.CLOSED, _l("Closed"))]}}
    column_formatters = {
        "status": lambda v, c, m, n: _("Open") if m.status == PeriodStatus.OPEN else _("Closed"),
        "purged_at": _purge_state,
    }

    def on_model_change(self, form, model, is_created):
        if not Period.valid_month(model.month):
            raise ValidationError(_("The month must be written YYYY-MM, e.g. 2026-10."))
        if not is_created and model.allocated_at:
            stored = Period.get_by_id(model.id)
            if stored.month != model.month:
                raise ValidationError(_("The month of a period cannot change once it has been allocated."))


def _lock_state(user):
    if user.locked_by_admin:
        return _("Locked until unlocked")
    if user.locked_until and user.locked_until > now():
        return _("Locked after failed sign-ins, until %(t)s", t=moment(user.locked_until))
    return ""


class UserView(SecureModelView):
    permission = "users"
    column_list = ("username", "full_name", "role", "active", "last_login_at", "locked_until")
    column_labels = {
        "username": _l("Username"),
        "full_name": _l("Full name"),
        "role": _l("Role"),
        "active": _l("Active"),
        "last_login_at": _l("Last sign-in"),
        "locked_until": _l("Locked"),
        "password": _l("New password"),
        "created_at": _l("Created"),
        "updated_at": _l("Updated"),
    }
    column_searchable_list = ("username", "full_name")
    column_details_exclude_list = ("password_hash", "failed_logins")
    form_columns = ("username", "full_name", "role", "active")
    # No role is preselected: a new user's role is chosen, never defaulted (to admin, say)
    form_args = {"role": {"allow_blank": True, "blank_text": _l("— choose a role —"), "validators": [InputRequired()]}}
    form_extra_fields = {
        "password": PasswordField(_l("New password"), validators=[Optional(), Length(min=10, max=200)])
    }
    column_formatters = {
        "locked_until": lambda v, c, m, n: _lock_state(m),
        "last_login_at": lambda v, c, m, n: moment(m.last_login_at),
    }
    can_delete = False

    @action("lock", _l("Lock"), _l("Lock the selected accounts? They cannot sign in until unlocked."))
    def action_lock(self, ids):
        self._lock_action(ids, lock=True)

    @action("unlock", _l("Unlock"), _l("Unlock the selected accounts?"))
    def action_unlock(self, ids):
        self._lock_action(ids, lock=False)

    def _lock_action(self, ids, lock):
        changed = 0
        for user in User.select().where(User.id.in_([int(i) for i in ids if is_id(i)])):
            if lock and user.id == current_user.id:
                flash(_("You cannot lock your own account."), "error")
                continue
            if lock != user.locked_by_admin or (not lock and user.locked_until):
                user.lock() if lock else user.unlock()
                changed += 1
        flash(
            _("%(n)d account(s) locked.", n=changed) if lock else _("%(n)d account(s) unlocked.", n=changed),
            "success",
        )

    def get_query(self):
        return User.select(User, Role).join(Role)

    def on_model_change(self, form, model, is_created):
        if form.password.data:
            model.set_password(form.password.data)
            model.failed_logins = 0
        elif is_created:
            raise ValidationError(_("A new user needs a password of at least 10 characters."))


class EnumeratorProfileView(SecureModelView):
    """Which modes each enumerator works in, and whether they are available."""

    permission = "assignments"
    column_list = ("user", "phone", "f2f", "available")
    column_labels = {
        "user": _l("Enumerator"),
        "phone": _l("Phone"),
        "f2f": _l("Face to face"),
        "available": _l("Available"),
    }
    form_columns = ("user", "phone", "f2f", "available")
    can_view_details = False

    def get_query(self):
        return EnumeratorProfile.select(EnumeratorProfile, User).join(User)

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.user.query = User.select().where(User.role == Roles.ENUMERATOR)
        return form


class EnumeratorUnitView(SecureModelView):
    """The units a face-to-face enumerator covers."""

    permission = "assignments"
    column_list = ("user", "unit")
    column_labels = {"user": _l("Enumerator"), "unit": _l("Unit")}
    form_columns = ("user", "unit")
    can_view_details = False
    can_edit = False

    def get_query(self):
        return EnumeratorUnit.select(EnumeratorUnit, User, Unit).join(User).switch(EnumeratorUnit).join(Unit)

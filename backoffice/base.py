"""Role-gated base views: anonymous users go to the login page, other roles get 403."""

import datetime

from flask import abort, flash, g, has_request_context, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.babel import Translations
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.filters import DateBetweenFilter, FilterEqual
from flask_admin.model.base import ViewArgs
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from markupsafe import Markup, escape
from peewee import IntegrityError
from wtforms.widgets import Select, html_params

from models import db

from . import permissions
from .exporting import send_table

MAX_PAGE = 100_000  # pages of a list: beyond, a forged value (the first page is shown)


def is_id(value):
    """Whether a value from the address or a form is a row id a database column can hold: ASCII digits
    (str.isdigit also takes "²", which int() refuses), at most 18 of them."""
    text = str(value)
    return text.isascii() and text.isdecimal() and len(text) <= 18


WRITE_VIEWS = {"create_view", "edit_view", "delete_view", "action_view", "ajax_update"}
# A model-view endpoint is open only when the feature behind it is enabled for this user.
FEATURES = {
    "create_view": lambda v: v.can_create,
    "edit_view": lambda v: v.can_edit,
    "delete_view": lambda v: v.can_delete,
    "action_view": lambda v: v.can_delete or any(v.is_action_allowed(name) for name, _text in v._actions),
    "details_view": lambda v: v.can_view_details,
    "export": lambda v: v.can_export,
    "ajax_update": lambda v: bool(v.column_editable_list) and v.can_edit,
    "ajax_lookup": lambda v: bool(v.form_ajax_refs),
}


def _role():
    return current_user.role_id if current_user.is_authenticated else None


class RoleGate:
    """Mixin: `permission` names the entry of permissions.VIEWS that guards this view."""

    permission = None
    write_endpoints = ()  # endpoints (besides the model-view ones) that change data

    def is_accessible(self):
        return current_user.is_authenticated and permissions.can_read(_role(), self.permission)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    def _handle_view(self, name, **kwargs):
        denied = super()._handle_view(name, **kwargs)
        if denied:
            return denied
        writes = name in WRITE_VIEWS or name in self.write_endpoints
        if writes and not permissions.can_write(_role(), self.permission):
            abort(403)
        feature = FEATURES.get(name)
        if feature and not feature(self):
            abort(403)
        return None


def once_per_request(build):
    """`build()` (labels of codes, e.g. `{"create": _("Created"), …}`), built once per request and kept
    in `g`: a list's formatters then translate each label once a page instead of once a row (`_()`
    costs a few µs; 50 rows of the audit trail made 1,700 calls, half of the page)."""
    cache = g.setdefault("labels_per_request", {})
    if build not in cache:
        cache[build] = build()
    return cache[build]


class LiveOptions:
    """A filter whose options come from the database: read per request, never at start-up."""

    def get_options(self, view):
        if not has_request_context():
            return None
        return super().get_options(view)


class LiveFilterEqual(LiveOptions, FilterEqual):
    """Equality on an id chosen from the options; anything but digits is ignored."""

    def validate(self, value):
        return is_id(value)


class DayRangeFilter(DateBetweenFilter):
    """A range of days on a date-and-time column: from the first day's start to the last day's end
    (Flask-Admin's filter would stop at midnight of the last day)."""

    def apply(self, query, value):
        start, end = value
        return query.filter((self.column >= start) & (self.column < end + datetime.timedelta(days=1)))


class LongSelect(Select):
    """WTForms' select, the same HTML, for a long list of plain (value, label) choices (the units, 300
    of them): the options are written straight into one string instead of a `Choice` each, rendered
    through `html_params`, which made the option list of the units most of a page's cost."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        coerce, data = field.coerce, field.data
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        html.extend(
            f'<option {"selected " if coerce(value) == data else ""}value="{escape(value)}">'
            f"{escape(label or value)}</option>"
            for value, label in field.choices or ()
        )
        html.append("</select>")
        return Markup("".join(html))


class AdminForm(FlaskForm):
    """Flask-Admin forms with Flask-WTF's CSRF protection, like every other form of the app."""

    class Meta:
        _translations = Translations()

        def get_translations(self, form):
            return self._translations

    def __init__(self, formdata=_Auto, obj=None, prefix="", **kwargs):
        self._obj = obj
        super().__init__(formdata=formdata, obj=obj, prefix=prefix, **kwargs)


class SecureModelView(RoleGate, ModelView):
    form_base_class = AdminForm
    can_export = False
    export_stem = "export"  # the file's name before its date (ASCII: every browser keeps it)
    can_view_details = True
    page_size = 50
    can_set_page_size = True

    def __init__(self, *args, **kwargs):
        # Forms are labelled like the list's columns (Flask-Admin would label them from the field
        # names, in English): one translated label per field, wherever it shows
        form_args = {name: dict(spec) for name, spec in (self.form_args or {}).items()}
        for name, label in (self.column_labels or {}).items():
            form_args.setdefault(name, {}).setdefault("label", label)
        self.form_args = form_args
        super().__init__(*args, **kwargs)

    @property
    def can_create(self):
        return permissions.can_write(_role(), self.permission)

    @property
    def can_edit(self):
        return permissions.can_write(_role(), self.permission)

    @property
    def can_delete(self):
        return permissions.can_write(_role(), self.permission)

    def _get_list_extra_args(self):
        """The list's arguments from the address, with forged ones ignored: a negative or huge page,
        a page size that is not offered."""
        args = super()._get_list_extra_args()
        return ViewArgs(
            page=args.page if 0 <= (args.page or 0) <= MAX_PAGE else 0,
            page_size=args.page_size if args.page_size in self.page_size_options else 0,
            sort=args.sort if args.sort is None or args.sort >= 0 else None,
            sort_desc=args.sort_desc,
            search=args.search,
            filters=args.filters,
            extra_args=args.extra_args,
        )

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        if sort_column not in self._sortable_columns:
            sort_column = None  # a forged ?sort= is ignored, not a server error
        return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """The filtered list as CSV or XLSX, streamed (Flask-Admin's own export holds every row, and
        its XLSX the whole workbook, in memory), recorded in the audit trail (who, what, when)."""
        if export_type not in self.export_types:
            flash(_("This list cannot be exported in that format."), "error")
            return redirect(self.get_url(".index_view"))
        view_args = self._get_list_extra_args()
        columns = list(self._export_columns)
        rows = (
            [self.get_export_value(model, name) for name, _label in columns] for model in self._export_models(view_args)
        )
        return send_table(
            self.export_stem,
            [label for _name, label in columns],
            rows,
            export_type,
            self.model._meta.table_name,
            {
                "view": self.endpoint,
                "search": view_args.search,
                "filters": [[str(name), value] for _index, name, value in view_args.filters or ()],
            },
        )

    def _export_models(self, view_args):
        """The rows of the filtered, sorted list, at most export_max_rows, read as they are written (a
        generator: the query runs when the download is read, on the download's connection)."""
        sort = self._get_column_by_idx(view_args.sort)
        _count, query = self.get_list(
            0,
            sort[0] if sort else None,
            view_args.sort_desc,
            view_args.search,
            view_args.filters,
            execute=False,
            page_size=self.export_max_rows,
        )
        yield from query.iterator() if hasattr(query, "iterator") else query

    def get_one(self, id):
        """The row of a primary key from the address, or None for a forged one (not a whole number that
        a database column holds): Flask-Admin then says the record does not exist."""
        if not is_id(id):
            return None
        return super().get_one(str(id))

    def search_placeholder(self):
        labels = [str(self.column_labels.get(c, c)) for c in self.column_searchable_list or ()]
        return _("Search by %(fields)s", fields=", ".join(labels).lower()) if labels else None

    def _get_filter_groups(self):
        self._refresh_filters_cache()  # so options read from the database stay current
        return super()._get_filter_groups()

    def delete_model(self, model):
        """Delete one row only; refuse, clearly, when other data depends on it."""
        try:
            with db.atomic():
                model.delete_instance()
        except IntegrityError:
            flash(_("This record is still used by other data and cannot be deleted."), "error")
            return False
        return True

    def action_delete(self, ids):
        deleted = 0
        for pk in ids:
            model = self.get_one(pk)
            if model is not None and self.delete_model(model):
                deleted += 1
        if deleted:
            flash(_("%(n)d record(s) deleted.", n=deleted), "success")


class SecureBaseView(RoleGate, BaseView):
    pass

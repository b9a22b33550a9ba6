"""Kiosks in the back office: a tablet made for a unit's counter, its set-up address shown once (with
its QR code, to open on the tablet), the list, and revocation."""

from flask import abort, current_app, flash, make_response, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from links import kiosks, qr
from models import Kiosk, Unit, User

from . import permissions
from .base import SecureBaseView, _role


class KioskForm(FlaskForm):
    unit = SelectField(_l("Unit"), coerce=int, validate_choice=False)
    name = StringField(_l("Name (where the tablet stands)"), validators=[DataRequired(), Length(min=2, max=200)])


def _form():
    form = KioskForm()
    form.unit.choices = [(u.id, f"{u.code} – {u.name}") for u in Unit.select().where(Unit.active).order_by(Unit.code)]
    return form


class KioskView(SecureBaseView):
    permission = "kiosks"
    write_endpoints = ("create", "revoke")

    @expose("/")
    def index(self):
        return self._list(_form())

    def _list(self, form):
        rows = list(
            Kiosk.select(Kiosk, Unit).join(Unit).order_by(Kiosk.revoked_at.is_null(False), Kiosk.created_at.desc())
        )
        return self.render(
            "admin/kiosks.html",
            kiosks=rows,
            names=User.names(),
            form=form,
            can_write=permissions.can_write(_role(), self.permission),
        )

    @expose("/create", methods=["POST"])
    def create(self):
        form = _form()
        unit = Unit.get_or_none(Unit.id == form.unit.data) if form.unit.data else None
        if not form.validate_on_submit() or unit is None:
            flash(_("A kiosk needs a unit and a name of at least 2 characters."), "error")
            return redirect(url_for(".index"))
        kiosk, secret = kiosks.create(unit, form.name.data, current_user.id)
        address = kiosks.setup_url(current_app.config["SURVEY_BASE_URL"], secret)
        page = self.render(
            "admin/kiosk_created.html", kiosk=kiosk, unit=unit, address=address, qr=qr.svg_inline(address)
        )
        response = make_response(page)
        response.headers["Cache-Control"] = "no-store"  # the secret is shown once, kept nowhere
        return response

    @expose("/<int:kiosk_id>/revoke", methods=["POST"])
    def revoke(self, kiosk_id):
        kiosk = Kiosk.get_or_none(Kiosk.id == kiosk_id)
        if kiosk is None:
            abort(404)
        if kiosks.revoke(kiosk):
            flash(_("Kiosk %(name)s revoked: its tablet no longer opens the survey.", name=kiosk.name), "success")
        else:
            flash(_("This kiosk was revoked already."), "info")
        return redirect(url_for(".index"))

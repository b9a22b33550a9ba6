"""Kiosks in the back office: a tablet made for a unit's counter, its set-up address shown once (with
its QR code, to open on the tablet), the list, and revocation."""

import secrets

import redis
from flask import abort, current_app, flash, make_response, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from jobs.queue import QueueUnavailable, queue
from links import kiosks, qr
from models import Kiosk, Unit, User

from . import permissions
from .base import SecureBaseView, _role


class KioskForm(FlaskForm):
    unit = SelectField(_l("Unit"), coerce=int, validate_choice=False)
    name = StringField(_l("Name (where the tablet stands)"), validators=[DataRequired(), Length(min=2, max=200)])
    once = HiddenField()  # this form's one-time token: sent twice (a reload of the page that shows the
    # secret, a replayed request), it makes one kiosk


FORM_SECONDS = 12 * 3600  # a kiosk form shown is good for this long


def _form():
    form = KioskForm()
    form.unit.choices = [(u.id, f"{u.code} – {u.name}") for u in Unit.select().where(Unit.active).order_by(Unit.code)]
    return form


def _form_key(token):
    return f"{current_app.config['RQ_QUEUE']}:kiosk-form:{token}"


def _new_form():
    """The creation form with a one-time token, kept in Redis (server side: a replayed cookie cannot
    bring it back)."""
    form = _form()
    token = secrets.token_urlsafe(18)
    try:
        queue().connection.set(_form_key(token), 1, ex=FORM_SECONDS)
    except (redis.RedisError, QueueUnavailable):
        token = ""  # creating then says Redis is unreachable
    form.once.data = token
    return form


def _spend(token):
    """True once for a token that a form shown carried; False for a form sent again, or made up."""
    if not token or len(token) > 64:
        return False
    return bool(queue().connection.delete(_form_key(token)))


class KioskView(SecureBaseView):
    permission = "kiosks"
    write_endpoints = ("create", "revoke")

    @expose("/")
    def index(self):
        return self._list(_new_form())

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
        try:
            fresh = _spend(form.once.data)
        except (redis.RedisError, QueueUnavailable):
            flash(_("No kiosk can be made now: the queue service (Redis) cannot be reached."), "error")
            return redirect(url_for(".index"))
        if not fresh:
            flash(
                _(
                    "This form was sent already and made its kiosk once; its set-up address was shown then. "
                    "If it was lost, revoke that kiosk and make a new one."
                ),
                "info",
            )
            return redirect(url_for(".index"))
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

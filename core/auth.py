"""Login, logout, lock-out after repeated failures (per account), throttling of failed sign-ins (per
address), and role checks."""

import datetime

from flask import Blueprint, current_app, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from models import User, audit, db, now
from models import security as security_log
from ratelimits import limiter

from .security import is_safe_next

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
# A hash to check against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = None


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def _dummy_check(password):
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        u = User()
        u.set_password("not-a-real-password")
        _DUMMY_HASH = u
    _DUMMY_HASH.check_password(password)


def authenticate(username, password):
    """Return (user, error message). Locks the account after too many failures. Every attempt goes
    to the security log (models.security), not to the audit trail of data changes."""
    cfg = current_app.config
    address = request.remote_addr if has_request_context() else None
    user = User.get_or_none(User.username == username.strip())
    if user is None:
        _dummy_check(password)
        # not the name as typed: users type their password in the wrong field
        security_log.record_failed_sign_in(security_log.UNKNOWN_USER, None, address)
        return None, _("Wrong username or password.")
    if user.locked_by_admin:
        security_log.record_failed_sign_in(user.username, user, address)
        if not user.check_password(password):  # an unknown name and a locked one answer alike
            return None, _("Wrong username or password.")
        return None, _("This account is locked by an administrator.")
    if user.locked_until and user.locked_until > now():
        security_log.record_failed_sign_in(user.username, user, address)
        minutes = int((user.locked_until - now()).total_seconds() // 60) + 1
        return None, _("Too many failed attempts. This account is locked for %(m)d more minute(s).", m=minutes)
    if not user.check_password(password):
        with db.atomic():
            # Counted on the row locked for this transaction: parallel attempts cannot overwrite each other.
            fresh = User.locked(user.id)
            if fresh.locked_by_admin:  # locked meanwhile: leave the administrator's lock alone
                security_log.record_failed_sign_in(user.username, user, address)
                return None, _("Wrong username or password.")
            failures = fresh.failed_logins + 1
            locked_until = None
            if failures >= cfg["LOGIN_MAX_FAILURES"]:
                locked_until = now() + datetime.timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
                failures = 0
            security_log.record_failed_sign_in(user.username, user, address, failures, locked_until)
        if locked_until:
            return None, _(
                "Too many failed attempts. This account is locked for %(m)d more minute(s).",
                m=cfg["LOGIN_LOCK_MINUTES"],
            )
        return None, _("Wrong username or password.")
    if not user.active:
        security_log.record_failed_sign_in(user.username, user, address)
        return None, _("This account is disabled.")
    security_log.record_sign_in(user, address)
    return user, None


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed_sign_in(response):
    """Only failed sign-ins count against an address: a provincial office signs in from behind one."""
    return response.status_code != 302


def _throttled(request_limit):
    """The address tried too many wrong sign-ins: the security log says so, the page says to wait."""
    name = request.form.get("username", "").strip()
    user = User.get_or_none(User.username == name) if name else None
    security_log.record_throttled(user.username if user else security_log.UNKNOWN_USER, user, request.remote_addr)
    flash(_("Too many failed sign-ins from this address. Wait a few minutes, then try again."), "error")
    return current_app.make_response((render_template("auth/login.html", form=LoginForm()), 429))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed_sign_in, on_breach=_throttled)
def login():
    target = request.args.get("next")
    if not is_safe_next(target):
        target = None
    if current_user.is_authenticated:
        return redirect(target or url_for("public.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user, error = authenticate(form.username.data, form.password.data)
        if user:
            login_user(user)
            return redirect(target or url_for("public.index"))
        flash(error, "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        security_log.record_sign_out(current_user, request.remote_addr)
    logout_user()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


@login_manager.user_loader
def load_user(user_id):
    """The signed-in user; none (signed out) once the account is disabled or locked by an admin."""
    try:
        user = User.get_or_none(User.id == int(user_id))
    except ValueError:
        return None
    if user is None or not user.active or user.locked_by_admin:
        return None
    return user


def signed_in_actor():
    """The audit trail's actor during a request: the signed-in user, else "anonymous"."""
    if not has_request_context():
        return None
    if current_user.is_authenticated:
        return (current_user.username, current_user.role_id, "web")
    return ("anonymous", "anonymous", "web")


def init_app(app):
    audit.add_actor_resolver(signed_in_actor)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.session_protection = "strong"
    app.register_blueprint(bp)

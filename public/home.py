"""The front door."""

from flask import redirect, url_for
from flask_login import current_user

from models import Roles

from .blueprint import bp


@bp.route("/", endpoint="index")
def index():
    """Send each person where their work is: the sign-in page, the interviewer app or the back office."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role_id == Roles.ENUMERATOR:
        return redirect(url_for("interviewer.home"))
    return redirect(url_for("admin.index"))

"""Pages for anyone, signed in or not: the front door (and, later, the public results)."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from models import Roles

bp = Blueprint("public", __name__, template_folder="templates")


@bp.route("/", endpoint="index")
def index():
    """Send each person where their work is: the sign-in page, the interviewer app or the back office."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role_id == Roles.ENUMERATOR:
        return redirect(url_for("interviewer.home"))
    return redirect(url_for("admin.index"))


def init_app(app):
    app.register_blueprint(bp)

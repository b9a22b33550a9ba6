"""The mobile-first interviewer app for enumerators."""

import functools

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from fieldwork import is_absent
from models import Assignment, AssignmentStatus, Roles

bp = Blueprint("interviewer", __name__, url_prefix="/interviewer", template_folder="templates")


def enumerator_required(view):
    """Anonymous visitors go to the sign-in page; other roles than enumerators get 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role_id != Roles.ENUMERATOR:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/")
@enumerator_required
def home():
    """The enumerator's open assignments: what to work on, without personal data; when there are none,
    why (marked absent, all finished, or nothing assigned yet)."""
    assignments = list(Assignment.open_for(current_user.id))
    absent = is_absent(current_user.id)
    finished = 0
    if not assignments:
        finished = (
            Assignment.select()
            .where((Assignment.enumerator == current_user.id) & (Assignment.status == AssignmentStatus.CLOSED))
            .count()
        )
    return render_template("interviewer/home.html", assignments=assignments, absent=absent, finished=finished)


def init_app(app):
    app.register_blueprint(bp)

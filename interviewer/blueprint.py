"""The interviewer app's blueprint and its gate: enumerators only."""

import functools

from flask import Blueprint, abort
from flask_login import current_user, login_required

from models import Roles

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


def no_store(response):
    """A page with personal data or answers: never kept by the browser's cache or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response

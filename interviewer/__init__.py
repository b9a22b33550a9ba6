"""The mobile-first interviewer app for enumerators."""
from flask import Blueprint, render_template

from backoffice.auth import roles_required

bp = Blueprint("interviewer", __name__, url_prefix="/interviewer", template_folder="templates")


@bp.route("/")
@roles_required("enumerator")
def home():
    return render_template("interviewer/home.html")

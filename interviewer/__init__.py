"""The mobile-first interviewer app for enumerators."""
from flask import Blueprint, render_template
from flask_login import current_user

from backoffice.auth import roles_required
from models import Assignment, Case, Period, Procedure, SampleCase, Unit

bp = Blueprint("interviewer", __name__, url_prefix="/interviewer", template_folder="templates")


@bp.route("/")
@roles_required("enumerator")
def home():
    """The enumerator's open assignments: what to work on, without personal data."""
    open_work = list(
        Assignment.select(Assignment, SampleCase, Case.code, Unit.name, Procedure.name, Period.month)
        .join(SampleCase).join(Case, on=(SampleCase.case == Case.id))
        .join(Procedure, on=(Case.procedure == Procedure.id)).switch(SampleCase)
        .join(Unit, on=(SampleCase.unit == Unit.id)).switch(SampleCase)
        .join(Period, on=(SampleCase.period == Period.id))
        .where((Assignment.enumerator == current_user.id) & (Assignment.status == "open"))
        .order_by(Period.month, Unit.name, SampleCase.rank))
    return render_template("interviewer/home.html", assignments=open_work)

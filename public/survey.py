"""A one-time link (`/s/<token>`) and the counter's survey website (`/u/<unit code>`, behind the
counter's fixed QR code: the citizen types the dossier code from the receipt), both leading to the
respondent's pages (`/survey`)."""

import datetime

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from links import service
from models import Case, LinkChannels, Period, Unit, now
from ratelimits import limiter

from . import respondent
from .blueprint import bp, no_store

MAX_CODE = 100


@bp.route("/s/<token>")
@limiter.limit("30/minute")
def link(token):
    """Open a link: valid ones start (or resume) the survey at an address without the token."""
    found = service.open_link(token)
    if found is None:
        return respondent.closed_page()
    respondent.begin(found)
    return redirect(url_for(".survey"))


@bp.route("/survey", methods=["GET"])
def survey():
    return respondent.show(".survey")


@bp.route("/survey", methods=["POST"])
@limiter.limit("60/minute")
def survey_post():
    return respondent.post(".survey")


def case_at_counter(unit, code):
    """The unit's case of this dossier code if it was returned within the lock window, else None."""
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE:
        return None
    case = Case.get_or_none((Case.code == code) & (Case.unit == unit.id))
    if case is None or case.returned_at is None:
        return None
    period = Period.get_or_none(Period.month == case.month)
    days = service.merged_settings(period)["lock_days"]
    if not (now() - datetime.timedelta(days=days) <= case.returned_at <= now()):
        return None
    return case


def _counter_page(unit, error=None, status=200):
    return no_store(make_response(render_template("public/counter.html", unit=unit, error=error), status))


@bp.route("/u/<unit_code>", methods=["GET"])
def counter(unit_code):
    unit = Unit.get_or_none(Unit.code == unit_code)
    if unit is None:
        abort(404)
    return _counter_page(unit)


@bp.route("/u/<unit_code>", methods=["POST"])
@limiter.limit("10/minute;60/hour")
def counter_post(unit_code):
    """The dossier code typed: checked against the unit and the return date (throttled); a wrong code,
    one of another unit, one too old or one answered already get the same message."""
    unit = Unit.get_or_none(Unit.code == unit_code)
    if unit is None:
        abort(404)
    refused = _("No dossier of this unit with this code can be surveyed now. Check the code on your receipt.")
    if request.form.get(respondent.HONEYPOT):
        return _counter_page(unit, refused, 422)
    case = case_at_counter(unit, request.form.get("code"))
    if case is None:
        return _counter_page(unit, refused, 422)
    with respondent.acting():
        found = service.issue_at_counter(case, LinkChannels.WEBSITE)
    if found is None:
        return _counter_page(unit, refused, 422)
    respondent.begin(found, holder=False)
    return redirect(url_for(".survey"))

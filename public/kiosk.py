"""The kiosk: a tablet at a unit's counter, set up once from the address the back office gives. The
counter officer types (or scans) the dossier code and hands the tablet over; the citizen answers; the
tablet goes back to the code page after the submission or an idle time, and never shows answers."""

import functools

from flask import g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from links import service
from models import Kiosk, LinkChannels, audit, now
from ratelimits import limiter

from . import respondent
from .blueprint import bp, no_store
from .survey import case_at_counter

COOKIE = "sipas_kiosk"
COOKIE_DAYS = 400


def _not_a_kiosk():
    return no_store(make_response(render_template("public/kiosk_missing.html"), 403))


def kiosk_required(view):
    """The tablet's kiosk (from its cookie) in g.kiosk, else a page that says how to set one up."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        kiosk = Kiosk.by_secret(request.cookies.get(COOKIE))
        if kiosk is None or kiosk.enrolled_at is None:
            return _not_a_kiosk()
        g.kiosk = kiosk
        return view(*args, **kwargs)

    return wrapped


@bp.route("/kiosk/setup/<secret>")
@limiter.limit("10/minute")
def kiosk_setup(secret):
    """The set-up address, opened once on the tablet: it keeps the kiosk's secret in a cookie."""
    kiosk = Kiosk.by_secret(secret)
    if kiosk is None or kiosk.enrolled_at is not None:
        return _not_a_kiosk()
    with audit.acting_as(f"kiosk:{kiosk.id}", "kiosk", "public"):
        kiosk.enrolled_at = now()
        kiosk.save()
    response = redirect(url_for(".kiosk"))
    response.set_cookie(
        COOKIE,
        secret,
        max_age=COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(request.environ.get("wsgi.url_scheme") == "https"),
    )
    return response


def _code_page(error=None, status=200):
    respondent.end()
    return no_store(make_response(render_template("public/kiosk.html", kiosk=g.kiosk, error=error), status))


@bp.route("/kiosk", methods=["GET"])
@kiosk_required
def kiosk():
    return _code_page()


@bp.route("/kiosk", methods=["POST"])
@kiosk_required
@limiter.limit("20/minute")
def kiosk_start():
    """The officer typed the dossier code: the survey starts for the citizen, fresh."""
    refused = _("No dossier of this unit with this code can be surveyed now. Check the code on the receipt.")
    case = case_at_counter(g.kiosk.unit, request.form.get("code"))
    if case is None:
        return _code_page(refused, 422)
    with audit.acting_as(f"kiosk:{g.kiosk.id}", service.RESPONDENT, "public"):
        link = service.issue_at_counter(case, LinkChannels.KIOSK)
    if link is None:
        return _code_page(refused, 422)
    respondent.begin(link, kiosk_id=g.kiosk.id, holder=False)
    return redirect(url_for(".kiosk_survey"))


@bp.route("/kiosk/survey", methods=["GET"])
@kiosk_required
def kiosk_survey():
    if respondent.state().get("kiosk") != g.kiosk.id:
        return redirect(url_for(".kiosk"))
    return respondent.show(".kiosk_survey", kiosk=g.kiosk)


@bp.route("/kiosk/survey", methods=["POST"])
@kiosk_required
@limiter.limit("60/minute")
def kiosk_survey_post():
    if respondent.state().get("kiosk") != g.kiosk.id:
        return redirect(url_for(".kiosk"))
    return respondent.post(".kiosk_survey", kiosk=g.kiosk)


@bp.route("/kiosk/reset")
@kiosk_required
def kiosk_reset():
    """Back to the code page (an idle time passed, or the citizen walked away): nothing is shown."""
    respondent.end()
    return redirect(url_for(".kiosk"))

"""The public results page (`/ket-qua`): the published months only, units ranked within each level
with their base, index, interval and grade, a trend per unit, and the open data (CSV, JSON) of the
published figures. No sign-in; nothing about any person; the same page for everyone."""

import json

from flask import Response, abort, current_app, make_response, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _

import charts
from exports import csv_chunks
from models import Elements, UnitLevel
from ratelimits import limiter
from results import labels as result_labels
from results import public_view, reading

from .blueprint import bp

LIMIT = "120/minute"
MAX_AGE = 60  # seconds a browser or proxy may keep a page: a publication shows within a minute
TREND_MONTHS = 24
KEPT = 256  # rendered pages and downloads kept per process
_rendered = {}  # key (what, locale, versions, levels) -> body: published figures never change


def _memo(key, make):
    """make(), kept under `key` (none kept while the session holds a flashed message: it is the reader's)."""
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies and "_flashes" in session:
        return make()
    body = _rendered.get(key)
    if body is None:
        if len(_rendered) >= KEPT:
            _rendered.clear()
        body = _rendered[key] = make()
    return body


def _key(what, versions, shown, *more):
    # the shown version's chain head is printed on the page and in its open data
    versions = tuple((v.id, v.digest) for v in versions)
    return (what, str(get_locale()), versions, shown.id, shown.audit_seq, shown.audit_hash, *more)


def _cached(response):
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _published(month=None):
    """(versions published, oldest month first; the one of `month`, else the latest): 404 for a month
    with nothing published."""
    versions = reading.per_period(published_only=True)
    if month is None:
        return versions, (versions[-1] if versions else None)
    shown = next((v for v in versions if v.month == month), None)
    if shown is None:
        abort(404)
    return versions, shown


def _page(versions, shown):
    if shown is None:
        return _cached(make_response(render_template("public/results.html", shown=None, versions=[])))
    levels = list(UnitLevel.select().order_by(UnitLevel.sort_order, UnitLevel.code))
    key = _key("page", versions, shown, tuple((level.code, level.name) for level in levels))
    return _cached(make_response(_memo(key, lambda: _render(versions, shown, levels))))


def _render(versions, shown, levels):
    summary = reading.summary(shown)
    recent = [v for v in versions if v.month <= shown.month][-TREND_MONTHS:]
    months = [v.month for v in recent]
    trend = public_view.trends([reading.summary(v) for v in recent])
    level_names = {level.code: level.name for level in levels}
    groups = public_view.by_level(summary, [level.code for level in levels])
    sparks = {
        code: charts.sparkline(values, _("Overall index, %(first)s to %(last)s", first=months[0], last=months[-1]))
        for code, values in trend.items()
    }
    body = render_template(
        "public/results.html",
        shown=shown,
        versions=list(reversed(versions)),
        province=public_view.figure(summary["province"], public_view.minimum(summary)),
        groups=groups,
        level_names=level_names,
        sparks=sparks,
        months=months,
        minimum=public_view.minimum(summary),
        grades=result_labels.grade_labels(),
        elements=result_labels.element_labels(),
        element_codes=Elements.ALL,
    )
    return body


@bp.route("/ket-qua", endpoint="results")
@limiter.limit(LIMIT)
def results_latest():
    """The latest published month (or a page saying nothing is published yet)."""
    return _page(*_published())


@bp.route("/ket-qua/<month>", endpoint="results_period")
@limiter.limit(LIMIT)
def results_period(month):
    return _page(*_published(month))


@bp.route("/ket-qua/<month>/data.<fmt>", endpoint="results_data")
@limiter.limit(LIMIT)
def results_data(month, fmt):
    """The open data of a published month: JSON, or CSV (one row per unit)."""
    if fmt not in ("json", "csv"):
        abort(404)
    _versions, shown = _published(month)
    name = f"sipas-ket-qua-{shown.month}"
    body = _memo(_key(fmt, [shown], shown), lambda: _data(shown, fmt))
    response = Response(body, mimetype="application/json" if fmt == "json" else "text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return _cached(response)


def _data(shown, fmt):
    summary = reading.summary(shown)
    if fmt == "json":
        return json.dumps(public_view.open_data(summary, shown), ensure_ascii=False, indent=1)
    headers, rows = public_view.open_table(summary)
    return b"".join(csv_chunks(headers, iter(rows)))

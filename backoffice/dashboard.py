"""Dashboards (charts drawn on the server as SVG): fieldwork progress per unit against its quota
(refreshed every 30 seconds by core/static/js/dashboard.js), the index by unit and element of the
period's latest compiled version, trends over months, and alerts by unit. Figures only: no person."""

from flask import abort, jsonify, render_template, request
from flask_admin import expose
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from peewee import fn

import charts
import formatting
from fieldwork.progress import unit_progress
from models import (
    Alert,
    Allocation,
    Case,
    Elements,
    Interview,
    Modes,
    Period,
    ResultStatus,
    ResultVersion,
    Unit,
    UnitLevel,
    now,
)
from results import labels as result_labels
from results import reading

from .base import SecureBaseView

BASES = ("latest", "published")  # trends: each month's latest compiled version, or its published one
KEPT = 64  # charts of compiled versions kept drawn per process
_charts = {}


def progress_rows(period):
    """[{"unit", "name", "quota", "issued", "completed", "open", "closed"}] per allocated unit, by code."""
    units = {i: (code, name) for i, code, name in Unit.select(Unit.id, Unit.code, Unit.name).tuples()}
    stats = unit_progress(period)
    allocations = Allocation.select(
        Allocation.unit, Allocation.quota, Allocation.issued_phone, Allocation.issued_f2f
    ).where(Allocation.period == period)
    rows = []
    for unit_id, quota, issued_phone, issued_f2f in allocations.tuples():
        parts = [stats.get((unit_id, m), {}) for m in Modes.ALL]
        code, name = units[unit_id]
        row = {"unit": code, "name": name, "quota": quota, "issued": issued_phone + issued_f2f}
        row.update({k: sum(p.get(k, 0) for p in parts) for k in ("completed", "open", "closed")})
        rows.append(row)
    return sorted(rows, key=lambda r: r["unit"])


def progress_chart(rows):
    done, still = _("Completed: %(n)s"), _("Still to complete: %(n)s")  # translated once, not per unit
    bars = []
    for r in rows:
        left = max(r["quota"] - r["completed"], 0)
        segments = [
            (r["completed"], charts.DONE, done % {"n": r["completed"]}),
            (left, charts.LEFT, still % {"n": left}),
        ]
        bars.append((f"{r['name']} ({r['unit']})", segments, f"{r['completed']}/{r['quota']}"))
    return charts.bars(bars, _("Completed interviews against the quota, by unit"))


def progress_body(rows):
    """The rows of the progress table (300 units: written here in one pass, a third of the time the
    template's loop takes)."""
    count = formatting.whole_numbers()
    cell = '<td class="text-right">{}</td>'
    out = []
    for r in rows:
        unit = escape(r["unit"])
        out.append(
            f'<tr data-testid="progress-{unit}"><td>{escape(r["name"])} ({unit})</td>'
            + cell.format(count(r["quota"]))
            + cell.format(count(r["issued"]))
            + f'<td class="text-right" data-testid="completed-{unit}">{count(r["completed"])}</td>'
            + cell.format(count(r["open"]))
            + cell.format(count(r["closed"]))
            + "</tr>"
        )
    return Markup("".join(out))


def progress_parts(rows):
    """{"progress_svg", "progress_body"} of these rows: kept per process under the rows' figures and
    the language (the figures are read live on every request; unchanged, they are not drawn again)."""
    if not rows:
        return {"progress_svg": None, "progress_body": Markup("")}
    key = ("progress", str(get_locale()), tuple(tuple(r.values()) for r in rows))
    return _kept(key, lambda: {"progress_svg": progress_chart(rows), "progress_body": progress_body(rows)})


def alert_rows(period):
    """[{"unit", "name", "new", "acknowledged"}] of the alerts raised by the period's cases, by unit."""
    start, end = period.bounds
    query = (
        Alert.select(Unit.code, Unit.name, fn.COUNT(Alert.id), fn.COUNT(Alert.acknowledged_at))
        .join(Unit, on=(Alert.unit == Unit.id))
        .switch(Alert)
        .join(Interview, on=(Alert.interview == Interview.id))
        .join(Case, on=(Interview.case == Case.id))
        .where((Case.returned_at >= start) & (Case.returned_at < end))
        .group_by(Unit.code, Unit.name)
        .order_by(Unit.code)
        .tuples()
    )
    return [{"unit": c, "name": n, "new": total - seen, "acknowledged": seen} for c, n, total, seen in query]


def alert_chart(rows):
    new, seen = _("New: %(n)s"), _("Acknowledged: %(n)s")
    bars = [
        (
            f"{r['name']} ({r['unit']})",
            [
                (r["new"], charts.NEW, new % {"n": r["new"]}),
                (r["acknowledged"], charts.SEEN, seen % {"n": r["acknowledged"]}),
            ],
            f"{r['new']} / {r['acknowledged']}",
        )
        for r in rows
    ]
    return charts.bars(bars, _("Alerts by unit: new and acknowledged"))


def _kept(key, make):
    """make(), kept per process under `key`: a compiled version's charts never change, so they are
    drawn once per version (id and digest), language and unit-level names."""
    chart = _charts.get(key)
    if chart is None:
        if len(_charts) >= KEPT:
            _charts.clear()
        chart = _charts[key] = make()
    return chart


def index_chart(summary, labels):
    """The heat map of the units (rows) by element and overall (columns)."""
    units = sorted(summary["units"], key=lambda u: (u["level"], u["unit"]))
    columns = [labels[e] for e in Elements.ALL] + [_("Overall")]
    values = [[u["elements"].get(e, {}).get("index") for e in Elements.ALL] + [u["overall"]["index"]] for u in units]
    names = [f"{u['name']} ({u['unit']})" for u in units]
    return charts.heatmap(names, columns, values, _("Index by unit and element"), fmt=formatting.percent)


def trend_charts(versions, labels, level_names):
    """(overall chart: the province and each level; elements chart: the province's) over months."""
    summaries = [reading.summary(v) for v in versions]
    months = [v.month for v in versions]
    levels = sorted({level["level"] for s in summaries for level in s["levels"]})
    overall = [(_("Province"), [s["province"]["overall"]["index"] for s in summaries])]
    for code in levels:
        by = [next((x for x in s["levels"] if x["level"] == code), None) for s in summaries]
        overall.append((level_names.get(code, code), [x["overall"]["index"] if x else None for x in by]))
    elements = [
        (labels[e], [s["province"]["elements"].get(e, {}).get("index") for s in summaries]) for e in Elements.ALL
    ]
    return (
        charts.lines(months, overall, _("Overall index by month"), fmt=formatting.percent),
        charts.lines(months, elements, _("The province's element indices by month"), fmt=formatting.percent),
    )


class DashboardView(SecureBaseView):
    permission = "dashboards"

    def _period(self):
        periods = list(Period.latest_first())
        month = request.args.get("period") or (periods[0].month if periods else None)
        period = Period.get_or_none(Period.month == month) if Period.valid_month(month or "") else None
        if month and period is None:
            abort(404)
        return periods, period

    @expose("/")
    def index(self):
        periods, period = self._period()
        basis = request.args.get("basis") if request.args.get("basis") in BASES else BASES[0]
        labels = result_labels.element_labels()
        version = ResultVersion.latest(period) if period else None
        versions = reading.per_period(published_only=basis == "published")
        rows = progress_rows(period) if period else []
        alerts = alert_rows(period) if period else []
        return self.render(
            "admin/dashboard.html",
            periods=periods,
            period=period,
            basis=basis,
            bases=BASES,
            progress=rows,
            **progress_parts(rows),
            at=now(),
            version=version,
            summary=reading.summary(version) if version else None,
            index_svg=self._index_svg(version, labels) if version else None,
            trends=self._trends(versions, labels) if versions else None,
            alerts=alerts,
            alerts_svg=alert_chart(alerts) if alerts else None,
            published=ResultStatus.PUBLISHED,
        )

    @staticmethod
    def _index_svg(version, labels):
        key = ("index", str(get_locale()), version.id, version.digest)
        return _kept(key, lambda: index_chart(reading.summary(version), labels))

    @staticmethod
    def _trends(versions, labels):
        levels = tuple(UnitLevel.select(UnitLevel.code, UnitLevel.name).order_by(UnitLevel.code).tuples())
        key = ("trends", str(get_locale()), tuple((v.id, v.digest) for v in versions), levels)
        return _kept(key, lambda: trend_charts(versions, labels, dict(levels)))

    @expose("/progress.json")
    def progress(self):
        """The progress part as JSON (its figures, and the chart and table to show), for the page's refresh."""
        _periods, period = self._period()
        if period is None:
            abort(404)
        rows = progress_rows(period)
        at = now()
        html = render_template(
            "admin/_dashboard_progress.html",
            progress=rows,
            **progress_parts(rows),
            at=at,
        )
        return jsonify({"period": period.month, "at": at.isoformat(timespec="seconds"), "units": rows, "html": html})

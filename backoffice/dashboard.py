"""Dashboards (charts drawn on the server as SVG): fieldwork progress per unit against its quota
(refreshed every 30 seconds by core/static/js/dashboard.js), the index by unit and element of the
period's latest compiled version, trends over months, and alerts by unit. Figures only: no person."""

from flask import abort, jsonify, render_template, request
from flask_admin import expose
from flask_babel import gettext as _
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


def progress_rows(period):
    """[{"unit", "name", "quota", "issued", "completed", "open", "closed"}] per allocated unit, by code."""
    names = dict(Unit.select(Unit.id, Unit.code).tuples())
    labels = dict(Unit.select(Unit.id, Unit.name).tuples())
    stats = unit_progress(period)
    rows = []
    for a in Allocation.of(period):
        parts = [stats.get((a.unit_id, m), {}) for m in Modes.ALL]
        row = {"unit": names[a.unit_id], "name": labels[a.unit_id], "quota": a.quota, "issued": a.issued}
        row.update({k: sum(p.get(k, 0) for p in parts) for k in ("completed", "open", "closed")})
        rows.append(row)
    return sorted(rows, key=lambda r: r["unit"])


def progress_chart(rows):
    bars = []
    for r in rows:
        left = max(r["quota"] - r["completed"], 0)
        segments = [
            (r["completed"], charts.DONE, _("Completed: %(n)s", n=r["completed"])),
            (left, charts.LEFT, _("Still to complete: %(n)s", n=left)),
        ]
        bars.append((f"{r['name']} ({r['unit']})", segments, f"{r['completed']}/{r['quota']}"))
    return charts.bars(bars, _("Completed interviews against the quota, by unit"))


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
    bars = [
        (
            f"{r['name']} ({r['unit']})",
            [
                (r["new"], charts.NEW, _("New: %(n)s", n=r["new"])),
                (r["acknowledged"], charts.SEEN, _("Acknowledged: %(n)s", n=r["acknowledged"])),
            ],
            f"{r['new']} / {r['acknowledged']}",
        )
        for r in rows
    ]
    return charts.bars(bars, _("Alerts by unit: new and acknowledged"))


def index_chart(summary, labels):
    """The heat map of the units (rows) by element and overall (columns)."""
    units = sorted(summary["units"], key=lambda u: (u["level"], u["unit"]))
    columns = [labels[e] for e in Elements.ALL] + [_("Overall")]
    values = [[u["elements"].get(e, {}).get("index") for e in Elements.ALL] + [u["overall"]["index"]] for u in units]
    names = [f"{u['name']} ({u['unit']})" for u in units]
    return charts.heatmap(names, columns, values, _("Index by unit and element"), fmt=formatting.percent)


def trend_charts(versions, labels):
    """(overall chart: the province and each level; elements chart: the province's) over months."""
    summaries = [reading.summary(v) for v in versions]
    months = [v.month for v in versions]
    levels = sorted({level["level"] for s in summaries for level in s["levels"]})
    level_names = dict(UnitLevel.select(UnitLevel.code, UnitLevel.name).tuples())
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
            progress_svg=progress_chart(rows) if rows else None,
            at=now(),
            version=version,
            summary=reading.summary(version) if version else None,
            index_svg=index_chart(reading.summary(version), labels) if version else None,
            trends=trend_charts(versions, labels) if versions else None,
            alerts=alerts,
            alerts_svg=alert_chart(alerts) if alerts else None,
            published=ResultStatus.PUBLISHED,
        )

    @expose("/progress.json")
    def progress(self):
        """The progress part as JSON (its figures, and the chart and table to show), for the page's refresh."""
        _periods, period = self._period()
        if period is None:
            abort(404)
        rows = progress_rows(period)
        at = now()
        html = render_template(
            "admin/_dashboard_progress.html", progress=rows, progress_svg=progress_chart(rows) if rows else None, at=at
        )
        return jsonify({"period": period.month, "at": at.isoformat(timespec="seconds"), "units": rows, "html": html})

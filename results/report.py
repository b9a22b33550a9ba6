"""The printable monthly notice sent to units: what its page shows of a version (the province, the
ranking by level with grades, element indices as bar charts, response rates, the audit chain's head)."""

from flask_babel import gettext as _
from markupsafe import Markup

from formatting import percent
from models import Elements, Grades, UnitLevel

from . import charts, labels
from .exporting import RATES


def notice(version):
    """The template's context for `version`: figures, level blocks with their units ranked, charts."""
    figures = version.figures_dict()
    levels = {level.code: level for level in UnitLevel.select()}
    thresholds = [share for _grade, share in figures["settings"]["grades"] if share > 0]
    ticks = [percent(t, 0) for t in charts.TICKS]
    names = labels.element_labels()

    def chart(summary, title):
        items = [
            charts.Bar(names[code], e["index"], percent(e["index"]), e["ci"])
            for code in Elements.ALL
            for e in [summary["elements"][code]]
        ]
        return charts.bars(items, title, ticks, thresholds)

    by_level = {}
    for unit in figures["units"]:
        by_level.setdefault(unit["level"], []).append(unit)
    blocks = []
    for summary in sorted(figures["levels"], key=lambda s: _level_order(levels, s["level"])):
        code = summary["level"]
        name = levels[code].name if code in levels else code
        units = sorted(by_level.get(code, []), key=lambda u: (not u["ranked"], u["rank"] or 0, u["unit"]))
        blocks.append(
            {
                "code": code,
                "name": name,
                "summary": summary,
                "units": units,
                "chart": chart(summary, _("Element indices: %(level)s", level=name)) if summary["completed"] else None,
            }
        )
    head = _("Audit chain: record %(seq)s, hash %(hash)s", seq=version.audit_seq, hash=version.audit_hash or "–")
    return {
        "version": version,
        "figures": figures,
        "province": figures["province"],
        "province_chart": chart(figures["province"], _("Element indices: the province")),
        "levels": blocks,
        "grades": labels.grade_labels(),
        "weak": labels.grade_labels()[Grades.WEAK],
        "elements": names,
        "statuses": labels.status_labels(),
        "rates": RATES,
        "minimum_base": figures["settings"]["minimum_base"],
        "thresholds": [(labels.grade_labels()[g], share) for g, share in figures["settings"]["grades"] if share > 0],
        "audit_head": head,
        "audit_head_css": css_string(head),
    }


def _level_order(levels, code):
    return (levels[code].sort_order if code in levels else 99, code)


def css_string(text):
    """`text` as a quoted CSS string, safe inside a <style> element (for the printed page's margins)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    return Markup(f'"{escaped}"')

"""What the public results page and its open data show of a published version (pure): units by level
with their base, overall index, interval, rank, grade and element indices; no figure at all for a unit
with fewer completes than the public minimum; nothing about any person (respondent, enumerator or
civil servant)."""

from models import Elements

DEFAULT_MINIMUM = 5
CSV_HEADERS = ["unit", "name", "level", "n", "index", "ci_low", "ci_high", "rank", "grade"] + [
    f"index_{e}" for e in Elements.ALL
]


def minimum(summary):
    """The smallest base shown with a figure, as the version was compiled with."""
    return summary["settings"].get("public_minimum", DEFAULT_MINIMUM)


def figure(part, least):
    """{"n", "shown", "index", "ci", "rank", "grade", "elements"} of a unit (or the province); all but
    n withheld (None) below the public minimum."""
    n = part.get("completed") or 0
    shown = n >= least
    return {
        "n": n,
        "shown": shown,
        "index": part["overall"]["index"] if shown else None,
        "ci": part["overall"]["ci"] if shown else None,
        "rank": part.get("rank") if shown and part.get("ranked") else None,
        "grade": part.get("grade") if shown else None,
        "elements": {e: (part["elements"].get(e, {}).get("index") if shown else None) for e in Elements.ALL},
    }


def _order(row):
    """Ranked first by rank, then shown by index (highest first), then withheld by code."""
    if row["rank"] is not None:
        return (0, row["rank"], row["unit"])
    if row["shown"] and row["index"] is not None:
        return (1, -row["index"], row["unit"])
    return (2, 0, row["unit"])


def units(summary):
    """[{"unit", "name", "level", **figure}] of a version, in ranking order within each level."""
    least = minimum(summary)
    rows = [{"unit": u["unit"], "name": u["name"], "level": u["level"], **figure(u, least)} for u in summary["units"]]
    return sorted(rows, key=lambda r: (r["level"], _order(r)))


def by_level(summary, level_order):
    """[(level code, [unit rows])] with the levels in `level_order` first (the rest by code)."""
    groups = {}
    for row in units(summary):
        groups.setdefault(row["level"], []).append(row)
    rank = {code: i for i, code in enumerate(level_order)}
    return sorted(groups.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def trends(summaries):
    """{unit code: [index or None per summary]} over the given versions (oldest first): None where the
    unit was not surveyed or was below that version's public minimum."""
    out = {}
    for i, summary in enumerate(summaries):
        least = minimum(summary)
        for u in summary["units"]:
            values = out.setdefault(u["unit"], [None] * len(summaries))
            values[i] = figure(u, least)["index"]
    return out


def open_data(summary, version):
    """The open-data JSON of a published version."""
    least = minimum(summary)
    province = figure(summary["province"], least)
    return {
        "period": summary["period"],
        "version": version.number,
        "published_at": version.published_at.isoformat(timespec="seconds") if version.published_at else None,
        "audit_head": {"seq": version.audit_seq, "hash": version.audit_hash},  # the chain at compilation
        "public_minimum": least,
        "province": {k: province[k] for k in ("n", "index", "ci", "elements")},
        "units": units(summary),
    }


def open_table(summary):
    """(headers, rows) of the open-data CSV: one row per unit, shares as fractions 0-1."""
    rows = []
    for u in units(summary):
        ci = u["ci"] or [None, None]
        rows.append(
            [u["unit"], u["name"], u["level"], u["n"], u["index"], ci[0], ci[1], u["rank"], u["grade"]]
            + [u["elements"][e] for e in Elements.ALL]
        )
    return list(CSV_HEADERS), rows

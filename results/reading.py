"""Compiled figures read for pages: a version's figures never change, so a compact summary of each
(units, levels and the province: completes, element indices, overall index, rank, grade) is parsed
once per process, kept by version id and digest; and the version of each period a page shows."""

import functools
import json

from models import Period, ResultStatus, ResultVersion

CACHED = 128  # versions kept parsed: 24 months of published and latest versions, and room to spare
KEPT = ("unit", "name", "level", "units", "completed", "issued", "attempted", "rank", "ranked", "below_base", "grade")


def _compact(summary):
    out = {k: summary[k] for k in KEPT if k in summary}
    out["elements"] = {e: {f: v.get(f) for f in ("n", "index", "ci")} for e, v in summary["elements"].items()}
    out["overall"] = dict(summary["overall"])
    return out


@functools.lru_cache(maxsize=CACHED)
def _summary(version_id, digest):
    text = ResultVersion.select(ResultVersion.figures).where(ResultVersion.id == version_id).scalar()
    data = json.loads(text)
    return {
        "period": data["period"],
        "settings": data.get("settings") or {},
        "province": _compact(data["province"]),
        "levels": [_compact(level) for level in data.get("levels", [])],
        "units": [_compact(u) for u in data["units"]],
    }


def summary(version):
    """The compact figures of a version (shared between requests: read, never change them)."""
    return _summary(version.id, version.digest)


def per_period(published_only=True):
    """[version] the latest (published) version of each period that has one, oldest month first; each
    with `month`, and without its figures (read them with summary())."""
    query = (
        ResultVersion.select(
            ResultVersion.id,
            ResultVersion.digest,
            ResultVersion.number,
            ResultVersion.status,
            ResultVersion.published_at,
            ResultVersion.audit_seq,
            ResultVersion.audit_hash,
            ResultVersion.period,
            Period.month,
        )
        .join(Period)
        .order_by(Period.month, ResultVersion.number.desc())
    )
    if published_only:
        query = query.where(ResultVersion.status == ResultStatus.PUBLISHED)
    out = {}
    for version in query:
        version.month = version.period.month
        out.setdefault(version.month, version)
    return list(out.values())

"""Compiling a period into a new, immutable version (its figures, inputs, digest and the audit chain's
head), comparing two versions, and publishing one."""

import hashlib
import json

from models import ResultStatus, ResultVersion, audit, db, now
from models.audit import current_actor

from . import figures, scheme18, tallies
from .settings import merged


class ResultsRefused(ValueError):
    """The step cannot be done; the code names why: published (already), not_latest."""


def _text(data):
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def compile_period(period, note=None, progress=None):
    """A new version of the period's results; returns (version, created). The same figures as the
    latest version make no new version (compiling twice changes nothing)."""
    settings = merged(period.settings)
    counted = tallies.read(period, *scheme18.needs(settings["scheme18"]))
    if progress:
        progress(0.6)
    data = figures.build(counted, settings, period.month)
    text = _text(data)
    digest = hashlib.sha256(text.encode()).hexdigest()
    inputs = {
        "settings": settings,
        "questionnaires": [{"form_id": f, "version": v} for f, v in counted.versions],
        "responses": dict(sorted(collections_sum(counted.completes).items())),
    }
    with db.atomic():
        latest = ResultVersion.latest(period)
        if latest is not None and latest.digest == digest:
            return latest, False
        seq, chain = audit.head()
        version = ResultVersion.create(
            period=period,
            number=(latest.number + 1) if latest else 1,
            figures=text,
            inputs=_text(inputs),
            digest=digest,
            audit_seq=seq,
            audit_hash=chain,
            created_at=now(),
            created_by=current_actor()[0],
            note=(note or "").strip()[:2000] or None,
        )
    if progress:
        progress(1.0)
    return version, True


def collections_sum(completes):
    """{channel: approved responses} over the units."""
    out = {}
    for (_unit, channel), n in completes.items():
        out[channel] = out.get(channel, 0) + n
    return out


def publish(version, user_name):
    """Publish a version: the period's latest; a published version stays as it is."""
    with db.atomic():
        version = ResultVersion.locked(version.id)
        if version.status == ResultStatus.PUBLISHED:
            raise ResultsRefused("published")
        latest = ResultVersion.latest(version.period_id)
        if latest.id != version.id:
            raise ResultsRefused("not_latest")
        version.status, version.published_at, version.published_by = ResultStatus.PUBLISHED, now(), user_name
        version.save()
    return version


def compare(old, new):
    """What changed from one version's figures to another's, unit by unit: completes, the overall
    index, the rank and the grade ([{unit, field, before, after}]), and the inputs that moved."""
    before = {u["unit"]: u for u in old.figures_dict()["units"]}
    after = {u["unit"]: u for u in new.figures_dict()["units"]}
    changes = []
    for code in sorted(set(before) | set(after)):
        b, a = before.get(code, {}), after.get(code, {})
        for field, pick in (
            ("completed", lambda u: u.get("completed")),
            ("index", lambda u: (u.get("overall") or {}).get("index")),
            ("rank", lambda u: u.get("rank")),
            ("grade", lambda u: u.get("grade")),
        ):
            if pick(b) != pick(a):
                changes.append({"unit": code, "field": field, "before": pick(b), "after": pick(a)})
    inputs_before, inputs_after = old.inputs_dict(), new.inputs_dict()
    moved = sorted(k for k in set(inputs_before) | set(inputs_after) if inputs_before.get(k) != inputs_after.get(k))
    return {"units": changes, "inputs": moved}

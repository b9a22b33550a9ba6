"""Allocation, draw, verification and reserve release of a period, on the database."""

import json
import math
import re
import secrets

from peewee import fn

from fieldwork.progress import unit_progress
from models import (
    Allocation,
    Assignment,
    Case,
    Contact,
    Modes,
    Period,
    SampleCase,
    SampleStatus,
    Unit,
    db,
    is_postgres,
    now,
)
from models.audited import delete_rows, insert_rows, update_rows
from models.bulk import reserve_ids

from .allocation import allocate, issue_and_reserve, split_modes
from .draw import drawn_order
from .eligibility import build_frame, count_frame, unit_modes
from .settings import RULES, merged

ALLOCATION_FIELDS = (
    "cases",
    "eligible",
    "eligible_phone",
    "eligible_f2f",
    "excluded",
    "quota",
    "bound",
    "override_reason",
    "quota_phone",
    "quota_f2f",
    "issued_phone",
    "issued_f2f",
    "reserve_phone",
    "reserve_f2f",
    "updated_at",
)
SEED_RE = re.compile(r"^[\w\-.:]{1,64}$")
SAMPLE_COLUMNS = (
    "id",
    "period_id",
    "case_id",
    "unit_id",
    "mode",
    "stratum",
    "rank",
    "draw_key",
    "status",
    "issued_at",
    "phone_hash",
)


class SamplingError(Exception):
    """A sampling step refused, with a message for the user; nothing was changed."""


def _note(progress, fraction, message=None):
    if progress:
        progress(fraction, message)


def allocate_period(period, total, progress=None):
    """Compute and store every unit's allocation for `total` interviews; keep quota overrides."""
    if period.drawn_at:
        raise SamplingError("drawn")
    if total is None or total < 0:
        raise SamplingError("total")
    settings = merged(period.settings)
    frames = count_frame(period, settings, now())
    existing = {a.unit_id: a for a in Allocation.of(period)}
    overrides = {u: a.quota for u, a in existing.items() if a.bound == "override"}
    codes = dict(Unit.select(Unit.id, Unit.code).tuples())  # ties are broken by unit code
    eligible = {uid: frames[uid].eligible if uid in frames else 0 for uid in codes}
    overrides = {u: min(q, eligible[u]) for u, q in overrides.items() if u in eligible}
    if sum(overrides.values()) > total:
        raise SamplingError("overrides_exceed_total")
    by_code = allocate(
        total,
        {codes[u]: n for u, n in eligible.items()},
        settings["minimum"],
        {codes[u]: q for u, q in overrides.items()},
    )
    quotas = {u: by_code[codes[u]] for u in eligible}
    modes = unit_modes(settings)
    stamp = now()
    with db.atomic():
        if Period.locked(period.id).drawn_at:  # drawn while the frame was read
            raise SamplingError("drawn")
        new, changes = [], []
        for uid in codes:
            frame = frames.get(uid)
            old = existing.get(uid)
            row = Allocation(**old.__data__) if old else Allocation(period=period, unit=uid)
            q = quotas[uid]
            by_mode = {m: frame.eligible_in(m) if frame else 0 for m in Modes.ALL}
            split = split_modes(q.quota, modes[uid], by_mode) if q.quota else {Modes.PHONE: 0, Modes.F2F: 0}
            row.cases = frame.cases if frame else 0
            row.eligible = eligible[uid]
            row.eligible_phone, row.eligible_f2f = by_mode[Modes.PHONE], by_mode[Modes.F2F]
            row.excluded = json.dumps({r: frame.excluded.get(r, 0) if frame else 0 for r in RULES}, sort_keys=True)
            row.quota, row.bound = q.quota, q.bound
            if q.bound != "override":
                row.override_reason = None
            row.quota_phone, row.quota_f2f = split.get(Modes.PHONE, 0), split.get(Modes.F2F, 0)
            available = dict(by_mode)
            for mode in Modes.ALL:  # face to face draws from what the phone draw left
                if mode == Modes.F2F:
                    available[Modes.F2F] = max(by_mode[Modes.F2F] - row.issued_phone - row.reserve_phone, 0)
                    row.quota_f2f = min(row.quota_f2f, available[Modes.F2F])
                quota_mode = getattr(row, f"quota_{mode}")
                issued, reserve = (
                    issue_and_reserve(
                        quota_mode, settings["response_rate"][mode], available[mode], settings["reserve_ratio"]
                    )
                    if quota_mode
                    else (0, 0)
                )
                setattr(row, f"issued_{mode}", issued)
                setattr(row, f"reserve_{mode}", reserve)
            row.quota = row.quota_phone + row.quota_f2f
            row.updated_at = stamp
            if old is None:
                new.append(row)
                continue
            changes.append(
                (
                    old.id,
                    {f: getattr(old, f) for f in ALLOCATION_FIELDS},
                    {f: getattr(row, f) for f in ALLOCATION_FIELDS},
                )
            )
        update_rows(Allocation, changes)  # one UPDATE per changed unit
        if new:
            for row, pk in zip(new, reserve_ids(Allocation, len(new))):
                row.id = pk
            fields = Allocation._meta.sorted_fields
            insert_rows(
                Allocation,
                [f.column_name for f in fields],
                [tuple(f.db_value(row.__data__.get(f.name)) for f in fields) for row in new],
            )
        period.total = total
        period.allocated_at = stamp
        period.save()
    _note(progress, 1.0)
    return list(Allocation.of(period))


def override_quota(period, unit, quota, reason, progress=None):
    """A supervisor's quota for one unit, with a written reason; the others are reallocated.

    `quota=None` clears the override: the unit goes back to its proportional share."""
    if period.drawn_at:
        raise SamplingError("drawn")
    if not (reason or "").strip():
        raise SamplingError("reason")
    row = Allocation.get_or_none((Allocation.period == period) & (Allocation.unit == unit))
    if row is None or period.total is None:
        raise SamplingError("not_allocated")
    if quota is not None:
        others = sum(
            a.quota
            for a in Allocation.select().where(
                (Allocation.period == period) & (Allocation.bound == "override") & (Allocation.unit != unit)
            )
        )
        if quota < 0 or quota > row.eligible:
            raise SamplingError("quota_range")
        if quota + others > period.total:
            raise SamplingError("overrides_exceed_total")
    with db.atomic():
        if quota is None:
            row.bound, row.override_reason = None, f"cleared: {reason.strip()}"
        else:
            row.quota, row.bound, row.override_reason = quota, "override", reason.strip()
        row.save()
        return allocate_period(period, period.total, progress)


def _frame_draw(frames, allocations, seed, codes):
    """The drawn rows [(unit_id, mode, stratum, rank, case_id, status)] for the stored allocations."""
    out = []
    for alloc in sorted(allocations, key=lambda a: codes[a.unit_id]):
        frame = frames.get(alloc.unit_id)
        if frame is None:
            continue
        taken = set()
        for mode in Modes.ALL:
            issued, reserve = alloc.issued_in(mode), alloc.reserve_in(mode)
            if issued + reserve == 0:
                continue
            strata = {s: [i for i in ids if i not in taken] if taken else ids for s, ids in frame.strata[mode].items()}
            for rank, (case_id, stratum) in enumerate(
                drawn_order(seed, codes[alloc.unit_id], mode, strata, issued + reserve), 1
            ):
                taken.add(case_id)
                out.append(
                    (
                        alloc.unit_id,
                        mode,
                        stratum,
                        rank,
                        case_id,
                        SampleStatus.ISSUED if rank <= issued else SampleStatus.RESERVE,
                    )
                )
    return out


def _check_drawable(period, redo):
    if not Allocation.of(period).exists():
        raise SamplingError("not_allocated")
    if period.drawn_at and not redo:
        raise SamplingError("already_drawn")
    if Assignment.of_period(period).exists():
        raise SamplingError("assigned")


def draw(period, seed=None, redo=False, progress=None):
    """Draw the period's sample from a recorded seed; refused when drawn, unless redone before any assignment."""
    if seed and not SEED_RE.match(seed):
        raise SamplingError("seed")
    _check_drawable(period, redo)
    seed = seed or secrets.token_hex(8)
    settings = merged(period.settings)
    stamp = now()
    modes = unit_modes(settings)
    frames, fingerprint, recent = build_frame(period, settings, stamp, lambda n: _note(progress, 0.3), modes)
    codes = dict(Unit.select(Unit.id, Unit.code).tuples())
    _note(progress, 0.6)
    with db.atomic():
        period = Period.locked(period.id)  # the state may have changed while the frame was read
        _check_drawable(period, redo)
        allocations = list(Allocation.of(period))
        rows = _frame_draw(frames, allocations, seed, codes)
        delete_rows(SampleCase, SampleCase.of(period))  # a redraw replaces the sample
        hashes = _phone_hashes([r[4] for r in rows])
        ids = reserve_ids(SampleCase, len(rows))
        records = [
            (
                i,
                period.id,
                case_id,
                unit_id,
                mode,
                stratum,
                rank,
                seed,
                status,
                stamp if status == SampleStatus.ISSUED else None,
                hashes.get(case_id),
            )
            for i, (unit_id, mode, stratum, rank, case_id, status) in zip(ids, rows)
        ]
        insert_rows(SampleCase, SAMPLE_COLUMNS, records)
        period.seed, period.drawn_at, period.frame_digest = seed, stamp, fingerprint
        # Everything a redraw needs that could change later, so that `verify` replays this draw.
        period.draw_inputs = json.dumps(
            {
                "settings": settings,
                "units": codes,
                "recent": recent,
                "modes": modes,
                "last_case_id": Case.select(fn.MAX(Case.id)).scalar() or 0,  # what came later came after
            },
            sort_keys=True,
        )
        period.save()
    _note(progress, 1.0)
    return len(records)


def _phone_hashes(case_ids):
    if is_postgres():  # one query with an array; SQLite: lists of 900 (its historical parameter limit)
        sql = 'SELECT case_id, phone_hash FROM "contact" WHERE case_id = ANY(%s)'
        return dict(db.execute_sql(sql, (case_ids,)).fetchall())
    out = {}
    for i in range(0, len(case_ids), 900):
        out.update(
            Contact.select(Contact.case, Contact.phone_hash).where(Contact.case.in_(case_ids[i : i + 900])).tuples()
        )
    return out


def verify(period):
    """Redraw from the recorded seed and inputs and compare with the stored sample.

    Returns {"identical", "missing", "unexpected", "size", "frame_unchanged", "issued_ok"}:
    `issued_ok` is False when the issued cases are not the drawn order's first ones (plus
    reserve released after the draw, in order)."""
    if not period.drawn_at:
        raise SamplingError("not_drawn")
    inputs = json.loads(period.draw_inputs)
    codes = {int(k): v for k, v in inputs["units"].items()}
    modes = {int(k): v for k, v in inputs["modes"].items()}
    frames, fingerprint, _recent = build_frame(
        period, inputs["settings"], period.drawn_at, None, modes, set(inputs["recent"])
    )
    allocations = list(Allocation.of(period))
    expected = {(u, m, r, c) for u, m, _s, r, c, _st in _frame_draw(frames, allocations, period.seed, codes)}
    samples = list(SampleCase.of(period))
    stored = {(s.unit_id, s.mode, s.rank, s.case_id) for s in samples}
    return {
        "identical": expected == stored,
        "frame_unchanged": fingerprint == period.frame_digest,
        "missing": len(expected - stored),
        "unexpected": len(stored - expected),
        "size": len(stored),
        "issued_ok": _issued_in_order(period, allocations, samples),
    }


LATE_SQL = (
    'SELECT unit_id, COUNT(*) FROM "case"{hint} WHERE id > {p} AND returned_at >= {p} AND returned_at < {p} '
    "AND created_at > {p} GROUP BY unit_id"
)


def imported_after_draw(period):
    """{unit_id: count} of the period's cases (returned in its month) imported after its draw: they are
    not in its frame (the draw stays as drawn, and replayable); only a redraw, before any assignment,
    would take them in. Empty before the draw. Only cases whose id is above the last one at the draw
    are read (ids only grow), not the whole month."""
    if not period.drawn_at:
        return {}
    start, end = period.bounds
    last = json.loads(period.draw_inputs or "{}").get("last_case_id")
    if last is not None:  # only the ids above the last one at the draw (SQLite: by rowid, no index)
        sql = LATE_SQL.format(hint="" if is_postgres() else " NOT INDEXED", p="%s" if is_postgres() else "?")
        return dict(db.execute_sql(sql, (last, start, end, period.drawn_at)).fetchall())
    query = Case.select(Case.unit, fn.COUNT(Case.id)).where(
        (Case.returned_at >= start) & (Case.returned_at < end) & (Case.created_at > period.drawn_at)
    )
    return dict(query.group_by(Case.unit).tuples())


def _issued_in_order(period, allocations, samples):
    """The drawn order's first `issued` cases were issued at the draw; later ones only by release, in order."""
    issued = {(a.unit_id, m): a.issued_in(m) for a in allocations for m in Modes.ALL}
    by_group = {}
    for s in samples:
        by_group.setdefault((s.unit_id, s.mode), []).append(s)
    for key, group in by_group.items():
        group.sort(key=lambda s: s.rank)
        statuses = [s.status == SampleStatus.ISSUED for s in group]
        if statuses != sorted(statuses, reverse=True):  # issued ones form a prefix of the order
            return False
        for s in group:
            at_draw = s.rank <= issued.get(key, 0)
            if at_draw and (s.status != SampleStatus.ISSUED or s.issued_at != period.drawn_at):
                return False
            if not at_draw and s.status == SampleStatus.ISSUED and not (s.issued_at and s.issued_at > period.drawn_at):
                return False
    return True


def release_proposals(period, stats=None, quotas=None):
    """[(unit_id, mode, count)]: reserve to release where completes + open work cannot reach the quota.
    `stats` (unit_progress) and `quotas` ({unit_id: {mode: quota}} of the period's allocations) when the
    caller has read them already."""
    settings = merged(period.settings)
    stats = unit_progress(period) if stats is None else stats
    if quotas is None:
        quotas = {alloc.unit_id: {m: alloc.quota_in(m) for m in Modes.ALL} for alloc in Allocation.of(period)}
    out = []
    for unit_id, by_mode in quotas.items():
        for mode in Modes.ALL:
            s = stats.get((unit_id, mode))
            if not s or not s["reserve_left"]:
                continue
            missing = by_mode[mode] - s["completed"] - s["open"]
            if missing > 0:
                need = math.ceil(missing / settings["response_rate"][mode])
                out.append((unit_id, mode, min(need, s["reserve_left"])))
    return out


def release(period, unit_id=None):
    """Issue the next reserve cases, in drawn order, of every unit that needs them (or of one)."""
    released = []
    with db.atomic():
        for uid, mode, count in release_proposals(period):
            if unit_id is not None and uid != unit_id:
                continue
            batch = list(SampleCase.reserve_in_order(period, uid, mode).limit(count))
            for sample in batch:
                sample.status, sample.issued_at = SampleStatus.ISSUED, now()
                sample.save()
            released.append((uid, mode, len(batch)))
        # What the daily job proposed for these units is done (from the command line as from the page).
        for alloc in Allocation.of(period).where(Allocation.proposed_release > 0):
            if unit_id is None or alloc.unit_id == unit_id:
                alloc.proposed_release = 0
                alloc.save()
    return released

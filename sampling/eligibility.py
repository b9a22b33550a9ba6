"""The sampling frame of a period: eligible cases per unit, mode and stratum, and exclusions by rule."""

import array
import collections
import dataclasses
import datetime
import hashlib

from models import Modes, Unit, UnitLevel, db, is_postgres

from .settings import mode_shares

# One row per case of the period: id, unit, stratum, and what the rules look at as bit flags in one
# integer (fewer values to fetch; the rules then run once per (unit, stratum, flags), not per case).
# A phone sampled recently (RECENT_PHONE) is a phone (PHONE): 24.
IMMEDIATE, ONLINE, POSTAL, PHONE, RECENT_PHONE = 1, 2, 4, 8, 16
FLAGS_SQL = """
       CASE WHEN p.immediate_result THEN 1 ELSE 0 END
       + CASE c.channel WHEN 'online' THEN 2 WHEN 'postal' THEN 4 ELSE 0 END
       + CASE WHEN NOT c.has_phone THEN 0
              WHEN c.id IN (SELECT ct.case_id FROM contact ct WHERE ct.phone_hash IN (
                            SELECT s.phone_hash FROM sample_case s
                            WHERE s.phone_hash IS NOT NULL AND s.issued_at >= {p} AND s.issued_at < {p}
                              AND s.period_id <> {p})) THEN 24
              ELSE 8 END"""
# A case imported after the reference time (a draw's) is not in its frame: the draw can be replayed.
FROM_SQL = """
FROM "case" c
JOIN "procedure" p ON p.id = c.procedure_id
WHERE {period} AND c.created_at <= {p}"""
FRAME_SQL = "SELECT c.id, c.unit_id, COALESCE(p.field, ''), " + FLAGS_SQL + FROM_SQL + "\nORDER BY c.id"
# PostgreSQL groups the ids itself and sends one array per (unit, stratum, flags): far fewer rows
# for the driver and Python to handle than one per case.
GROUPED_SQL = (
    "SELECT c.unit_id, COALESCE(p.field, ''), "
    + FLAGS_SQL
    + " AS flags, array_agg(c.id)"
    + FROM_SQL
    + "\nGROUP BY 1, 2, 3"
)
# Allocation needs only counts: the database groups, nothing per case reaches Python.
COUNT_SQL = "SELECT c.unit_id, '', " + FLAGS_SQL + " AS flags, COUNT(*)" + FROM_SQL + "\nGROUP BY c.unit_id, flags"
# SQLite: the period's ids from the (returned_at, id) index, then the case and contact rows in id
# order (near-sequential, and no sort for ORDER BY) rather than one random seek per case in each.
PERIOD_SQLITE = 'c.id IN (SELECT id FROM "case" WHERE returned_at >= ? AND returned_at < ?)'
PERIOD_POSTGRES = "c.returned_at >= %s AND c.returned_at < %s"


@dataclasses.dataclass
class UnitFrame:
    cases: int = 0
    eligible: int = 0
    excluded: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    # mode -> stratum -> sorted case ids (empty when only counted)
    strata: dict = dataclasses.field(default_factory=lambda: {Modes.PHONE: {}, Modes.F2F: {}})
    in_mode: collections.Counter = dataclasses.field(default_factory=collections.Counter)

    def eligible_in(self, mode):
        return self.in_mode[mode]


def unit_modes(settings):
    """{unit_id: {mode: share}} from each unit's level."""
    levels = dict(UnitLevel.select(UnitLevel.id, UnitLevel.code).tuples())
    return {uid: mode_shares(settings, levels[lid]) for uid, lid in Unit.select(Unit.id, Unit.level).tuples()}


def _query(period, settings, reference_time, template):
    start, end = period.bounds
    since = reference_time - datetime.timedelta(days=settings["repeat_days"])
    if is_postgres():
        sql = template.format(p="%s", period=PERIOD_POSTGRES)
    else:
        sql = template.format(p="?", period=PERIOD_SQLITE)
    return db.execute_sql(sql, (since, reference_time, period.id or 0, start, end, reference_time))


def build_frame(period, settings, reference_time, progress=None, modes=None, recent=None):
    """Read every case returned in the period once; return ({unit_id: UnitFrame}, digest, the ids
    of the cases whose phone counted as recently sampled).

    `modes` ({unit_id: shares}) and `recent` (ids of the cases whose phone counted as recently
    sampled) replay a recorded draw instead of reading today's unit levels and other samples."""
    groups = collections.defaultdict(list)  # (unit_id, stratum, flags) -> case ids
    if is_postgres():
        grouped = _query(period, settings, reference_time, GROUPED_SQL).fetchall()
        if recent is None:
            for unit_id, stratum, flags, ids in grouped:
                groups[unit_id, stratum, flags].extend(ids)
        else:
            _group(((i, u, s, f) for u, s, f, ids in grouped for i in ids), groups, recent)
    else:
        cursor = _query(period, settings, reference_time, FRAME_SQL)
        seen = 0
        while True:
            batch = cursor.fetchmany(20000)
            if not batch:
                break
            _group(batch, groups, recent)
            seen += len(batch)
            if progress:
                progress(seen)
    frames = _apply_rules(groups, settings, modes)
    recent_ids = sorted(i for (_u, _s, flags), ids in groups.items() if flags & RECENT_PHONE for i in ids)
    for frame in frames.values():  # a stratum's ids may come from several groups
        for by_stratum in frame.strata.values():
            for ids in by_stratum.values():
                ids.sort()
    return frames, digest(frames), recent_ids


def _group(rows, groups, recent):
    """Add (case id, unit, stratum, flags) rows to their groups; `recent` replays a recorded draw."""
    if recent is None:
        for case_id, unit_id, stratum, flags in rows:
            groups[unit_id, stratum, flags].append(case_id)
        return
    for case_id, unit_id, stratum, flags in rows:
        flags &= ~RECENT_PHONE
        if case_id in recent and flags & PHONE:
            flags |= RECENT_PHONE
        groups[unit_id, stratum, flags].append(case_id)


def count_frame(period, settings, reference_time):
    """The same frame as `build_frame`, counted by the database: {unit_id: UnitFrame} without ids."""
    groups = {
        (unit_id, stratum, flags): n
        for unit_id, stratum, flags, n in _query(period, settings, reference_time, COUNT_SQL).fetchall()
    }
    return _apply_rules(groups, settings)


def _apply_rules(groups, settings, modes=None):
    """Classify groups of alike cases ((unit, stratum, flags) -> ids or a count), once per group."""
    rules = settings["rules"]
    modes = modes or unit_modes(settings)
    frames = collections.defaultdict(UnitFrame)

    def take(frame, mode, stratum, ids, n):
        frame.in_mode[mode] += n
        if isinstance(ids, list):
            frame.strata[mode].setdefault(stratum, []).extend(ids)

    for (unit_id, stratum, flags), ids in groups.items():
        n = len(ids) if isinstance(ids, list) else ids
        frame = frames[unit_id]
        frame.cases += n
        if flags & IMMEDIATE and rules["immediate"]:
            frame.excluded["immediate"] += n
        elif flags & ONLINE and rules["online"]:
            frame.excluded["online"] += n
        elif flags & POSTAL and rules["postal"]:
            frame.excluded["postal"] += n
        elif flags & RECENT_PHONE and rules["recent_phone"]:
            frame.excluded["recent_phone"] += n
        else:
            shares = modes[unit_id]
            wants_phone = shares.get(Modes.PHONE, 0) > 0
            phone_ok = flags & PHONE or not rules["no_phone"]
            if shares.get(Modes.F2F, 0) > 0:
                take(frame, Modes.F2F, stratum, ids, n)
                frame.eligible += n
                if wants_phone and phone_ok:
                    take(frame, Modes.PHONE, stratum, ids, n)
                elif wants_phone:
                    frame.excluded["no_phone"] += n
            elif phone_ok:
                take(frame, Modes.PHONE, stratum, ids, n)
                frame.eligible += n
            else:
                frame.excluded["no_phone"] += n
    return dict(frames)


def digest(frames):
    """A fingerprint of the frame: which cases, in which unit, mode and stratum."""
    h = hashlib.sha256()
    for unit_id in sorted(frames):
        for mode in Modes.ALL:
            for stratum in sorted(frames[unit_id].strata[mode]):
                h.update(f"{unit_id}|{mode}|{stratum}|".encode())
                h.update(array.array("q", frames[unit_id].strata[mode][stratum]).tobytes())
    return h.hexdigest()

"""The sampling frame of a period: eligible cases per unit, mode and stratum, and exclusions by rule."""

import array
import collections
import dataclasses
import datetime
import hashlib

from models import Modes, Unit, UnitLevel, db, is_postgres, snapshot

from .settings import mode_shares

# One row per case of the period: id, unit, stratum, and what the rules look at as bit flags in one
# integer (fewer values to fetch; the rules then run once per (unit, stratum, flags), not per case).
# A phone sampled recently (RECENT_PHONE) is a phone (PHONE): 24.
IMMEDIATE, ONLINE, POSTAL, PHONE, RECENT_PHONE = 1, 2, 4, 8, 16
IMMEDIATE_SQL = "CASE WHEN p.immediate_result THEN 1 ELSE 0 END"
CASE_FLAGS_SQL = """CASE c.channel WHEN 'online' THEN 2 WHEN 'postal' THEN 4 ELSE 0 END
       + CASE WHEN NOT c.has_phone THEN 0
              WHEN c.id IN (SELECT ct.case_id FROM contact ct WHERE ct.phone_hash IN (
                            SELECT s.phone_hash FROM sample_case s
                            WHERE s.phone_hash IS NOT NULL AND s.issued_at >= {p} AND s.issued_at < {p}
                              AND s.period_id <> {p})) THEN 24
              ELSE 8 END"""
FLAGS_SQL = IMMEDIATE_SQL + " + " + CASE_FLAGS_SQL
# The frame is read unit by unit from the index that covers it (unit_id, returned_at, procedure_id,
# channel, has_phone, created_at and the id: migration 0020), never from the table's rows. A case
# imported after the reference time (a draw's) is not in its frame: the draw can be replayed.
# SQLite: CROSS JOIN keeps the units first (one range of the index per unit).
UNIT_CASES_SQLITE = """
FROM unit u CROSS JOIN "case" c ON c.unit_id = u.id AND c.returned_at >= ? AND c.returned_at < ?
JOIN "procedure" p ON p.id = c.procedure_id
WHERE c.created_at <= ?"""
FRAME_SQLITE = "SELECT c.id, c.unit_id, COALESCE(p.field, ''), " + FLAGS_SQL + UNIT_CASES_SQLITE
# Allocation needs only counts: the database groups, nothing per case reaches Python.
COUNT_SQLITE = (
    "SELECT c.unit_id, '', " + FLAGS_SQL + " AS flags, COUNT(*)" + UNIT_CASES_SQLITE + "\nGROUP BY c.unit_id, flags"
)
# PostgreSQL: a unit's cases grouped by a lateral query on the same index, by procedure and the
# case's own flags (no join per case), then joined with their procedure: one array of ids per group
# (far fewer rows for the driver and Python than one per case), or a count. A (unit, stratum, flags)
# may come in several rows (procedures of one field).
UNIT_CASES_POSTGRES = """
FROM unit u CROSS JOIN LATERAL (
  SELECT c.procedure_id, {flags} AS flags, {aggregate} AS agg
  FROM "case" c
  WHERE c.unit_id = u.id AND c.returned_at >= %s AND c.returned_at < %s AND c.created_at <= %s
  GROUP BY 1, 2) g
JOIN "procedure" p ON p.id = g.procedure_id"""
GROUPED_POSTGRES = (
    "SELECT u.id, COALESCE(p.field, ''), " + IMMEDIATE_SQL + " + g.flags, g.agg" + UNIT_CASES_POSTGRES
).replace("{aggregate}", "array_agg(c.id)")
COUNT_POSTGRES = ("SELECT u.id, '', " + IMMEDIATE_SQL + " + g.flags, g.agg" + UNIT_CASES_POSTGRES).replace(
    "{aggregate}", "COUNT(*)"
)
# PostgreSQL's planner, for these queries only: hash the groups of each unit (it would sort them,
# reckoning that arrays being built do not fit in work_mem) and compile nothing (JIT takes longer
# than it saves here).
PLANNER_POSTGRES = {"enable_sort": "off", "jit": "off"}
FRAME_RANGES = 8  # ranges of units a frame is read in on PostgreSQL, shared out among the connections


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


def _params(period, settings, reference_time):
    start, end = period.bounds
    since = reference_time - datetime.timedelta(days=settings["repeat_days"])
    return (since, reference_time, period.id or 0, start, end, reference_time)


def _postgres_rows(template, params):
    """The rows of a frame query, in batches, with PLANNER_POSTGRES set for it alone: outside a
    transaction, units range by range, read by two connections at once from one snapshot
    (models.snapshot: the per-unit LATERAL query cannot run in parallel workers, and one backend
    would do it all); inside one, as one query, the settings put back after."""
    sql = template.format(p="%s", flags=CASE_FLAGS_SQL.format(p="%s"))
    if snapshot.can_spread():
        # Listed before the snapshot, yet complete: a case counts only if stored by the reference
        # time (taken before), and its unit was stored before it.
        units = [u for (u,) in db.execute_sql('SELECT id FROM "unit" ORDER BY id')]
        ranges = [
            units[i * len(units) // FRAME_RANGES : (i + 1) * len(units) // FRAME_RANGES] for i in range(FRAME_RANGES)
        ]
        by_range = sql + "\nWHERE u.id = ANY(%s)"
        yield from snapshot.spread_reads([(by_range, (*params, ids)) for ids in ranges if ids], PLANNER_POSTGRES)
        return
    names = list(PLANNER_POSTGRES)
    with db.atomic():
        before = db.execute_sql("SELECT " + ", ".join("current_setting(%s)" for _ in names), names).fetchone()
        snapshot.set_local(db.cursor(), PLANNER_POSTGRES)
        rows = db.execute_sql(sql, params).fetchall()
        snapshot.set_local(db.cursor(), dict(zip(names, before)))
    yield rows


def build_frame(period, settings, reference_time, progress=None, modes=None, recent=None):
    """Read every case returned in the period once; return ({unit_id: UnitFrame}, digest, the ids
    of the cases whose phone counted as recently sampled).

    `modes` ({unit_id: shares}) and `recent` (ids of the cases whose phone counted as recently
    sampled) replay a recorded draw instead of reading today's unit levels and other samples."""
    modes = modes or unit_modes(settings)  # read now: the reads below keep the connection busy
    frames, recent_ids = {}, []
    for groups in _frame_groups(period, settings, reference_time, progress, recent):
        # A batch holds whole units: each is classified and sorted while the next batch is read.
        batch = _apply_rules(groups, settings, modes)
        recent_ids.extend(i for (_u, _s, flags), ids in groups.items() if flags & RECENT_PHONE for i in ids)
        for frame in batch.values():  # a stratum's ids may come from several groups
            for by_stratum in frame.strata.values():
                for ids in by_stratum.values():
                    ids.sort()
        frames.update(batch)
    return frames, digest(frames), sorted(recent_ids)


def _frame_groups(period, settings, reference_time, progress, recent):
    """Batches of {(unit_id, stratum, flags): case ids}, each holding every group of its units."""
    params = _params(period, settings, reference_time)
    if is_postgres():
        for grouped in _postgres_rows(GROUPED_POSTGRES, params):
            groups = collections.defaultdict(list)
            if recent is None:
                for unit_id, stratum, flags, ids in grouped:
                    groups[unit_id, stratum, flags].extend(ids)
            else:
                _group(((i, u, s, f) for u, s, f, ids in grouped for i in ids), groups, recent)
            yield groups
        return
    groups = collections.defaultdict(list)
    cursor = db.execute_sql(FRAME_SQLITE.format(p="?"), params)
    seen = 0
    while True:
        batch = cursor.fetchmany(20000)
        if not batch:
            break
        _group(batch, groups, recent)
        seen += len(batch)
        if progress:
            progress(seen)
    yield groups


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
    params = _params(period, settings, reference_time)
    if is_postgres():
        rows = [row for batch in _postgres_rows(COUNT_POSTGRES, params) for row in batch]
    else:
        rows = db.execute_sql(COUNT_SQLITE.format(p="?"), params).fetchall()
    groups = collections.Counter()
    for unit_id, stratum, flags, n in rows:
        groups[unit_id, stratum, flags] += n
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

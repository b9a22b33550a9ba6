"""The sampling frame of a period: eligible cases per unit, mode and stratum, and exclusions by rule."""
import array
import collections
import dataclasses
import datetime
import hashlib

from models import Unit, UnitLevel, db, is_postgres

from .settings import mode_shares

FRAME_SQL = """
SELECT c.id, c.unit_id, COALESCE(p.field, ''), c.channel, p.immediate_result,
       ct.phone_hash IS NOT NULL,
       ct.phone_hash IN (SELECT s.phone_hash FROM sample_case s
                         WHERE s.phone_hash IS NOT NULL AND s.issued_at >= {p} AND s.issued_at < {p}
                           AND s.period_id <> {p})
FROM "case" c
JOIN "procedure" p ON p.id = c.procedure_id
LEFT JOIN contact ct ON ct.case_id = c.id
WHERE c.returned_at >= {p} AND c.returned_at < {p}
ORDER BY c.id
"""


@dataclasses.dataclass
class UnitFrame:
    cases: int = 0
    eligible: int = 0
    excluded: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    # mode -> stratum -> sorted case ids
    strata: dict = dataclasses.field(default_factory=lambda: {"phone": {}, "f2f": {}})

    def eligible_in(self, mode):
        return sum(len(ids) for ids in self.strata[mode].values())


def unit_modes(settings):
    """{unit_id: {mode: share}} from each unit's level."""
    levels = dict(UnitLevel.select(UnitLevel.id, UnitLevel.code).tuples())
    return {uid: mode_shares(settings, levels[lid]) for uid, lid in Unit.select(Unit.id, Unit.level).tuples()}


def build_frame(period, settings, reference_time, progress=None):
    """Read every case returned in the period once; return ({unit_id: UnitFrame}, digest)."""
    rules = settings["rules"]
    start, end = period.bounds
    since = reference_time - datetime.timedelta(days=settings["repeat_days"])
    modes = unit_modes(settings)
    frames = collections.defaultdict(UnitFrame)
    sql = FRAME_SQL.format(p="%s" if is_postgres() else "?")
    cursor = db.execute_sql(sql, (since, reference_time, period.id or 0, start, end))
    seen = 0
    while True:
        rows = cursor.fetchmany(20000)
        if not rows:
            break
        for case_id, unit_id, stratum, channel, immediate, has_phone, recent in rows:
            frame = frames[unit_id]
            frame.cases += 1
            if immediate and rules["immediate"]:
                frame.excluded["immediate"] += 1
            elif channel == "online" and rules["online"]:
                frame.excluded["online"] += 1
            elif channel == "postal" and rules["postal"]:
                frame.excluded["postal"] += 1
            elif recent and rules["recent_phone"]:
                frame.excluded["recent_phone"] += 1
            else:
                shares = modes[unit_id]
                wants_phone = shares.get("phone", 0) > 0
                phone_ok = has_phone or not rules["no_phone"]
                if shares.get("f2f", 0) > 0:
                    frame.strata["f2f"].setdefault(stratum, []).append(case_id)
                    frame.eligible += 1
                    if wants_phone and phone_ok:
                        frame.strata["phone"].setdefault(stratum, []).append(case_id)
                    elif wants_phone:
                        frame.excluded["no_phone"] += 1
                elif phone_ok:
                    frame.strata["phone"].setdefault(stratum, []).append(case_id)
                    frame.eligible += 1
                else:
                    frame.excluded["no_phone"] += 1
        seen += len(rows)
        if progress:
            progress(seen)
    return dict(frames), digest(frames)


def digest(frames):
    """A fingerprint of the frame: which cases, in which unit, mode and stratum."""
    h = hashlib.sha256()
    for unit_id in sorted(frames):
        for mode in ("phone", "f2f"):
            for stratum in sorted(frames[unit_id].strata[mode]):
                h.update(f"{unit_id}|{mode}|{stratum}|".encode())
                h.update(array.array("q", frames[unit_id].strata[mode][stratum]).tobytes())
    return h.hexdigest()

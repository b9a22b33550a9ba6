"""Assignment of issued sample to enumerators: balanced automatically, moved by hand, with history."""
import collections
import heapq

from peewee import JOIN, fn

from models import (Assignment, AssignmentEvent, EnumeratorProfile, EnumeratorUnit, SampleCase, User, audit,
                    db, now)
from models.bulk import insert_rows, reserve_ids

from .service import SamplingError

ASSIGNMENT_COLUMNS = ("id", "sample_id", "enumerator_id", "status", "outcome", "created_at", "updated_at")
EVENT_COLUMNS = ("id", "assignment_id", "action", "from_user_id", "to_user_id", "actor", "reason", "at")


def enumerators():
    """{user_id: (username, works by phone, works face to face, available, {unit ids covered})}."""
    profiles = {p.user_id: p for p in EnumeratorProfile.select()}
    covered = collections.defaultdict(set)
    for user_id, unit_id in EnumeratorUnit.select(EnumeratorUnit.user, EnumeratorUnit.unit).tuples():
        covered[user_id].add(unit_id)
    out = {}
    for user in User.select().where((User.role == "enumerator") & (User.active == True)):  # noqa: E712
        p = profiles.get(user.id)
        out[user.id] = (user.username, p.phone if p else True, p.f2f if p else False,
                        p.available if p else True, covered[user.id])
    return out


def open_load():
    return collections.Counter(dict(Assignment.select(Assignment.enumerator, fn.COUNT(Assignment.id))
                                    .where(Assignment.status == "open").group_by(Assignment.enumerator).tuples()))


def _pick(candidates, load, people):
    """The candidate with the least open work; ties by username."""
    return min(candidates, key=lambda uid: (load[uid], people[uid][0]))


def assign_period(period, progress=None):
    """Give every issued, unassigned case of the period to the least-loaded suitable enumerator."""
    people = {uid: p for uid, p in enumerators().items() if p[3]}
    load = open_load()
    pending = list(SampleCase.select(SampleCase.id, SampleCase.unit, SampleCase.mode)
                   .join(Assignment, JOIN.LEFT_OUTER, on=(Assignment.sample == SampleCase.id))
                   .where((SampleCase.period == period) & (SampleCase.status == "issued") & Assignment.id.is_null())
                   .order_by(SampleCase.unit, SampleCase.mode, SampleCase.rank).tuples())
    phone_heap = [(load[uid], p[0], uid) for uid, p in people.items() if p[1]]
    heapq.heapify(phone_heap)
    by_unit = collections.defaultdict(list)
    for uid, p in people.items():
        if p[2]:
            for unit_id in p[4]:
                by_unit[unit_id].append(uid)
    pairs, unassigned = [], 0
    for sample_id, unit_id, mode in pending:
        if mode == "phone" and phone_heap:
            _load, name, uid = heapq.heappop(phone_heap)
            load[uid] += 1
            heapq.heappush(phone_heap, (load[uid], name, uid))
        elif mode == "f2f" and by_unit.get(unit_id):
            uid = _pick(by_unit[unit_id], load, people)
            load[uid] += 1
        else:
            unassigned += 1
            continue
        pairs.append((sample_id, uid))
    _create(pairs, "assigned")
    if progress:
        progress(1.0, None)
    return len(pairs), unassigned


def _create(pairs, action):
    if not pairs:
        return
    actor = audit.current_actor()[0]
    stamp = now()
    with db.atomic():
        ids = reserve_ids(Assignment, len(pairs))
        rows = [(i, s, u, "open", None, stamp, stamp) for i, (s, u) in zip(ids, pairs)]
        insert_rows(Assignment._meta.table_name, ASSIGNMENT_COLUMNS, rows)
        event_ids = reserve_ids(AssignmentEvent, len(rows))
        events = [(e, r[0], action, None, r[2], actor, None, stamp) for e, r in zip(event_ids, rows)]
        insert_rows(AssignmentEvent._meta.table_name, EVENT_COLUMNS, events)
        audit.record_many([("create", "assignment", str(r[0]), None,
                            {"sample_id": r[1], "enumerator_id": r[2], "status": "open"}) for r in rows]
                          + [("create", "assignment_event", str(e[0]), None,
                              {"assignment_id": e[1], "action": action, "to_user_id": e[4]}) for e in events])


def _suitable(uid, people, sample):
    p = people.get(uid)
    if p is None:
        return False
    return p[1] if sample.mode == "phone" else (p[2] and sample.unit_id in p[4])


def reassign(assignment_ids, to_user_id, reason=None):
    """Move open assignments to another enumerator who works in their mode (and unit, face to face)."""
    people = enumerators()
    if to_user_id not in people:
        raise SamplingError("not_enumerator")
    if not people[to_user_id][3]:
        raise SamplingError("unavailable")
    moved = 0
    with db.atomic():
        for a in (Assignment.select(Assignment, SampleCase).join(SampleCase)
                  .where(Assignment.id.in_(list(assignment_ids)))):
            if a.status != "open" or a.enumerator_id == to_user_id:
                continue
            if not _suitable(to_user_id, people, a.sample):
                raise SamplingError("unsuitable")
            _move(a, to_user_id, "reassigned", reason)
            moved += 1
    return moved


def _move(a, to_user_id, action, reason):
    before = a.enumerator_id
    a.enumerator = to_user_id
    a.updated_at = now()
    a.save()
    AssignmentEvent.create(assignment=a, action=action, from_user=before, to_user=to_user_id,
                           actor=audit.current_actor()[0], reason=reason)


def move_open_work(from_user_id, reason=None):
    """Spread an absent enumerator's open assignments over suitable colleagues, least loaded first."""
    people = {uid: p for uid, p in enumerators().items() if p[3] and uid != from_user_id}
    load = open_load()
    moved, stuck = 0, 0
    with db.atomic():
        for a in (Assignment.select(Assignment, SampleCase).join(SampleCase)
                  .where((Assignment.enumerator == from_user_id) & (Assignment.status == "open"))
                  .order_by(Assignment.id)):
            candidates = [uid for uid in people if _suitable(uid, people, a.sample)]
            if not candidates:
                stuck += 1
                continue
            uid = _pick(candidates, load, people)
            load[uid] += 1
            _move(a, uid, "reassigned", reason)
            moved += 1
    return moved, stuck

"""Assignment of issued sample to enumerators: balanced automatically, moved by hand, with history."""

import collections
import heapq

from peewee import JOIN

from fieldwork import enumerators, set_available
from models import (
    Assignment,
    AssignmentActions,
    AssignmentEvent,
    AssignmentStatus,
    Modes,
    SampleCase,
    SampleStatus,
    audit,
    db,
    now,
)
from models.audited import insert_rows
from models.bulk import reserve_ids

from .service import SamplingError

ASSIGNMENT_COLUMNS = ("id", "sample_id", "enumerator_id", "status", "outcome", "created_at", "updated_at")
EVENT_COLUMNS = ("id", "assignment_id", "action", "from_user_id", "to_user_id", "actor", "reason", "at")


def _pick(candidates, load, people):
    """The candidate with the least open work; ties by username."""
    return min(candidates, key=lambda uid: (load[uid], people[uid].username))


def assign_period(period, progress=None):
    """Give every issued, unassigned case of the period to the least-loaded suitable enumerator."""
    people = {uid: p for uid, p in enumerators().items() if p.available}
    load = collections.Counter(Assignment.open_load())
    pending = list(
        SampleCase.select(SampleCase.id, SampleCase.unit, SampleCase.mode)
        .join(Assignment, JOIN.LEFT_OUTER, on=(Assignment.sample == SampleCase.id))
        .where((SampleCase.period == period) & (SampleCase.status == SampleStatus.ISSUED) & Assignment.id.is_null())
        .order_by(SampleCase.unit, SampleCase.mode, SampleCase.rank)
        .tuples()
    )
    phone_heap = [(load[uid], p.username, uid) for uid, p in people.items() if p.phone]
    heapq.heapify(phone_heap)
    by_unit = collections.defaultdict(list)
    for uid, p in people.items():
        if p.f2f:
            for unit_id in p.units:
                by_unit[unit_id].append(uid)
    pairs, unassigned = [], 0
    for sample_id, unit_id, mode in pending:
        if mode == Modes.PHONE and phone_heap:
            _load, name, uid = heapq.heappop(phone_heap)
            load[uid] += 1
            heapq.heappush(phone_heap, (load[uid], name, uid))
        elif mode == Modes.F2F and by_unit.get(unit_id):
            uid = _pick(by_unit[unit_id], load, people)
            load[uid] += 1
        else:
            unassigned += 1
            continue
        pairs.append((sample_id, uid))
    _create(pairs, AssignmentActions.ASSIGNED)
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
        rows = [(i, s, u, AssignmentStatus.OPEN, None, stamp, stamp) for i, (s, u) in zip(ids, pairs)]
        insert_rows(Assignment, ASSIGNMENT_COLUMNS, rows)
        event_ids = reserve_ids(AssignmentEvent, len(rows))
        insert_rows(
            AssignmentEvent,
            EVENT_COLUMNS,
            [(e, r[0], action, None, r[2], actor, None, stamp) for e, r in zip(event_ids, rows)],
        )


def reassign(assignment_ids, to_user_id, reason=None):
    """Move open assignments to another enumerator who works in their mode (and unit, face to face)."""
    people = enumerators()
    target = people.get(to_user_id)
    if target is None:
        raise SamplingError("not_enumerator")
    if not target.available:
        raise SamplingError("unavailable")
    moved = 0
    with db.atomic():
        for a in (
            Assignment.select(Assignment, SampleCase).join(SampleCase).where(Assignment.id.in_(list(assignment_ids)))
        ):
            if a.status != AssignmentStatus.OPEN or a.enumerator_id == to_user_id:
                continue
            if not target.suits(a.sample.mode, a.sample.unit_id):
                raise SamplingError("unsuitable")
            _move(a, to_user_id, AssignmentActions.REASSIGNED, reason)
            moved += 1
    return moved


def _move(a, to_user_id, action, reason):
    before = a.enumerator_id
    a.enumerator = to_user_id
    a.updated_at = now()
    a.save()
    AssignmentEvent.create(
        assignment=a, action=action, from_user=before, to_user=to_user_id, actor=audit.current_actor()[0], reason=reason
    )


def move_open_work(from_user_id, reason=None):
    """Mark the enumerator absent (no new work until marked back) and spread their open assignments
    over suitable colleagues, least loaded first."""
    people = {uid: p for uid, p in enumerators().items() if p.available and uid != from_user_id}
    load = collections.Counter(Assignment.open_load())
    moved, stuck = 0, 0
    with db.atomic():
        set_available(from_user_id, False)
        for a in (
            Assignment.select(Assignment, SampleCase)
            .join(SampleCase)
            .where((Assignment.enumerator == from_user_id) & (Assignment.status == AssignmentStatus.OPEN))
            .order_by(Assignment.id)
        ):
            candidates = [uid for uid, p in people.items() if p.suits(a.sample.mode, a.sample.unit_id)]
            if not candidates:
                stuck += 1
                continue
            uid = _pick(candidates, load, people)
            load[uid] += 1
            _move(a, uid, AssignmentActions.REASSIGNED, reason)
            moved += 1
    return moved, stuck

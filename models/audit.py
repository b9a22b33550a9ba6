"""The append-only, hash-chained audit trail."""
import collections
import contextlib
import contextvars
import datetime
import getpass
import hashlib
import json

from peewee import BigIntegerField, CharField, DateTimeField, TextField

from .base import BaseModel, db, is_postgres, now
from .bulk import insert_rows

REDACTED = "[redacted]"
GENESIS = "0" * 64
CHAIN_LOCK = 7_301_001  # PostgreSQL advisory lock key serialising writers of the chain

_actor = contextvars.ContextVar("audit_actor", default=None)


class AuditRecord(BaseModel):
    seq = BigIntegerField(unique=True)
    at = DateTimeField()
    actor = CharField(max_length=200)
    role = CharField(max_length=32)
    source = CharField(max_length=16)  # web, cli, job
    action = CharField(max_length=32)  # create, update, delete, login, …
    model = CharField(max_length=64)
    object_id = CharField(max_length=200, null=True)
    before = TextField(null=True)
    after = TextField(null=True)
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64)

    def compute_hash(self):
        return chain_hash(self.seq, self.at, self.actor, self.role, self.source, self.action,
                          self.model, self.object_id, self.before, self.after, self.prev_hash)


# Encoders made once (json.dumps would make one per call); same output as json.dumps
_canonical = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode


def _hash(fields):
    return hashlib.sha256(_canonical(fields).encode()).hexdigest()


def chain_hash(seq, at, actor, role, source, action, model, object_id, before, after, prev_hash):
    return _hash([seq, at.isoformat(timespec="microseconds"), actor, role, source, action, model,
                  object_id, before, after, prev_hash])


@contextlib.contextmanager
def acting_as(actor, role, source):
    """Attribute the audit records written inside the block to this actor."""
    token = _actor.set((actor, role, source))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    explicit = _actor.get()
    if explicit:
        return explicit
    try:
        from flask import has_request_context
        from flask_login import current_user
        if has_request_context() and current_user.is_authenticated:
            return (current_user.username, current_user.role_id, "web")
        if has_request_context():
            return ("anonymous", "anonymous", "web")
    except ImportError:  # pragma: no cover
        pass
    return (f"cli:{getpass.getuser()}", "system", "cli")


def _value(v):
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if isinstance(v, (bytes, memoryview)):
        return REDACTED
    return v


def snapshot(instance):
    """The audited state of a model instance: every column, personal data redacted."""
    redacted = set(getattr(instance, "audit_redacted", ()))
    out = {}
    for name, field in instance._meta.fields.items():
        value = instance.__data__.get(name)
        if name in redacted:
            out[field.column_name] = None if value is None else REDACTED
        else:
            out[field.column_name] = _value(value)
    return out


def dump(state):
    return None if state is None else _dump(state)


def _lock_chain():
    if not db.in_transaction():
        raise RuntimeError("Audit records must be written inside the transaction of the change")
    if is_postgres():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    last = AuditRecord.select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def build_records(entries, head):
    """Chain (action, model, object_id, before, after) entries after `head` = (seq, hash)."""
    return list(_chain(entries, head, current_actor(), now()))


def _chain(entries, head, actor, at):
    actor, role, source = actor
    at_text = at.isoformat(timespec="microseconds")
    seq, prev = head
    for action, model, object_id, before, after in entries:
        seq += 1
        b, a = dump(before), dump(after)
        h = _hash([seq, at_text, actor, role, source, action, model, object_id, b, a, prev])
        yield (seq, at, actor, role, source, action, model, object_id, b, a, prev, h)
        prev = h


AUDIT_COLUMNS = ("seq", "at", "actor", "role", "source", "action", "model", "object_id",
                 "before", "after", "prev_hash", "hash")


def record_many(entries):
    """Append entries to the chain; call inside the transaction that makes the change."""
    entries = list(entries)
    if not entries:
        return []
    head = _lock_chain()
    records = _chain(entries, head, current_actor(), now())  # no query from here: made while sent
    rows = []

    def chained():
        for row in records:
            rows.append(row)
            yield row
    insert_rows(AuditRecord._meta.table_name, AUDIT_COLUMNS, chained())
    return rows


def record(action, instance, before, after):
    model = instance._meta.table_name
    object_id = None if instance._pk is None else str(instance._pk)
    return record_many([(action, model, object_id, before, after)])


def record_event(action, model, object_id=None, detail=None):
    """An audited event that is not a row change (an import run, a lock-out, …)."""
    with db.atomic():
        return record_many([(action, model, object_id, None, detail)])


Problem = collections.namedtuple("Problem", "kind seq other")  # kind: missing, unlinked, altered


def verify(batch=5000):
    """Walk the chain; return (ok, count of good records, the first Problem or None)."""
    prev_seq, prev_hash, count = 0, GENESIS, 0
    last_seq = 0
    while True:
        chunk = list(AuditRecord.select().where(AuditRecord.seq > last_seq)
                     .order_by(AuditRecord.seq).limit(batch))
        if not chunk:
            return True, count, None
        for rec in chunk:
            if rec.seq != prev_seq + 1:
                return False, count, Problem("missing", prev_seq + 1, rec.seq)
            if rec.prev_hash != prev_hash:
                return False, count, Problem("unlinked", rec.seq, prev_seq)
            if rec.compute_hash() != rec.hash:
                return False, count, Problem("altered", rec.seq, None)
            prev_seq, prev_hash = rec.seq, rec.hash
            count += 1
        last_seq = prev_seq

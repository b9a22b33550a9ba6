"""The append-only, hash-chained audit trail."""

import collections
import contextlib
import contextvars
import datetime
import functools
import getpass
import hashlib
import json
import operator

from peewee import SQL, BigIntegerField, CharField, DateTimeField, TextField, fn

from .base import BaseModel, db, is_postgres, now
from .bulk import csv_field, insert_rows
from .vocabulary import PersonalDataViews

REDACTED = "[redacted]"
GENESIS = "0" * 64
CHAIN_LOCK = 7_301_001  # PostgreSQL advisory lock key serialising writers of the chain

_actor = contextvars.ContextVar("audit_actor", default=None)
_resolvers = []  # callables returning (actor, role, source) or None: the web host adds the signed-in user


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

    # An enumerator shown a case's phone (fieldwork.contacts): a record of the contact, found through
    # its own partial index (migration 0019), the condition written as the index's
    REVEAL_PHONE = PersonalDataViews.REVEAL_PHONE
    REVEAL_WHERE = "action = 'reveal_phone'"
    # The tables whose records the (model, object_id) index leaves out (migration 0006): the bulk ones
    UNINDEXED = ("case", "contact")
    INDEXED_WHERE = "model NOT IN ('case', 'contact')"  # the index's condition, written as migration 0006 does

    # The condition of the partial index of personal-data views (migration 0017), repeated by the query
    # so that both databases use it; a test checks it names PersonalDataViews.ALL
    VIEWS_WHERE = "action IN (" + ", ".join(f"'{a}'" for a in PersonalDataViews.ALL) + ")"

    @classmethod
    def personal_data_views(cls):
        """The records of a person seeing personal data (PersonalDataViews), found by their index."""
        return cls.select().where(SQL(cls.VIEWS_WHERE))

    @classmethod
    def of_objects(cls, objects):
        """The records of these objects (unordered: an ORDER BY seq would lead SQLite to walk the whole
        trail in seq order): `objects` is {table: [ids]}, tables outside UNINDEXED (the partial index's
        own condition is repeated so that both databases use it)."""
        if set(objects) & set(cls.UNINDEXED):
            raise ValueError(f"no index serves the records of {sorted(set(objects) & set(cls.UNINDEXED))}")
        clauses = [(cls.model == t) & cls.object_id.in_([str(i) for i in ids]) for t, ids in objects.items() if ids]
        if not clauses:
            return cls.select().where(cls.id.is_null())  # nothing
        return cls.select().where(SQL(cls.INDEXED_WHERE) & functools.reduce(operator.or_, clauses))

    @classmethod
    def phone_revealed(cls, case_column):
        """EXISTS: the phone of the case in `case_column` (an outer query's column) was shown to someone."""
        return fn.EXISTS(
            cls.select(SQL("1")).where(
                SQL(cls.REVEAL_WHERE) & (cls.model == "contact") & (cls.object_id == case_column.cast("VARCHAR"))
            )
        )

    def compute_hash(self):
        return chain_hash(
            self.seq,
            self.at,
            self.actor,
            self.role,
            self.source,
            self.action,
            self.model,
            self.object_id,
            self.before,
            self.after,
            self.prev_hash,
        )


# Encoders made once (json.dumps would make one per call); same output as json.dumps
_canonical = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode


_string = json.encoder.encode_basestring  # what the canonical encoder (ensure_ascii=False) uses


def _hash(fields):
    return hashlib.sha256(_canonical(fields).encode()).hexdigest()


def chain_hash(seq, at, actor, role, source, action, model, object_id, before, after, prev_hash):
    return _hash(
        [
            seq,
            at.isoformat(timespec="microseconds"),
            actor,
            role,
            source,
            action,
            model,
            object_id,
            before,
            after,
            prev_hash,
        ]
    )


@contextlib.contextmanager
def acting_as(actor, role, source):
    """Attribute the audit records written inside the block to this actor."""
    token = _actor.set((actor, role, source))
    try:
        yield
    finally:
        _actor.reset(token)


def add_actor_resolver(resolver):
    """Register a callable that names the actor when no `acting_as` block does (e.g. the signed-in user)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def current_actor():
    """(actor, role, source) of the records written now: `acting_as`, else a resolver, else the OS user."""
    explicit = _actor.get()
    if explicit:
        return explicit
    for resolver in _resolvers:
        found = resolver()
        if found:
            return found
    return (f"cli:{getpass.getuser()}", "system", "cli")


def audit_value(v):
    """A value as the audit trail stores it (dates and times as the database's text, bytes redacted)."""
    if isinstance(v, (datetime.datetime, datetime.date)):
        return str(v)
    if isinstance(v, (bytes, memoryview)):
        return REDACTED
    return v


def dump(state):
    """The JSON text of an audited state (a dict), as stored; text given is taken as already encoded."""
    if state is None or isinstance(state, str):
        return state
    return _dump(state)


def state_encoder(columns, redacted):
    """A function: a tuple of values in `columns` order -> the JSON text that `dump` writes of their
    audited state (`redacted` columns hidden), made without the dict and the general encoder, because
    bulk writes run it once per row (a test checks it gives the same text as `dump`)."""
    plan = [(_string(c) + ": ", i, c in redacted) for i, c in sorted(enumerate(columns), key=lambda ic: ic[1])]
    hidden_text = _string(REDACTED)
    string, stamp = _string, datetime.datetime

    def encode(values):
        parts = []
        add = parts.append
        for prefix, i, hidden in plan:
            v = values[i]
            t = type(v)
            if v is None:
                add(prefix + "null")
            elif hidden:
                add(prefix + hidden_text)
            elif t is str:
                add(prefix + string(v))
            elif t is int:
                add(prefix + int.__repr__(v))
            elif t is bool:
                add(prefix + ("true" if v else "false"))
            elif t is stamp:
                add(prefix + '"' + str(v) + '"')
            else:
                add(prefix + _dump(audit_value(v)))
        return "{" + ", ".join(parts) + "}"

    return encode


def _lock_chain():
    if not db.in_transaction():
        raise RuntimeError("Audit records must be written inside the transaction of the change")
    if is_postgres():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    return head()


def build_records(entries, head):
    """Chain (action, model, object_id, before, after) entries after `head` = (seq, hash)."""
    return list(_chain(entries, head, current_actor(), now()))


def _chain(entries, head, actor, at):
    """The records of `entries`, chained after `head`. The hashed text is the canonical JSON of
    `chain_hash`'s list, assembled from pieces (the same bytes, a test checks it), because this
    runs once per written row."""
    actor, role, source = actor
    at_text = at.isoformat(timespec="microseconds")
    constant = "," + ",".join(map(_string, (at_text, actor, role, source))) + ","
    names = {}
    seq, prev = head
    sha256, string, encode = hashlib.sha256, _string, _dump
    for action, model, object_id, before, after in entries:
        seq += 1
        # dump() and _text() inlined: this loop runs once per written row
        b = before if before is None or type(before) is str else encode(before)
        a = after if after is None or type(after) is str else encode(after)
        key = (action, model)
        if key not in names:
            names[key] = string(action) + "," + string(model) + ","
        text = (
            f"[{seq}{constant}{names[key]}{'null' if object_id is None else string(object_id)},"
            f"{'null' if b is None else string(b)},{'null' if a is None else string(a)},{string(prev)}]"
        )
        h = sha256(text.encode()).hexdigest()
        yield (seq, at, actor, role, source, action, model, object_id, b, a, prev, h)
        prev = h


AUDIT_COLUMNS = (
    "seq",
    "at",
    "actor",
    "role",
    "source",
    "action",
    "model",
    "object_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)


def head():
    """The chain's last (seq, hash), as committed."""
    last = AuditRecord.select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


class Prechained:
    """Audit records chained ahead of their transaction from an expected head (the hashing is done
    before, and outside, the transaction); `append` checks the head under the chain's lock and chains
    them again from the real head when another writer came in between."""

    def __init__(self, entries, expected_head):
        self.entries = list(entries)
        self.actor, self.at, self.head = current_actor(), now(), expected_head
        self.records = list(_chain(self.entries, expected_head, self.actor, self.at))

    @property
    def tail(self):
        """The head the chain will have after these records, if written as chained."""
        return (self.records[-1][0], self.records[-1][-1]) if self.records else self.head

    def append(self):
        """Write the records; call inside the transaction that makes the change."""
        if not self.entries:
            return
        actual = _lock_chain()
        if actual != self.head:
            self.records = list(_chain(self.entries, actual, self.actor, self.at))
        insert_rows(AuditRecord, AUDIT_COLUMNS, self.records, line=record_line())


def record_line():
    """A function: a chained record -> its COPY line, the same text as `models.bulk.copy_line` makes
    (a test checks it) in half the time: the fields shared by a write's records (time, actor,
    action, model) are written once, the texts quoted without a look at their type."""
    shared, names = {}, {}
    field = csv_field

    def text(value):
        return ('"' + value.replace('"', '""') + '"' if value else "") if type(value) is str else field(value)

    def line(record):
        seq, at, actor, role, source, action, model, object_id, before, after, prev, h = record
        head = shared.get((at, actor, role, source))
        if head is None:
            head = shared[at, actor, role, source] = "," + ",".join(map(field, (at, actor, role, source))) + ","
        name = names.get((action, model))
        if name is None:
            name = names[action, model] = field(action) + "," + field(model) + ","
        return f"{field(seq)}{head}{name}{text(object_id)},{text(before)},{text(after)},{text(prev)},{text(h)}\n"

    return line


FEW_RECORDS = 20  # at most this many records are sent as one INSERT on PostgreSQL (COPY takes an exchange more)


def _insert_few(rows):
    """A few records as one INSERT … VALUES (one round trip, where COPY takes two)."""
    cols = ", ".join(f'"{c}"' for c in AUDIT_COLUMNS)
    marks = ", ".join(["(" + ", ".join(["%s"] * len(AUDIT_COLUMNS)) + ")"] * len(rows))
    values = [v for row in rows for v in row]
    db.execute_sql(f'INSERT INTO "{AuditRecord._meta.table_name}" ({cols}) VALUES {marks}', values)


def record_many(entries):
    """Append entries to the chain; call inside the transaction that makes the change."""
    entries = list(entries)
    if not entries:
        return []
    head = _lock_chain()
    if len(entries) <= FEW_RECORDS and is_postgres():
        rows = list(_chain(entries, head, current_actor(), now()))
        _insert_few(rows)
        return rows
    records = _chain(entries, head, current_actor(), now())  # no query from here: made while sent
    rows = []

    def chained():
        for row in records:
            rows.append(row)
            yield row

    insert_rows(AuditRecord, AUDIT_COLUMNS, chained(), line=record_line())
    return rows


def record_event(action, model, object_id=None, detail=None):
    """An audited event that is not a row change (an import run, a lock-out, …)."""
    object_id = None if object_id is None else str(object_id)
    with db.atomic():
        return record_many([(action, model, object_id, None, detail)])


Problem = collections.namedtuple("Problem", "kind seq other")  # kind: missing, unlinked, altered


def verify(batch=5000, progress=None):
    """Walk the chain; return (ok, count of good records, the first Problem or None). `progress`, if
    given, is called with the share of the chain walked after each batch."""
    prev_seq, prev_hash, count = 0, GENESIS, 0
    last_seq = 0
    top = AuditRecord.select(AuditRecord.seq).order_by(AuditRecord.seq.desc()).scalar() or 0 if progress else 0
    while True:
        if progress and top:
            progress(min(last_seq / top, 1.0))
        chunk = list(AuditRecord.select().where(AuditRecord.seq > last_seq).order_by(AuditRecord.seq).limit(batch))
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

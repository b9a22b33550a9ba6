"""Audited writes as one mechanism: every write to an audited table goes through here and writes
its audit records, built from the model's own columns and redacted fields, in the same transaction.

Audited models refuse peewee's query-level writes (`insert`, `insert_many`, `update`, `delete`, …)
and `models.bulk.insert_rows` with UnauditedWrite; only `save()`, `delete_instance()` and the
functions below write them."""

import datetime

from . import audit, bulk
from .base import BaseModel, audited_write, check_write, db, joined_transaction, now

AUDIT_BATCH = 5000  # audit records made and written at a time, bounding memory


def _columns_of(model, names):
    """Column names of field names (or column names) of `model`."""
    fields, columns = model._meta.fields, model._meta.columns
    return [fields[n].column_name if n in fields else columns[n].column_name for n in names]


def _snapshotter(model, columns):
    """A function: a tuple of values in `columns` order -> the audited state (personal data redacted)."""
    redacted = model.redacted_columns()
    plan = tuple((c, c in redacted) for c in columns)
    plain = (str, int, float, bool, type(None))
    value = audit.audit_value
    stamp, redact = datetime.datetime, audit.REDACTED

    def snap(values):  # the hot path of bulk writes: types checked inline
        out = {}
        for (c, hidden), v in zip(plan, values):
            if hidden:
                out[c] = None if v is None else redact
            elif type(v) in plain:
                out[c] = v
            elif type(v) is stamp:
                out[c] = str(v)
            else:
                out[c] = value(v)
        return out

    return snap


def _state_of(model, data):
    """The audited state of a row's data (field name -> value): every column, personal data redacted."""
    fields = model._meta.sorted_fields
    return _snapshotter(model, [f.column_name for f in fields])([data.get(f.name) for f in fields])


def _record_batches(entries):
    batch = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= AUDIT_BATCH:
            audit.record_many(batch)
            batch = []
    audit.record_many(batch)


class AuditedModel(BaseModel):
    """A model whose every write leaves an audit record in the same transaction."""

    audited = True
    audit_redacted = ()  # field names whose values never reach the audit trail
    audit_ignored = ("updated_at",)  # written, but neither compared nor recorded

    @classmethod
    def redacted_columns(cls):
        return {cls._meta.fields[n].column_name for n in cls.audit_redacted}

    # Query-level writes bypass the trail: refused outside the audited-write API.
    @classmethod
    def insert(cls, *args, **kwargs):
        check_write(cls)
        return super().insert(*args, **kwargs)

    @classmethod
    def insert_many(cls, *args, **kwargs):
        check_write(cls)
        return super().insert_many(*args, **kwargs)

    @classmethod
    def insert_from(cls, *args, **kwargs):
        check_write(cls)
        return super().insert_from(*args, **kwargs)

    @classmethod
    def replace(cls, *args, **kwargs):
        check_write(cls)
        return super().replace(*args, **kwargs)

    @classmethod
    def replace_many(cls, *args, **kwargs):
        check_write(cls)
        return super().replace_many(*args, **kwargs)

    @classmethod
    def update(cls, *args, **kwargs):
        check_write(cls)
        return super().update(*args, **kwargs)

    @classmethod
    def delete(cls):
        check_write(cls)
        return super().delete()

    def audit_snapshot(self):
        """The audited state of this row: every column, personal data redacted."""
        return _state_of(type(self), self.__data__)

    @classmethod
    def locked(cls, pk, query=None):
        """As BaseModel.locked; the row is also held as read, so that saving it in this transaction
        does not read it again to know what changed."""
        row = super().locked(pk, query)
        db.hold_row(cls, row._pk, row.__data__)
        return row

    def save(self, force_insert=False, only=None):
        model = type(self)
        pk = self._pk
        creating = force_insert or pk is None
        with joined_transaction(), audited_write():
            old = None
            if not creating:
                old = db.held_row(model, pk)  # the row as this transaction locked it, if it did
                if old is None:
                    stored = model.get_or_none(model._meta.primary_key == pk)
                    old = None if stored is None else stored.__data__
                creating = force_insert = old is None
            if not creating:
                changed = [
                    n for n in self._meta.fields if n not in self.audit_ignored and old.get(n) != self.__data__.get(n)
                ]
                if not changed:
                    return 0
            if "updated_at" in self._meta.fields:
                self.updated_at = now()
            if not creating:
                db.forget_row(model, pk)  # written: what was read no longer is the row
            result = super().save(force_insert=force_insert, only=only)
            table = self._meta.table_name
            if creating:
                audit.record_many([("create", table, str(self._pk), None, self.audit_snapshot())])
            else:
                columns = {self._meta.fields[n].column_name for n in changed}
                before = {k: v for k, v in _state_of(model, old).items() if k in columns}
                after = {k: v for k, v in self.audit_snapshot().items() if k in columns}
                audit.record_many([("update", table, str(self._pk), before, after)])
        return result

    def delete_instance(self, recursive=False, delete_nullable=False):
        if recursive:
            raise ValueError("Recursive deletes are not audited; delete dependants first")
        with joined_transaction(), audited_write():
            before = self.audit_snapshot()
            db.forget_rows()  # a delete may cascade to rows held
            result = super().delete_instance()
            audit.record_many([("delete", self._meta.table_name, str(self._pk), before, None)])
        return result


class RowPreparer:
    """For one model and its columns (the primary key among them): a row as the database takes it and
    its "create" audit state, made ahead of the write (by an import's helper process, say)."""

    def __init__(self, model, columns):
        self.model, self.columns = model, tuple(columns)
        self._pk = self.columns.index(model._meta.primary_key.column_name)
        self._state = audit.state_encoder(_columns_of(model, self.columns), model.redacted_columns())
        self._encode = bulk.row_encoder()

    def __call__(self, row):
        """(primary key as text, the row encoded for the database, its audit state as JSON text)."""
        return (str(row[self._pk]), self._encode(row), self._state(row))


class PreparedInsert:
    """Rows of one model with their "create" audit entries, made ahead of the transaction that writes
    them (see `prepare_write`)."""

    def __init__(self, preparer, items):
        self.model, self.columns = preparer.model, preparer.columns
        table = self.model._meta.table_name
        self.entries = [("create", table, pk, None, state) for pk, _row, state in items]
        self.rows = bulk.Encoded.of_encoded([row for _pk, row, _state in items])


def prepare_insert(model, columns, rows):
    """Rows (tuples of `columns`, the primary key among them; see bulk.reserve_ids) to insert later."""
    preparer = RowPreparer(model, columns)
    return PreparedInsert(preparer, [preparer(r) for r in rows])


def prepared_insert(preparer, items):
    """Items made by a RowPreparer (`preparer(row)`), to insert later."""
    return PreparedInsert(preparer, items)


class PreparedWrite:
    """Inserts prepared together with their audit records, chained ahead from `expected_head` (the
    committed chain's head, or the `tail` of the write prepared before this one)."""

    def __init__(self, inserts, expected_head):
        self.inserts = inserts
        self.audit = audit.Prechained([e for p in inserts for e in p.entries], expected_head)

    @property
    def tail(self):
        return self.audit.tail

    def write(self):
        """Insert the rows and their audit records, in one transaction (the caller's, if any)."""
        with db.atomic(), audited_write():
            for p in self.inserts:
                bulk.insert_rows(p.model, p.columns, p.rows)
            self.audit.append()


def prepare_write(*inserts, expected_head=None):
    """A PreparedWrite of these inserts; the chain's committed head is read when none is expected."""
    return PreparedWrite(inserts, expected_head or audit.head())


def insert_rows(model, columns, rows):
    """Insert tuples of `columns` (the primary key among them; see bulk.reserve_ids) and a "create"
    audit record per row, in one transaction. `rows` may be an iterator: consumed as it is sent."""
    pk = columns.index(model._meta.primary_key.column_name)
    encode = audit.state_encoder(_columns_of(model, columns), model.redacted_columns())
    table = model._meta.table_name
    sent = []

    def keep(source):
        for row in source:
            sent.append(row)
            yield row

    with db.atomic(), audited_write():
        bulk.insert_rows(model, columns, keep(rows))
        _record_batches(("create", table, str(r[pk]), None, encode(r)) for r in sent)
    return len(sent)


def update_rows(model, changes):
    """Apply `changes`, an iterable of (primary key, {field: value before}, {field: value after}):
    one UPDATE per row of the fields whose value differs, and an "update" audit record of them.
    Returns the number of rows changed."""
    pk_field = model._meta.primary_key
    table = model._meta.table_name
    fields = model._meta.fields
    ignored = set(model.audit_ignored)
    entries = []
    with db.atomic(), audited_write():
        db.forget_rows()
        for pk, before, after in changes:
            changed = [f for f, v in after.items() if f not in ignored and before.get(f) != v]
            if not changed:
                continue
            written = changed + [f for f in after if f in ignored]
            model.update({fields[f]: after[f] for f in written}).where(pk_field == pk).execute()
            columns = _columns_of(model, changed)
            snap = _snapshotter(model, columns)
            entries.append(
                ("update", table, str(pk), snap([before.get(f) for f in changed]), snap([after[f] for f in changed]))
            )
        _record_batches(entries)
    return len(entries)


def delete_rows(model, instances):
    """Delete these rows (model instances as read), with a "delete" audit record of each."""
    instances = list(instances)
    if not instances:
        return 0
    pk_field = model._meta.primary_key
    table = model._meta.table_name
    with db.atomic(), audited_write():
        db.forget_rows()
        for i in range(0, len(instances), 900):
            part = instances[i : i + 900]
            model.delete().where(pk_field.in_([m._pk for m in part])).execute()
        _record_batches(("delete", table, str(m._pk), m.audit_snapshot(), None) for m in instances)
    return len(instances)

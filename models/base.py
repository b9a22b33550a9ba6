"""The database proxy, connection set-up, local time, and the base model."""

import contextlib
import contextvars
import datetime
import sqlite3
import threading

from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase, _savepoint
from playhouse.db_url import parse


class _Proxy(DatabaseProxy):
    def savepoint(self):
        return self.obj.savepoint()  # the database's own (peewee's proxy makes a plain one)


db = _Proxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 30000,
    "synchronous": "normal",
    "cache_size": -64000,
}
# Dates and times stored as their text, `2026-10-01 08:00:00` (what sqlite3's default adapters, deprecated
# since Python 3.12, write), by a C function: bulk writes send hundreds of thousands of them.
sqlite3.register_adapter(datetime.datetime, str)
sqlite3.register_adapter(datetime.date, str)
LOCAL_TZ = datetime.timezone(datetime.timedelta(hours=7), "Asia/Ho_Chi_Minh")  # no daylight saving

# Set while the audited-write API (models.audited) writes: the only way to touch an audited table.
_audited_write = contextvars.ContextVar("audited_write", default=False)


class UnauditedWrite(RuntimeError):
    """A write to an audited table that bypasses the audit trail: refused."""


class _HeldRows(threading.local):
    def __init__(self):
        self.rows = {}
        self.savepoints = 0  # open savepoints of the thread's transaction


class _CountedSavepoint(_savepoint):
    def __enter__(self):
        self.db._held.savepoints += 1
        return super().__enter__()

    def __exit__(self, *exc):
        self.db._held.savepoints -= 1
        return super().__exit__(*exc)


class _HoldsRows:
    """A database that remembers, per thread, rows its open transaction read under lock (`locked`), so
    that an audited save of such a row takes its state before from there instead of reading it again
    (models.audited). Only rows locked outside any savepoint are held (a savepoint rolled back would
    release its locks); all are forgotten at every BEGIN, COMMIT and ROLLBACK and when the connection
    closes, and a row when it is written."""

    def __init__(self, *args, **kwargs):
        self._held = _HeldRows()
        super().__init__(*args, **kwargs)

    def hold_row(self, model, pk, data):
        """Remember `data` (a copy) as the row of `model` just locked by this transaction."""
        if self.in_transaction() and not self._held.savepoints:
            self._held.rows[(model._meta.table_name, pk)] = dict(data)

    def held_row(self, model, pk):
        """The data of the row as this transaction locked it, or None when it holds no such row."""
        return self._held.rows.get((model._meta.table_name, pk)) if self.in_transaction() else None

    def forget_row(self, model, pk):
        self._held.rows.pop((model._meta.table_name, pk), None)

    def forget_rows(self):
        self._held.rows.clear()

    def savepoint(self):
        return _CountedSavepoint(self)

    def begin(self, *args, **kwargs):
        self._held.rows, self._held.savepoints = {}, 0
        return super().begin(*args, **kwargs)

    def commit(self):
        self.forget_rows()
        return super().commit()

    def rollback(self):
        self.forget_rows()
        return super().rollback()

    def close(self):
        self.forget_rows()
        return super().close()


class SqliteHoldingRows(_HoldsRows, SqliteDatabase):
    pass


class PostgresqlHoldingRows(_HoldsRows, PostgresqlDatabase):
    pass


def connect_database(url):
    """A peewee database for a `sqlite:///path` or `postgresql://…` URL (not yet connected)."""
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1] if "sqlite:///" in url else ":memory:"
        # IMMEDIATE: a write transaction takes the lock up front, so the audit chain never forks.
        return SqliteHoldingRows(path or ":memory:", pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    if url.startswith(("postgresql", "postgres")):
        params = parse(url)
        name = params.pop("database")
        return PostgresqlHoldingRows(name, **params)
    raise ValueError(f"Unsupported DATABASE_URL: {url.split(':', 1)[0]}")


def is_postgres(database=None):
    target = database or db.obj
    return isinstance(target, PostgresqlDatabase)


def now():
    """Local wall-clock time (Asia/Ho_Chi_Minh), naive, to the microsecond."""
    return datetime.datetime.now(LOCAL_TZ).replace(tzinfo=None)


def joined_transaction():
    """The caller's transaction when there is one (no savepoint: a caller that goes on after a failed
    write makes its own, as with any statement), else a new one."""
    return contextlib.nullcontext() if db.in_transaction() else db.atomic()


@contextlib.contextmanager
def audited_write():
    """Open the audited tables to writes for the block: only the audited-write API uses this."""
    token = _audited_write.set(True)
    try:
        yield
    finally:
        _audited_write.reset(token)


def check_write(model):
    """Refuse a write to an audited table from outside the audited-write API."""
    if getattr(model, "audited", False) and not _audited_write.get():
        raise UnauditedWrite(
            f"{model.__name__} is audited: write it with save(), delete_instance() "
            "or models.audited.insert_rows/update_rows/delete_rows"
        )


class BaseModel(Model):
    audited = False

    class Meta:
        database = db
        legacy_table_names = False

    @classmethod
    def locked(cls, pk, query=None):
        """The row re-read inside the current transaction, locked against concurrent writers
        (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the write lock). `query`, a
        select of this model (joining others, say), reads it instead of the plain select; only this
        model's row is locked."""
        query = (cls.select() if query is None else query).where(cls._meta.primary_key == pk)
        return (query.for_update(of=cls) if is_postgres() else query).get()

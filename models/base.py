"""The database proxy, connection set-up, local time, and the base model."""

import contextlib
import contextvars
import datetime
import sqlite3

from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse

db = DatabaseProxy()

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


def connect_database(url):
    """A peewee database for a `sqlite:///path` or `postgresql://…` URL (not yet connected)."""
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1] if "sqlite:///" in url else ":memory:"
        # IMMEDIATE: a write transaction takes the lock up front, so the audit chain never forks.
        return SqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    if url.startswith(("postgresql", "postgres")):
        params = parse(url)
        name = params.pop("database")
        return PostgresqlDatabase(name, **params)
    raise ValueError(f"Unsupported DATABASE_URL: {url.split(':', 1)[0]}")


def is_postgres(database=None):
    target = database or db.obj
    return isinstance(target, PostgresqlDatabase)


def now():
    """Local wall-clock time (Asia/Ho_Chi_Minh), naive, to the microsecond."""
    return datetime.datetime.now(LOCAL_TZ).replace(tzinfo=None)


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
    def locked(cls, pk):
        """The row re-read inside the current transaction, locked against concurrent writers
        (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the write lock)."""
        query = cls.select().where(cls._meta.primary_key == pk)
        return (query.for_update() if is_postgres() else query).get()

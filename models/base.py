"""The database proxy, connection set-up and the audited base model."""
import datetime

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
    """Local wall-clock time (Asia/Ho_Chi_Minh has no daylight saving), to the microsecond."""
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class AuditedModel(BaseModel):
    """A model whose every save and delete writes an audit record in the same transaction."""

    audit_redacted = ()  # field names whose values never reach the audit trail

    def audit_snapshot(self):
        from .audit import snapshot
        return snapshot(self)

    def save(self, force_insert=False, only=None):
        from .audit import record
        pk = self._pk
        creating = force_insert or pk is None
        with self._meta.database.atomic():
            old = None
            if not creating:
                old = type(self).get_or_none(type(self)._meta.primary_key == pk)
                creating = force_insert = old is None
            if creating:
                changed = None
            else:
                changed = [n for n in self._meta.fields if n != "updated_at"
                           and old.__data__.get(n) != self.__data__.get(n)]
                if not changed:
                    return 0
            if hasattr(self, "updated_at"):
                self.updated_at = now()
            result = super().save(force_insert=force_insert, only=only)
            if creating:
                record("create", self, None, self.audit_snapshot())
            else:
                columns = {self._meta.fields[n].column_name for n in changed}
                before = {k: v for k, v in old.audit_snapshot().items() if k in columns}
                after = {k: v for k, v in self.audit_snapshot().items() if k in columns}
                record("update", self, before, after)
        return result

    def delete_instance(self, recursive=False, delete_nullable=False):
        from .audit import record
        if recursive:
            raise ValueError("Recursive deletes are not audited; delete dependants first")
        with self._meta.database.atomic():
            before = self.audit_snapshot()
            result = super().delete_instance()
            record("delete", self, before, None)
        return result

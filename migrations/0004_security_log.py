"""The security log (sign-ins, sign-outs, failed sign-ins, lock-outs), append-only like the audit trail,
which no longer records sign-ins as updates of the user."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField

SQLITE_IMMUTABLE = [
    """CREATE TRIGGER security_event_no_update BEFORE UPDATE ON security_event
       BEGIN SELECT RAISE(ABORT, 'security events are append-only'); END""",
    """CREATE TRIGGER security_event_no_delete BEFORE DELETE ON security_event
       BEGIN SELECT RAISE(ABORT, 'security events are append-only'); END""",
]
PG_IMMUTABLE = [
    """CREATE OR REPLACE FUNCTION security_event_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'security events are append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER security_event_no_update_delete BEFORE UPDATE OR DELETE ON security_event
       FOR EACH ROW EXECUTE FUNCTION security_event_refuse_change()""",
]


def up(migrator, db):
    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class SecurityEvent(Base):
        at = DateTimeField(default=datetime.datetime.now, index=True)
        event = CharField(max_length=32)
        username = CharField(max_length=64)
        user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        address = CharField(max_length=64, null=True)

    db.create_tables([SecurityEvent])
    postgres = type(db).__name__.startswith("Postgres")
    for statement in PG_IMMUTABLE if postgres else SQLITE_IMMUTABLE:
        db.execute_sql(statement)

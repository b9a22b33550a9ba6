"""The per-unit month index of cases widened to cover the sampling frame: besides (unit_id, returned_at)
it holds every column the frame's queries read (procedure, channel, phone, import time, and the id,
implicit on SQLite), so that allocation and draw read a unit's month from the index alone instead of
one table row per case (sampling.eligibility). It replaces the narrower index (its leading columns)."""

from peewee import PostgresqlDatabase

COLUMNS = "unit_id, returned_at, procedure_id, channel, has_phone, created_at"


def up(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "case_unit_id_returned_at"')
    include = " INCLUDE (id)" if isinstance(db, PostgresqlDatabase) else ""  # SQLite: the rowid is in every index
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "case_unit_frame" ON "case" ({COLUMNS}){include}')

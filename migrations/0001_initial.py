"""Initial schema: roles, users, unit levels, units, procedures, cases, contacts, periods,
import runs and the append-only audit trail."""

import datetime

from peewee import (
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    PostgresqlDatabase,
    TextField,
)

ROLES = [
    ("admin", "Quản trị hệ thống"),
    ("supervisor", "Giám sát viên"),
    ("enumerator", "Điều tra viên"),
    ("officer", "Cán bộ Sở Nội vụ"),
    ("auditor", "Phúc tra viên"),
]

LEVELS = [
    ("tinh", "Cấp tỉnh", 1),
    ("so", "Sở, ban, ngành", 2),
    ("nganh_doc", "Cơ quan ngành dọc", 3),
    ("huyen", "Cấp huyện (trước 2025)", 4),
    ("xa", "Cấp xã, phường", 5),
]

SQLITE_IMMUTABLE = [
    """CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
    """CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
]

PG_BYTE_ORDER = [
    # Case codes compare byte by byte whatever the database's collation, so that a code-prefix
    # search (a range on the unique index) finds exactly the codes that start with the prefix.
    'ALTER TABLE "case" ALTER COLUMN code TYPE varchar(100) COLLATE "C"',
]

PG_IMMUTABLE = [
    """CREATE OR REPLACE FUNCTION audit_record_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_record_no_update_delete BEFORE UPDATE OR DELETE ON audit_record
       FOR EACH ROW EXECUTE FUNCTION audit_record_refuse_change()""",
    """CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record
       FOR EACH STATEMENT EXECUTE FUNCTION audit_record_refuse_change()""",
]


def up(migrator, db):
    now = datetime.datetime.now

    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class Role(Base):
        code = CharField(max_length=32, primary_key=True)
        name = CharField(max_length=100)

    class User(Base):
        username = CharField(max_length=64, unique=True)
        full_name = CharField(max_length=200)
        role = ForeignKeyField(Role, column_name="role", on_delete="RESTRICT")
        password_hash = CharField(max_length=255)
        active = BooleanField(default=True)
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        last_login_at = DateTimeField(null=True)
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

    class UnitLevel(Base):
        code = CharField(max_length=32, unique=True)
        name = CharField(max_length=200)
        sort_order = IntegerField(default=0)

    class Unit(Base):
        code = CharField(max_length=64, unique=True)
        name = CharField(max_length=300)
        level = ForeignKeyField(UnitLevel, on_delete="RESTRICT")
        parent = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        active = BooleanField(default=True)
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

    class Procedure(Base):
        code = CharField(max_length=64, unique=True)
        name = CharField(max_length=1000)
        field = CharField(max_length=300, null=True, index=True)
        immediate_result = BooleanField(default=False)
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

    class Case(Base):
        code = CharField(max_length=100, unique=True)
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        procedure = ForeignKeyField(Procedure, on_delete="RESTRICT")
        channel = CharField(max_length=16)
        received_at = DateTimeField()
        due_at = DateTimeField(null=True)
        returned_at = DateTimeField(null=True, index=True)
        is_late = BooleanField(default=False)
        receiving_officer = CharField(max_length=200, null=True)
        handling_officer = CharField(max_length=200, null=True)
        digest = CharField(max_length=32)
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

        class Meta:
            indexes = ((("unit", "returned_at"), False),)

    class Contact(Base):
        case = ForeignKeyField(Case, primary_key=True, on_delete="CASCADE")
        name_enc = BlobField(null=True)
        phone_enc = BlobField(null=True)
        email_enc = BlobField(null=True)
        phone_hash = CharField(max_length=32, null=True, index=True)

    class Period(Base):
        month = CharField(max_length=7, unique=True)
        status = CharField(max_length=16, default="open")
        note = CharField(max_length=1000, null=True)
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

    class ImportRun(Base):
        kind = CharField(max_length=16)
        filename = CharField(max_length=300)
        file_sha256 = CharField(max_length=64, null=True)
        actor = CharField(max_length=200)
        status = CharField(max_length=16, default="queued")
        job_id = CharField(max_length=64, null=True)
        created = IntegerField(default=0)
        updated = IntegerField(default=0)
        unchanged = IntegerField(default=0)
        rejected = IntegerField(default=0)
        warnings = IntegerField(default=0)
        message = TextField(null=True)
        report = TextField(null=True)
        started_at = DateTimeField(default=now)
        finished_at = DateTimeField(null=True)

    class AuditRecord(Base):
        seq = BigIntegerField(unique=True)
        at = DateTimeField()
        actor = CharField(max_length=200)
        role = CharField(max_length=32)
        source = CharField(max_length=16)
        action = CharField(max_length=32)
        model = CharField(max_length=64)
        object_id = CharField(max_length=200, null=True)
        before = TextField(null=True)
        after = TextField(null=True)
        prev_hash = CharField(max_length=64)
        hash = CharField(max_length=64)

    db.create_tables([Role, User, UnitLevel, Unit, Procedure, Case, Contact, Period, ImportRun, AuditRecord])
    Role.insert_many(ROLES, fields=[Role.code, Role.name]).execute()
    UnitLevel.insert_many(LEVELS, fields=[UnitLevel.code, UnitLevel.name, UnitLevel.sort_order]).execute()
    for sql in PG_BYTE_ORDER + PG_IMMUTABLE if isinstance(db, PostgresqlDatabase) else SQLITE_IMMUTABLE:
        db.execute_sql(sql)

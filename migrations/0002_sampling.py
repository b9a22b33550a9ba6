"""Sampling: period settings and seed, allocations, the drawn sample, enumerators' coverage,
assignments and their history."""

import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField


def up(migrator, db):
    now = datetime.datetime.now
    migrator.migrate(
        migrator.add_column("period", "total", IntegerField(null=True)),
        migrator.add_column("period", "seed", CharField(max_length=100, null=True)),
        migrator.add_column("period", "settings", TextField(null=True)),
        migrator.add_column("period", "allocated_at", DateTimeField(null=True)),
        migrator.add_column("period", "drawn_at", DateTimeField(null=True)),
        migrator.add_column("period", "frame_digest", CharField(max_length=64, null=True)),
        migrator.add_column("period", "draw_inputs", TextField(null=True)),
        # Whether a case can be phoned, on the case itself: the sampling frame needs no contact join.
        migrator.add_column("case", "has_phone", BooleanField(default=False)),
    )
    db.execute_sql(
        'UPDATE "case" SET has_phone = TRUE WHERE id IN (SELECT case_id FROM contact WHERE phone_hash IS NOT NULL)'
    )

    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class Period(Base):
        month = CharField(max_length=7, unique=True)

    class Unit(Base):
        code = CharField(max_length=64, unique=True)

    class User(Base):
        username = CharField(max_length=64, unique=True)

    class Case(Base):
        code = CharField(max_length=100, unique=True)

    class Allocation(Base):
        period = ForeignKeyField(Period, on_delete="RESTRICT")
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        cases = IntegerField(default=0)
        eligible = IntegerField(default=0)
        eligible_phone = IntegerField(default=0)
        eligible_f2f = IntegerField(default=0)
        excluded = TextField(default="{}")
        quota = IntegerField(default=0)
        bound = CharField(max_length=16, null=True)
        override_reason = TextField(null=True)
        quota_phone = IntegerField(default=0)
        quota_f2f = IntegerField(default=0)
        issued_phone = IntegerField(default=0)
        issued_f2f = IntegerField(default=0)
        reserve_phone = IntegerField(default=0)
        reserve_f2f = IntegerField(default=0)
        proposed_release = IntegerField(default=0)
        proposed_at = DateTimeField(null=True)
        updated_at = DateTimeField(default=now)

        class Meta:
            indexes = ((("period", "unit"), True),)

    class SampleCase(Base):
        period = ForeignKeyField(Period, on_delete="RESTRICT")
        case = ForeignKeyField(Case, on_delete="RESTRICT")
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        mode = CharField(max_length=8)
        stratum = CharField(max_length=300)
        rank = IntegerField()
        draw_key = CharField(max_length=64)
        status = CharField(max_length=16)
        issued_at = DateTimeField(null=True)
        phone_hash = CharField(max_length=32, null=True, index=True)

        class Meta:
            indexes = ((("period", "case"), True), (("period", "unit", "mode", "rank"), True))

    class EnumeratorProfile(Base):
        user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE")
        phone = BooleanField(default=True)
        f2f = BooleanField(default=False)
        available = BooleanField(default=True)

    class EnumeratorUnit(Base):
        user = ForeignKeyField(User, on_delete="CASCADE")
        unit = ForeignKeyField(Unit, on_delete="CASCADE")

        class Meta:
            indexes = ((("user", "unit"), True),)

    class Assignment(Base):
        sample = ForeignKeyField(SampleCase, unique=True, on_delete="RESTRICT")
        enumerator = ForeignKeyField(User, on_delete="RESTRICT")
        status = CharField(max_length=16, default="open")
        outcome = CharField(max_length=8, null=True)
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

    class AssignmentEvent(Base):
        assignment = ForeignKeyField(Assignment, on_delete="CASCADE")
        action = CharField(max_length=16)
        from_user = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
        to_user = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
        actor = CharField(max_length=200)
        reason = TextField(null=True)
        at = DateTimeField(default=now)

    db.create_tables([Allocation, SampleCase, EnumeratorProfile, EnumeratorUnit, Assignment, AssignmentEvent])
    db.execute_sql('CREATE INDEX "case_returned_at_id" ON "case" ("returned_at", "id")')

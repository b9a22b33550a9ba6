"""Re-checks (phúc tra): a period's re-check draw and its cases; an interview's invalidation (who,
when, why) after a re-check."""

import datetime

from peewee import CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField, TextField


def up(migrator, db):
    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class Period(Base):
        class Meta:
            table_name = "period"

    class User(Base):
        class Meta:
            table_name = "user"

    class Interview(Base):
        class Meta:
            table_name = "interview"

    class RecheckDraw(Base):
        period = ForeignKeyField(Period, unique=True, on_delete="RESTRICT")
        seed = CharField(max_length=100)
        share = FloatField()
        drawn_by = CharField(max_length=200)
        drawn_at = DateTimeField(default=datetime.datetime.now)
        inputs = TextField()
        digest = CharField(max_length=64)

    class RecheckCase(Base):
        draw = ForeignKeyField(RecheckDraw, on_delete="RESTRICT")
        interview = ForeignKeyField(Interview, on_delete="RESTRICT")
        enumerator = ForeignKeyField(User, on_delete="RESTRICT")
        reason = CharField(max_length=16, default="random")
        rank = IntegerField()
        auditor = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        status = CharField(max_length=16, default="open", index=True)
        outcome = CharField(max_length=16, null=True)
        answers = TextField(null=True)
        note = TextField(null=True)
        compared_1 = IntegerField(default=0)
        differing_1 = IntegerField(default=0)
        compared_2 = IntegerField(default=0)
        differing_2 = IntegerField(default=0)
        compared_3 = IntegerField(default=0)
        shift_3 = IntegerField(default=0)
        completed_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("draw", "interview"), True), (("draw", "auditor", "status"), False))

    db.create_tables([RecheckDraw, RecheckCase])
    migrator.migrate(
        migrator.add_column(
            "interview",
            "invalidated_by_id",
            ForeignKeyField(User, field=User.id, null=True, on_delete="RESTRICT"),
        ),
        migrator.add_column("interview", "invalidated_at", DateTimeField(null=True)),
        migrator.add_column("interview", "invalidation_reason", TextField(null=True)),
    )

"""Fabrication flags of interviews (models.flags.InterviewFlag)."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, TextField


def up(migrator, db):
    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class Period(Base):
        class Meta:
            table_name = "period"

    class Interview(Base):
        class Meta:
            table_name = "interview"

    class InterviewFlag(Base):
        interview = ForeignKeyField(Interview, on_delete="CASCADE")
        period = ForeignKeyField(Period, on_delete="RESTRICT")
        kind = CharField(max_length=32)
        detail = TextField(default="{}")
        created_at = DateTimeField(default=datetime.datetime.now)

        class Meta:
            indexes = ((("interview", "kind"), True), (("period", "kind"), False))

    db.create_tables([InterviewFlag])

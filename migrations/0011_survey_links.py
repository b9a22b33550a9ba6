"""Self-administered surveys: a link per case (channel, sending, lock, how it ended), the hashes of
the tokens that open it, the outbox of its e-mails and SMS (no address or text stored), and the
counters' kiosks."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField


def up(migrator, db):
    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class Case(Base):
        class Meta:
            table_name = "case"

    class Period(Base):
        class Meta:
            table_name = "period"

    class Unit(Base):
        class Meta:
            table_name = "unit"

    class User(Base):
        class Meta:
            table_name = "user"

    class Interview(Base):
        class Meta:
            table_name = "interview"

    class SurveyLink(Base):
        case = ForeignKeyField(Case, unique=True, on_delete="RESTRICT")
        period = ForeignKeyField(Period, on_delete="RESTRICT")
        channel = CharField(max_length=8)
        status = CharField(max_length=16, default="issued", index=True)
        created_at = DateTimeField(default=datetime.datetime.now)
        sent_at = DateTimeField(null=True)
        locks_at = DateTimeField(null=True, index=True)
        opened_at = DateTimeField(null=True)
        reminded_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        interview = ForeignKeyField(Interview, null=True, on_delete="RESTRICT")

    class LinkToken(Base):
        link = ForeignKeyField(SurveyLink, on_delete="RESTRICT")
        token_hash = CharField(max_length=64, unique=True)
        purpose = CharField(max_length=16)
        created_at = DateTimeField(default=datetime.datetime.now)

    class OutboxMessage(Base):
        link = ForeignKeyField(SurveyLink, on_delete="RESTRICT")
        channel = CharField(max_length=8)
        purpose = CharField(max_length=16)
        state = CharField(max_length=16, default="pending", index=True)
        tries = IntegerField(default=0)
        error = TextField(null=True)
        reference = CharField(max_length=200, null=True)
        created_at = DateTimeField(default=datetime.datetime.now)
        sent_at = DateTimeField(null=True)
        delivered_at = DateTimeField(null=True)

    class Kiosk(Base):
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        name = CharField(max_length=200)
        secret_hash = CharField(max_length=64, unique=True)
        created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        created_at = DateTimeField(default=datetime.datetime.now)
        enrolled_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)

    db.create_tables([SurveyLink, LinkToken, OutboxMessage, Kiosk])

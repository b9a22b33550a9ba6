"""Questionnaires (XLSForm), their versions, and which form a case gets by channel and mode."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, TextField


def up(migrator, db):
    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class Questionnaire(Base):
        form_id = CharField(max_length=64, unique=True)
        title = CharField(max_length=300)
        created_at = DateTimeField(default=datetime.datetime.now)

    class QuestionnaireVersion(Base):
        questionnaire = ForeignKeyField(Questionnaire, on_delete="RESTRICT")
        version = CharField(max_length=64)
        title = CharField(max_length=300)
        definition = TextField()
        digest = CharField(max_length=64)
        status = CharField(max_length=16, default="draft")
        created_at = DateTimeField(default=datetime.datetime.now)
        published_at = DateTimeField(null=True)
        retired_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("questionnaire", "version"), True),)

    class FormRule(Base):
        channel = CharField(max_length=16)
        mode = CharField(max_length=8)
        questionnaire = ForeignKeyField(Questionnaire, on_delete="RESTRICT")

        class Meta:
            indexes = ((("channel", "mode"), True),)

    db.create_tables([Questionnaire, QuestionnaireVersion, FormRule])

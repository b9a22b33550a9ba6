"""Monthly results: compiled versions (figures and inputs as JSON, their digest, the audit chain's
head), and the answers of complete interviews as rows (filled here from the interviews there are)."""

import datetime
import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField


def up(migrator, db):
    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class Period(Base):
        class Meta:
            table_name = "period"

    class Interview(Base):
        status = CharField()
        answers = TextField()

        class Meta:
            table_name = "interview"

    class Answer(Base):
        interview = ForeignKeyField(Interview, on_delete="CASCADE")
        question = CharField(max_length=100)
        value = CharField(max_length=200)

        class Meta:
            indexes = ((("interview", "question"), True),)

    class ResultVersion(Base):
        period = ForeignKeyField(Period, on_delete="RESTRICT")
        number = IntegerField()
        status = CharField(max_length=16, default="draft")
        figures = TextField()
        inputs = TextField()
        digest = CharField(max_length=64)
        audit_seq = IntegerField(null=True)
        audit_hash = CharField(max_length=64, null=True)
        created_at = DateTimeField(default=datetime.datetime.now)
        created_by = CharField(max_length=200)
        published_at = DateTimeField(null=True)
        published_by = CharField(max_length=200, null=True)
        note = TextField(null=True)

        class Meta:
            indexes = ((("period", "number"), True),)

    db.create_tables([Answer, ResultVersion])
    rows = []
    for interview_id, text in (
        Interview.select(Interview.id, Interview.answers).where(Interview.status != "in_progress").tuples()
    ):
        for name, value in json.loads(text or "{}").items():
            if value is not None and value != "":
                rows.append((interview_id, name, str(value)[:200]))
    for start in range(0, len(rows), 5000):
        Answer.insert_many(
            rows[start : start + 5000], fields=[Answer.interview, Answer.question, Answer.value]
        ).execute()

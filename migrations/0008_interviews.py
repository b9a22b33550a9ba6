"""Interviews: the AAPOR dispositions as a data table (seeded), call attempts, interviews (one
complete per case by a unique column), alerts; assignments count attempts and keep appointments."""

import datetime

from peewee import SQL, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

# code, Vietnamese label, rate class, minutes before a retry (None: none), final, order on the call screen
DISPOSITIONS = [
    ("3.13", "Không nghe máy", "UH", 120, False, 10),
    ("3.12", "Máy bận", "UH", 30, False, 20),
    ("2.22", "Hộp thư thoại, máy trả lời tự động", "NC", 240, False, 30),
    ("2.211", "Hẹn gọi lại", "NC", None, False, 40),
    ("2.21", "Người được hỏi vắng mặt, không tiện nghe máy", "NC", 1440, False, 50),
    ("2.12", "Bỏ dở giữa chừng", "R", None, True, 60),
    ("2.11", "Từ chối trả lời", "R", None, True, 70),
    ("1.2", "Trả lời một phần", "P", None, True, 80),
    ("1.1", "Hoàn thành phỏng vấn", "I", None, True, 90),
    ("4.30", "Sai số, số không liên lạc được", "NE", None, True, 100),
    ("4.10", "Không thuộc đối tượng khảo sát", "NE", None, True, 110),
]


def up(migrator, db):
    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Case(Base):
        class Meta:
            table_name = "case"

    class Unit(Base):
        class Meta:
            table_name = "unit"

    class Assignment(Base):
        class Meta:
            table_name = "assignment"

    class QuestionnaireVersion(Base):
        class Meta:
            table_name = "questionnaire_version"

    class Disposition(Base):
        code = CharField(max_length=8, primary_key=True)
        label = CharField(max_length=200)
        rate_class = CharField(max_length=4)
        retry_minutes = IntegerField(null=True)
        final = BooleanField(default=False)
        sort_order = IntegerField(default=0)

    class CallAttempt(Base):
        assignment = ForeignKeyField(Assignment, on_delete="RESTRICT")
        enumerator = ForeignKeyField(User, on_delete="RESTRICT")
        disposition = ForeignKeyField(Disposition, column_name="disposition_code", on_delete="RESTRICT")
        at = DateTimeField(default=datetime.datetime.now, index=True)
        appointment_at = DateTimeField(null=True)
        note = CharField(max_length=500, null=True)

    class Interview(Base):
        case = ForeignKeyField(Case, on_delete="RESTRICT")
        assignment = ForeignKeyField(Assignment, null=True, on_delete="RESTRICT")
        version = ForeignKeyField(QuestionnaireVersion, on_delete="RESTRICT")
        channel = CharField(max_length=8)
        enumerator = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        status = CharField(max_length=16, default="in_progress", index=True)
        answers = TextField(default="{}")
        original_answers = TextField(null=True)
        complete_case = ForeignKeyField(Case, null=True, unique=True, on_delete="RESTRICT")
        started_at = DateTimeField(default=datetime.datetime.now)
        saved_at = DateTimeField(default=datetime.datetime.now)
        ended_at = DateTimeField(null=True)
        duration_seconds = IntegerField(null=True)
        reviewed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        reviewed_at = DateTimeField(null=True)
        review_comment = TextField(null=True)

    class Alert(Base):
        interview = ForeignKeyField(Interview, on_delete="RESTRICT")
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        question = CharField(max_length=100)
        answer = CharField(max_length=200)
        created_at = DateTimeField(default=datetime.datetime.now, index=True)
        acknowledged_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        acknowledged_at = DateTimeField(null=True)
        follow_up = TextField(null=True)
        mailed_at = DateTimeField(null=True)

    db.create_tables([Disposition, CallAttempt, Interview, Alert])
    Disposition.insert_many(
        DISPOSITIONS, fields=["code", "label", "rate_class", "retry_minutes", "final", "sort_order"]
    ).execute()
    migrator.migrate(
        # a default in the database too: assignments are inserted in bulk with their own columns
        migrator.add_column("assignment", "attempt_count", IntegerField(default=0, constraints=[SQL("DEFAULT 0")])),
        migrator.add_column("assignment", "next_at", DateTimeField(null=True)),
        migrator.add_column("assignment", "appointment_at", DateTimeField(null=True)),
    )

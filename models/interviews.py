"""Interviews: the AAPOR dispositions as data, call attempts, interviews with their answers (one
complete per case, enforced by a unique column), and alerts raised by answers."""

import json

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .audited import AuditedModel
from .base import BaseModel, joined_transaction, now
from .cases import Case
from .fieldwork import Assignment
from .org import Unit
from .questionnaires import QuestionnaireVersion
from .users import User
from .vocabulary import InterviewSources, InterviewStatus


class Disposition(AuditedModel):
    """An AAPOR disposition an attempt may end with: its Vietnamese label, rate class, the wait before
    the next attempt (None: no retry) and whether it closes the case."""

    code = CharField(max_length=8, primary_key=True)
    label = CharField(max_length=200)
    rate_class = CharField(max_length=4)  # I, P, R, NC, O, UH, UO, NE
    retry_minutes = IntegerField(null=True)
    final = BooleanField(default=False)
    sort_order = IntegerField(default=0)

    def __str__(self):
        return f"{self.code} {self.label}"

    @classmethod
    def for_attempts(cls):
        """The outcomes an enumerator can record, in the order the call screen lists them."""
        return cls.select().order_by(cls.sort_order, cls.code)


class CallAttempt(AuditedModel):
    """One attempt at an assignment: when (by the server's clock), by whom, with what outcome."""

    assignment = ForeignKeyField(Assignment, backref="attempts", on_delete="RESTRICT")
    enumerator = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    disposition = ForeignKeyField(Disposition, column_name="disposition_code", on_delete="RESTRICT")
    at = DateTimeField(default=now, index=True)
    appointment_at = DateTimeField(null=True)
    note = CharField(max_length=500, null=True)


class Interview(AuditedModel):
    """The answers given for one case through one channel. `complete_case` is the case's id while the
    interview is submitted or approved, else NULL: its unique index lets a case hold one complete."""

    case = ForeignKeyField(Case, backref="interviews", on_delete="RESTRICT")
    assignment = ForeignKeyField(Assignment, null=True, backref="interviews", on_delete="RESTRICT")
    version = ForeignKeyField(QuestionnaireVersion, on_delete="RESTRICT", backref="interviews")
    channel = CharField(max_length=8)  # InterviewChannels
    enumerator = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    status = CharField(max_length=16, default=InterviewStatus.IN_PROGRESS, index=True)
    answers = TextField(default="{}")  # JSON {question name: value}
    original_answers = TextField(null=True)  # as first submitted, kept when a supervisor corrects
    complete_case = ForeignKeyField(Case, null=True, unique=True, on_delete="RESTRICT", backref="+")
    started_at = DateTimeField(default=now)
    saved_at = DateTimeField(default=now)
    ended_at = DateTimeField(null=True)
    duration_seconds = IntegerField(null=True)
    reviewed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    reviewed_at = DateTimeField(null=True)
    review_comment = TextField(null=True)
    source = CharField(max_length=16, null=True)  # InterviewSources: None when led in the app
    outcome = CharField(max_length=8, null=True)  # AAPOR code of imported answers (1.1, 1.2); None: 1.1
    invalidated_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")  # after a re-check
    invalidated_at = DateTimeField(null=True)
    invalidation_reason = TextField(null=True)

    def answers_dict(self):
        return json.loads(self.answers or "{}")

    def save(self, *args, **kwargs):
        """Saved with its audit record; once complete, its answers are also written as rows (Answer)."""
        with joined_transaction():
            result = super().save(*args, **kwargs)
            if result and self.status != InterviewStatus.IN_PROGRESS:
                Answer.replace_for(self)
        return result

    @classmethod
    def locked_with_version(cls, pk):
        """The interview locked (as `locked`), with its version's id, status and digest read by the same
        query: `interview.version.definition_dict()` then reads nothing for a published version parsed
        before."""
        version = QuestionnaireVersion
        return cls.locked(pk, cls.select(cls, version.id, version.status, version.digest).join(version))

    @classmethod
    def imported_for(cls, case_id):
        """The interview a file brought for this case (one per case), or None."""
        return cls.get_or_none((cls.case == case_id) & (cls.source == InterviewSources.FILE))

    @classmethod
    def open_for_assignment(cls, assignment):
        return cls.get_or_none((cls.assignment == assignment) & cls.status.in_(InterviewStatus.OPEN))


class Answer(BaseModel):
    """One answer of a complete interview (derived from `interview.answers`, which the audit trail
    records; rewritten with it, never edited alone): what a compilation counts with GROUP BY."""

    interview = ForeignKeyField(Interview, backref="answer_rows", on_delete="CASCADE")
    question = CharField(max_length=100)
    value = CharField(max_length=200)

    class Meta:
        indexes = ((("interview", "question"), True),)

    @classmethod
    def replace_for(cls, interview):
        """The interview's answer rows made again from its answers (same transaction as its save)."""
        cls.delete().where(cls.interview == interview.id).execute()
        rows = [
            (interview.id, name, str(value)[:200])
            for name, value in json.loads(interview.answers or "{}").items()
            if value is not None and value != ""
        ]
        if rows:
            cls.insert_many(rows, fields=[cls.interview, cls.question, cls.value]).execute()


class Alert(AuditedModel):
    """Negative feedback raised by an answer (a question marked `alert`), for the case's unit."""

    interview = ForeignKeyField(Interview, backref="alerts", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="alerts", on_delete="RESTRICT")
    question = CharField(max_length=100)
    answer = CharField(max_length=200)
    created_at = DateTimeField(default=now, index=True)
    acknowledged_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    acknowledged_at = DateTimeField(null=True)
    follow_up = TextField(null=True)
    mailed_at = DateTimeField(null=True)

"""Re-checks (phúc tra): a period's re-check draw (its seed, share, inputs and frame digest, so that
it can be replayed) and its cases, one per interview re-contacted by an auditor, with the re-check's
answers and how many of them differ from the interview's, by re-check type."""

import json

from peewee import CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField, TextField

from .audited import AuditedModel
from .base import now
from .interviews import Interview
from .periods import Period
from .users import User
from .vocabulary import RecheckReasons, RecheckStatus


class RecheckDraw(AuditedModel):
    """One period's re-check sample: drawn once, from a recorded seed, over a recorded frame."""

    period = ForeignKeyField(Period, unique=True, backref="+", on_delete="RESTRICT")
    seed = CharField(max_length=100)
    share = FloatField()
    drawn_by = CharField(max_length=200)  # who drew it, as the audit trail names them
    drawn_at = DateTimeField(default=now)
    inputs = TextField()  # JSON: settings, the frame (interview ids by enumerator, in work order), flags, auditors
    digest = CharField(max_length=64)  # SHA-256 of the frame's rows (interview, enumerator, end time)

    def inputs_dict(self):
        return json.loads(self.inputs or "{}")

    @classmethod
    def of(cls, period):
        return cls.get_or_none(cls.period == period)


class RecheckCase(AuditedModel):
    """An interview to re-check: why (drawn or flagged), its rank in its enumerator's re-checks, the
    auditor it is assigned to; once done, the outcome, the answers and the comparison's counts."""

    draw = ForeignKeyField(RecheckDraw, backref="cases", on_delete="RESTRICT")
    interview = ForeignKeyField(Interview, backref="rechecks", on_delete="RESTRICT")
    enumerator = ForeignKeyField(User, on_delete="RESTRICT", backref="+")  # the interview's
    reason = CharField(max_length=16, default=RecheckReasons.RANDOM)
    rank = IntegerField()  # 1, 2…: the order of the enumerator's re-checks (earliest work first)
    auditor = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    status = CharField(max_length=16, default=RecheckStatus.OPEN, index=True)
    outcome = CharField(max_length=16, null=True)  # RecheckOutcomes
    answers = TextField(null=True)  # JSON {question: value}: the re-check's answers
    note = TextField(null=True)
    compared_1 = IntegerField(default=0)  # type 1 questions answered in both
    differing_1 = IntegerField(default=0)
    compared_2 = IntegerField(default=0)
    differing_2 = IntegerField(default=0)
    compared_3 = IntegerField(default=0)  # type 3 answers on the 1-5 scale in both
    shift_3 = IntegerField(default=0)  # sum of (re-check - interview) over those
    completed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("draw", "interview"), True), (("draw", "auditor", "status"), False))

    def answers_dict(self):
        return json.loads(self.answers or "{}")

    @classmethod
    def of_draw(cls, draw):
        return cls.select().where(cls.draw == draw).order_by(cls.enumerator, cls.rank)

    @classmethod
    def own_open(cls, pk, user):
        """The case if it is this auditor's and still open, else None."""
        return cls.get_or_none((cls.id == pk) & (cls.auditor == user) & (cls.status == RecheckStatus.OPEN))

    @classmethod
    def own(cls, pk, user):
        return cls.get_or_none((cls.id == pk) & (cls.auditor == user))

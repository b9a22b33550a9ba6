"""Fieldwork: enumerators' profiles and coverage, assignments of sampled cases and their history."""

from peewee import SQL, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from .audited import AuditedModel
from .base import now
from .cases import Case
from .org import Procedure, Unit
from .periods import Period
from .sampling import SampleCase
from .users import User
from .vocabulary import AssignmentStatus


class EnumeratorProfile(AuditedModel):
    """Which modes an enumerator works in; face-to-face ones cover units (EnumeratorUnit)."""

    user = ForeignKeyField(User, primary_key=True, backref="profile", on_delete="CASCADE")
    phone = BooleanField(default=True)
    f2f = BooleanField(default=False)
    available = BooleanField(default=True)


class EnumeratorUnit(AuditedModel):
    user = ForeignKeyField(User, backref="covered_units", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "unit"), True),)


class Assignment(AuditedModel):
    """One sampled case given to one enumerator; `outcome` is an AAPOR disposition code."""

    sample = ForeignKeyField(SampleCase, backref="assignments", unique=True, on_delete="RESTRICT")
    enumerator = ForeignKeyField(User, backref="assignments", on_delete="RESTRICT")
    status = CharField(max_length=16, default=AssignmentStatus.OPEN)
    outcome = CharField(max_length=8, null=True)  # Dispositions, e.g. 1.1 complete
    attempt_count = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    next_at = DateTimeField(null=True)  # not to be tried again before (a retry's wait)
    appointment_at = DateTimeField(null=True)  # the respondent asked to be called then
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    @classmethod
    def open_for(cls, user):
        """The enumerator's open assignments, with their sample, case, unit, procedure and period."""
        return (
            cls.select(cls, SampleCase, Case.id, Case.code, Unit.id, Unit.name, Procedure.name, Period.month)
            .join(SampleCase)
            .join(Case, on=(SampleCase.case == Case.id))
            .join(Procedure, on=(Case.procedure == Procedure.id))
            .switch(SampleCase)
            .join(Unit, on=(SampleCase.unit == Unit.id))
            .switch(SampleCase)
            .join(Period, on=(SampleCase.period == Period.id))
            .where((cls.enumerator == user) & (cls.status == AssignmentStatus.OPEN))
            .order_by(Period.month, Unit.name, SampleCase.rank)
        )

    @classmethod
    def open_load(cls):
        """{enumerator id: number of open assignments}."""
        return dict(
            cls.select(cls.enumerator, fn.COUNT(cls.id))
            .where(cls.status == AssignmentStatus.OPEN)
            .group_by(cls.enumerator)
            .tuples()
        )

    @classmethod
    def of_period(cls, period):
        """The period's assignments with their sample."""
        return cls.select(cls, SampleCase).join(SampleCase).where(SampleCase.period == period)


class AssignmentEvent(AuditedModel):
    """The history of an assignment: created, reassigned, closed."""

    assignment = ForeignKeyField(Assignment, backref="events", on_delete="CASCADE")
    action = CharField(max_length=16)  # AssignmentActions
    from_user = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    to_user = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    actor = CharField(max_length=200)
    reason = TextField(null=True)
    at = DateTimeField(default=now)

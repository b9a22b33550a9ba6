"""Sampling: per-period allocation, the drawn sample, assignments and enumerators' coverage."""
import json

from peewee import (BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField)

from .base import AuditedModel, now
from .cases import Case
from .org import Unit
from .periods import Period
from .users import User

MODES = ("phone", "f2f")


class Allocation(AuditedModel):
    """A unit's share of a period: its cases, exclusions by rule, quota, issued and reserve sample."""

    period = ForeignKeyField(Period, backref="allocations", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="allocations", on_delete="RESTRICT")
    cases = IntegerField(default=0)
    eligible = IntegerField(default=0)
    eligible_phone = IntegerField(default=0)
    eligible_f2f = IntegerField(default=0)
    excluded = TextField(default="{}")  # JSON {rule: count}
    quota = IntegerField(default=0)
    bound = CharField(max_length=16, null=True)  # minimum, cap, override: what moved the quota
    override_reason = TextField(null=True)
    quota_phone = IntegerField(default=0)
    quota_f2f = IntegerField(default=0)
    issued_phone = IntegerField(default=0)
    issued_f2f = IntegerField(default=0)
    reserve_phone = IntegerField(default=0)
    reserve_f2f = IntegerField(default=0)
    proposed_release = IntegerField(default=0)  # reserve the daily job proposes to release
    proposed_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("period", "unit"), True),)

    @property
    def issued(self):
        return self.issued_phone + self.issued_f2f

    @property
    def reserve(self):
        return self.reserve_phone + self.reserve_f2f

    def excluded_dict(self):
        return json.loads(self.excluded or "{}")


class SampleCase(AuditedModel):
    """A drawn case: its mode, stratum, place in the drawn order, and whether it is issued yet."""

    period = ForeignKeyField(Period, backref="samples", on_delete="RESTRICT")
    case = ForeignKeyField(Case, backref="samples", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    mode = CharField(max_length=8)
    stratum = CharField(max_length=300)
    rank = IntegerField()  # 1, 2, … in the drawn order within (period, unit, mode)
    draw_key = CharField(max_length=64)
    status = CharField(max_length=16)  # issued, reserve
    issued_at = DateTimeField(null=True)
    phone_hash = CharField(max_length=32, null=True, index=True)

    class Meta:
        indexes = ((("period", "case"), True), (("period", "unit", "mode", "rank"), True))


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
    status = CharField(max_length=16, default="open")  # open, closed
    outcome = CharField(max_length=8, null=True)  # e.g. 1.1 complete, 2.11 refusal, 4.3 wrong number
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class AssignmentEvent(AuditedModel):
    """The history of an assignment: created, reassigned, closed."""

    assignment = ForeignKeyField(Assignment, backref="events", on_delete="CASCADE")
    action = CharField(max_length=16)  # assigned, reassigned, closed
    from_user = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    to_user = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    actor = CharField(max_length=200)
    reason = TextField(null=True)
    at = DateTimeField(default=now)

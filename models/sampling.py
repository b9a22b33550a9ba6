"""Sampling: per-period allocation and the drawn sample."""

import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .audited import AuditedModel
from .base import now
from .cases import Case
from .org import Unit
from .periods import Period
from .vocabulary import SampleStatus


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

    def quota_in(self, mode):
        return getattr(self, f"quota_{mode}")

    def issued_in(self, mode):
        return getattr(self, f"issued_{mode}")

    def reserve_in(self, mode):
        return getattr(self, f"reserve_{mode}")

    def excluded_dict(self):
        return json.loads(self.excluded or "{}")

    @classmethod
    def of(cls, period):
        return cls.select().where(cls.period == period)


class SampleCase(AuditedModel):
    """A drawn case: its mode, stratum, place in the drawn order, and whether it is issued yet."""

    audit_redacted = ("phone_hash",)  # a keyed hash of the applicant's phone

    period = ForeignKeyField(Period, backref="samples", on_delete="RESTRICT")
    case = ForeignKeyField(Case, backref="samples", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    mode = CharField(max_length=8)  # Modes
    stratum = CharField(max_length=300)
    rank = IntegerField()  # 1, 2, … in the drawn order within (period, unit, mode)
    draw_key = CharField(max_length=64)
    status = CharField(max_length=16)  # SampleStatus
    issued_at = DateTimeField(null=True)
    phone_hash = CharField(max_length=32, null=True, index=True)

    class Meta:
        indexes = ((("period", "case"), True), (("period", "unit", "mode", "rank"), True))

    @classmethod
    def of(cls, period):
        return cls.select().where(cls.period == period)

    @classmethod
    def reserve_in_order(cls, period, unit_id, mode):
        """A unit's reserve in one mode, next to release first."""
        return (
            cls.of(period)
            .where((cls.unit == unit_id) & (cls.mode == mode) & (cls.status == SampleStatus.RESERVE))
            .order_by(cls.rank)
        )

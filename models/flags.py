"""Fabrication flags: signs that an interview may not have happened as recorded, computed as its
answers arrive (`quality/`). Derived from the interview, its attempts and its case, so recomputed
rather than edited: not audited (the interview they point at is)."""

import json

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from .base import BaseModel, now
from .interviews import Interview
from .periods import Period


class InterviewFlag(BaseModel):
    interview = ForeignKeyField(Interview, backref="flags", on_delete="CASCADE")
    period = ForeignKeyField(Period, backref="+", on_delete="RESTRICT")  # the case's survey month
    kind = CharField(max_length=32)  # FlagKinds
    detail = TextField(default="{}")  # JSON: the figures its explanation names (never personal data)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("interview", "kind"), True), (("period", "kind"), False))

    @property
    def figures(self):
        return json.loads(self.detail or "{}")

    @classmethod
    def flagged_in(cls, period):
        """The ids of the period's interviews with at least one flag."""
        return cls.select(cls.interview).where(cls.period == period).distinct()

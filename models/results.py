"""Monthly results: each compilation a stored, immutable version of a period's figures with its
inputs; and the answers of complete interviews as rows, the index the compilation counts from."""

import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .audited import AuditedModel
from .base import now
from .periods import Period
from .vocabulary import ResultStatus


class ResultVersionChanged(RuntimeError):
    """A compiled version's figures were about to change: refused (compile a new version)."""


class ResultVersion(AuditedModel):
    """A compiled version of a period's results: its figures and inputs as JSON, their digest and the
    audit chain's head when it was compiled. Never changed once written, but for its publication."""

    period = ForeignKeyField(Period, backref="result_versions", on_delete="RESTRICT")
    number = IntegerField()  # 1, 2, … within the period
    status = CharField(max_length=16, default=ResultStatus.DRAFT)
    figures = TextField()  # JSON: province, units, questions, officers, channels
    inputs = TextField()  # JSON: settings, questionnaire versions, responses used
    digest = CharField(max_length=64)  # SHA-256 of the figures
    audit_seq = IntegerField(null=True)  # the audit chain's head at compilation
    audit_hash = CharField(max_length=64, null=True)
    created_at = DateTimeField(default=now)
    created_by = CharField(max_length=200)
    published_at = DateTimeField(null=True)
    published_by = CharField(max_length=200, null=True)
    note = TextField(null=True)  # why this version: what changed since the previous one

    class Meta:
        indexes = ((("period", "number"), True),)

    def save(self, *args, **kwargs):
        """Refuse any change of what was compiled (its publication may still be recorded)."""
        if self.id is not None:
            stored = type(self).get_or_none(type(self).id == self.id)
            if stored is not None and (stored.figures, stored.inputs, stored.digest) != (
                self.figures,
                self.inputs,
                self.digest,
            ):
                raise ResultVersionChanged(f"{stored.period_id}/{stored.number}")
        return super().save(*args, **kwargs)

    def figures_dict(self):
        return json.loads(self.figures)

    def inputs_dict(self):
        return json.loads(self.inputs)

    @classmethod
    def of_period(cls, period):
        return cls.select().where(cls.period == period).order_by(cls.number.desc())

    @classmethod
    def latest(cls, period):
        return cls.of_period(period).first()

    @classmethod
    def published_of(cls, period):
        """The period's latest published version, or None."""
        return cls.of_period(period).where(cls.status == ResultStatus.PUBLISHED).first()

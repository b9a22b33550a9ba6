"""Survey periods: one per month."""
import re

from peewee import CharField, DateTimeField

from .base import AuditedModel, now

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class Period(AuditedModel):
    month = CharField(max_length=7, unique=True)  # YYYY-MM
    status = CharField(max_length=16, default="open")  # open, closed
    note = CharField(max_length=1000, null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    def __str__(self):
        return self.month

    @staticmethod
    def valid_month(value):
        return bool(MONTH_RE.match(value or ""))

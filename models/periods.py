"""Survey periods: one per month."""

import datetime
import re

from peewee import CharField, DateTimeField, IntegerField, TextField

from .audited import AuditedModel
from .base import now
from .vocabulary import PeriodStatus

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class Period(AuditedModel):
    month = CharField(max_length=7, unique=True)  # YYYY-MM
    status = CharField(max_length=16, default=PeriodStatus.OPEN)
    note = CharField(max_length=1000, null=True)
    total = IntegerField(null=True)  # interviews to complete this month
    seed = CharField(max_length=100, null=True)  # the recorded seed of the draw
    settings = TextField(null=True)  # JSON: eligibility rules, minimum, modes, response rates
    allocated_at = DateTimeField(null=True)
    drawn_at = DateTimeField(null=True)
    frame_digest = CharField(max_length=64, null=True)  # fingerprint of the drawn population
    draw_inputs = TextField(null=True)  # JSON: settings, unit codes and modes, recent-phone cases
    purged_at = DateTimeField(null=True)  # its names, phones and e-mails removed after the retention (privacy/)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    def __str__(self):
        return self.month

    @classmethod
    def for_month(cls, month):
        """The period of a month, created on first use."""
        if not cls.valid_month(month):
            raise ValueError(month)
        period = cls.get_or_none(cls.month == month)
        return period or cls.create(month=month)

    @property
    def bounds(self):
        """[start, end) of the month, as naive local datetimes."""
        year, month = int(self.month[:4]), int(self.month[5:])
        return (datetime.datetime(year, month, 1), datetime.datetime(year + (month == 12), month % 12 + 1, 1))

    @staticmethod
    def valid_month(value):
        return bool(MONTH_RE.match(value or ""))

    @classmethod
    def drawn_open(cls):
        """Open periods whose sample has been drawn."""
        return cls.select().where(cls.drawn_at.is_null(False) & (cls.status == PeriodStatus.OPEN))

    @classmethod
    def latest_first(cls):
        return cls.select().order_by(cls.month.desc())

"""Administrative units, their levels, and administrative procedures."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from .audited import AuditedModel
from .base import now


class UnitLevel(AuditedModel):
    """A level of government (sở, xã, huyện, ngành dọc, tỉnh): data, never hard-coded."""

    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=200)
    sort_order = IntegerField(default=0)

    def __str__(self):
        return self.name


class Unit(AuditedModel):
    code = CharField(max_length=64, unique=True)
    name = CharField(max_length=300)
    level = ForeignKeyField(UnitLevel, backref="units", on_delete="RESTRICT")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    active = BooleanField(default=True)
    email = CharField(max_length=200, null=True)  # the unit's contact for alerts (an office, not a person's data)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    def __str__(self):
        return f"{self.name} ({self.code})"


class Procedure(AuditedModel):
    code = CharField(max_length=64, unique=True)
    name = CharField(max_length=1000)
    field = CharField(max_length=300, null=True, index=True)
    immediate_result = BooleanField(default=False)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    def __str__(self):
        return f"{self.code} – {self.name}"

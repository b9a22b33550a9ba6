"""Dossiers (cases) and their applicants' contacts, kept apart and encrypted."""

import datetime

from peewee import BlobField, BooleanField, CharField, DateTimeField, ForeignKeyField

from .audited import AuditedModel
from .base import now
from .org import Procedure, Unit


def is_late(returned_at, due_at):
    """Returned after it was due; a due date without a time means the end of that day."""
    if returned_at is None or due_at is None:
        return False
    if due_at.time() == datetime.time(0, 0):
        return returned_at.date() > due_at.date()
    return returned_at > due_at


class Case(AuditedModel):
    audit_redacted = ("digest",)  # a keyed fingerprint that includes the personal data

    code = CharField(max_length=100, unique=True)
    unit = ForeignKeyField(Unit, backref="cases", on_delete="RESTRICT")
    procedure = ForeignKeyField(Procedure, backref="cases", on_delete="RESTRICT")
    channel = CharField(max_length=16)
    received_at = DateTimeField()
    due_at = DateTimeField(null=True)
    returned_at = DateTimeField(null=True, index=True)
    is_late = BooleanField(default=False)
    has_phone = BooleanField(default=False)  # a valid phone is on the contact (not the phone itself)
    receiving_officer = CharField(max_length=200, null=True)
    handling_officer = CharField(max_length=200, null=True)
    digest = CharField(max_length=32)  # keyed fingerprint of the imported row
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    # Indexes beside returned_at's and the foreign keys' are made by migrations: (unit_id, returned_at)
    # covering the sampling frame's columns (0020), (returned_at, id) (0002).

    def __str__(self):
        return self.code

    @classmethod
    def with_names(cls, case_id):
        """The case with its unit and procedure (for their names), or None."""
        return (
            cls.select(cls, Unit, Procedure)
            .join(Unit, on=(cls.unit == Unit.id))
            .switch(cls)
            .join(Procedure, on=(cls.procedure == Procedure.id))
            .where(cls.id == case_id)
            .first()
        )

    @classmethod
    def with_facts(cls, case_id):
        """(the case with its names, what a questionnaire's label may name from it: its unit,
        procedure and civil servants, never the applicant)."""
        case = cls.with_names(case_id)
        return case, {
            "unit": case.unit.name,
            "procedure": case.procedure.name,
            "receiving_officer": case.receiving_officer,
            "handling_officer": case.handling_officer,
        }

    @property
    def month(self):
        return self.returned_at.strftime("%Y-%m") if self.returned_at else None


class Contact(AuditedModel):
    """Name, phone and e-mail, encrypted; the phone's keyed hash finds repeat respondents."""

    audit_redacted = ("name_enc", "phone_enc", "email_enc", "phone_hash")

    case = ForeignKeyField(Case, primary_key=True, backref="contacts", on_delete="CASCADE")
    name_enc = BlobField(null=True)
    phone_enc = BlobField(null=True)
    email_enc = BlobField(null=True)
    phone_hash = CharField(max_length=32, null=True, index=True)

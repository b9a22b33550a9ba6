"""The applicant's phone, revealed to the enumerator whose open phone assignment it is; every reveal is
recorded in the audit trail (who, which case, when; never the number)."""

from models import Contact, Modes, PersonalDataViews, SampleCase, audit
from models.pii import cipher

from .calls import NotYours, own_open


def reveal_phone(assignment_id, user):
    """The phone of the assignment's case, or None when the case has none; NotYours otherwise."""
    assignment = own_open(assignment_id, user.id)
    sample = SampleCase.get_by_id(assignment.sample_id)
    if sample.mode != Modes.PHONE:
        raise NotYours(assignment_id)
    contact = Contact.get_or_none(Contact.case == sample.case_id)
    audit.record_event(PersonalDataViews.REVEAL_PHONE, "contact", sample.case_id, {"assignment": assignment.id})
    return cipher().decrypt(contact.phone_enc) if contact and contact.phone_enc else None

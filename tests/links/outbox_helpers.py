"""Links waiting in the outbox, as `links issue` leaves them, for the outbox's tests."""

import re

from models import Case, Channels, Contact, MessagePurpose, OutboxMessage, SurveyLink, pii

URL_RE = re.compile(r"https?://[^\s\"<>]+/s/([A-Za-z0-9_-]{22})")
EMAIL = "nguoi.dan@example.vn"


def cases(n=1):
    """The first n in-person cases whose applicant left a phone."""
    return list(
        Case.select()
        .join(Contact, on=(Contact.case == Case.id))
        .where((Case.channel == Channels.DIRECT) & Contact.phone_enc.is_null(False))
        .order_by(Case.id)
        .limit(n)
    )


def queue(period, case, channel="email", email=EMAIL):
    """An issued link of the case with its pending invitation, the applicant's e-mail set."""
    contact = Contact.get_by_id(case.id)
    if email:
        contact.email_enc = pii.cipher().encrypt(email)
        contact.save()
    link = SurveyLink.create(case=case, period=period, channel=channel)
    message = OutboxMessage.create(link=link, channel=channel, purpose=MessagePurpose.INVITE)
    return link, message


def fresh(row):
    return type(row).get_by_id(row.id)


def phone_of(case):
    return pii.cipher().decrypt(Contact.get_by_id(case.id).phone_enc)

"""The outbox's sending pass: each waiting e-mail (through SMTP) and SMS (through the gateway, when one
is configured) sent in its own transaction, the link re-checked first, the address decrypted and the
token minted only then; a failure keeps the error (never the address) and counts a try."""

import dataclasses

import mail
from models import (
    Case,
    Contact,
    Interview,
    LinkChannels,
    LinkStatus,
    MessageState,
    OutboxMessage,
    SurveyLink,
    db,
    now,
    pii,
)

from . import messages, service, sms, tokens

BATCH = 200  # messages read at a time
GIVE_UP_AFTER = 3  # failures in a row: the server is down, the rest of the channel waits for the next pass
ERROR_LENGTH = 500


class SendFailed(Exception):
    """The message could not be handed over; its text (the address taken out) is kept as the error."""


@dataclasses.dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # the link ended (answered, declined, locked, closed) since the message was queued

    def to_dict(self):
        return dataclasses.asdict(self)


def why_not(link, at):
    """None when a message may go for the link now, else why not (a LinkStatus)."""
    if link.status not in LinkStatus.LIVE:
        return link.status
    if link.locks_at is not None and link.locks_at <= at:
        return LinkStatus.LOCKED
    if Interview.get_or_none(Interview.complete_case == link.case_id) is not None:
        return LinkStatus.CLOSED  # answered through another channel
    return None


def address_of(case_id, channel):
    """The decrypted e-mail or phone (E.164) of a case's contact, or None."""
    contact = Contact.get_or_none(Contact.case == case_id)
    value = contact and (contact.email_enc if channel == LinkChannels.EMAIL else contact.phone_enc)
    return pii.cipher().decrypt(value) if value else None


def redact(text, address):
    """An error's text with the address (and a phone's other spellings) taken out, cut short."""
    text = str(text)
    if address:
        spellings = {address, address.lstrip("+")}
        if address.startswith("+84"):
            spellings.add("0" + address[3:])
        for spelling in sorted(spellings, key=len, reverse=True):
            text = text.replace(spelling, "<address>")
    return text[:ERROR_LENGTH]


def lock_date(link, at):
    """When the link locks: already set, or the day it will once sent now."""
    return link.locks_at or service.locks_at_if_sent(link, at)


def _email_deliverer(config):
    def deliver(message, case, address, url, locks_at):
        composed = messages.email(message.purpose, case.unit.name, case.procedure.name, url, locks_at)
        try:
            mail.send(config, address, composed.subject, composed.text, composed.html)
        except mail.MailUnavailable as exc:
            raise SendFailed(str(exc)) from exc
        return None

    return deliver


def _sms_deliverer(sender):
    def deliver(message, case, address, url, locks_at):
        text = messages.sms(message.purpose, case.unit.name, url, locks_at)
        try:
            return sender.send(address, text, f"outbox-{message.id}")
        except sms.SmsUnavailable as exc:
            raise SendFailed(str(exc)) from exc

    return deliver


def deliverers(config):
    """{channel: deliver} for the channels that can send now: e-mail with SMTP, SMS with a gateway."""
    found = {}
    if mail.configured(config):
        found[LinkChannels.EMAIL] = _email_deliverer(config)
    gateway = sms.sender(config)
    if gateway is not None:
        found[LinkChannels.SMS] = _sms_deliverer(gateway)
    return found


def send_one(message_id, deliver, config, max_tries):
    """Send one message in its own transaction; returns "sent", "failed", "skipped" or None (already
    dealt with by another pass)."""
    with db.atomic():
        message = OutboxMessage.locked(message_id)
        waiting = message.state == MessageState.PENDING or (
            message.state == MessageState.FAILED and message.tries < max_tries
        )
        if not waiting:
            return None
        link = SurveyLink.locked(message.link_id)
        at = now()
        if why_not(link, at):
            return "skipped"  # left as it is: its link ended, it is never sent
        case = Case.with_names(link.case_id)
        address = address_of(link.case_id, message.channel)
        try:
            if not address:
                raise SendFailed("no address on the contact")
            with db.atomic():  # the token is kept only if the message went
                url = tokens.url(config["SURVEY_BASE_URL"], tokens.mint(link, message.purpose))
                reference = deliver(message, case, address, url, lock_date(link, at))
        except SendFailed as exc:
            message.state, message.tries = MessageState.FAILED, message.tries + 1
            message.error = redact(exc, address)
            message.save()
            return "failed"
        message.state, message.tries, message.sent_at = MessageState.SENT, message.tries + 1, at
        message.error, message.reference = None, reference
        message.save()
        service.mark_sent(link, at)
        return "sent"


def send_pending(config, batch=BATCH):
    """One sending pass over every channel that can send; each message is tried at most once a pass.
    Returns a SendReport."""
    report = SendReport()
    max_tries = int(config.get("OUTBOX_MAX_TRIES") or 5)
    for channel, deliver in deliverers(config).items():
        last, failures = 0, 0
        while failures < GIVE_UP_AFTER:
            ids = [m.id for m in OutboxMessage.waiting(channel, max_tries).where(OutboxMessage.id > last).limit(batch)]
            if not ids:
                break
            for message_id in ids:
                last = message_id
                outcome = send_one(message_id, deliver, config, max_tries)
                if outcome is None:
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
                failures = failures + 1 if outcome == "failed" else 0
                if failures >= GIVE_UP_AFTER:
                    break
    return report

"""Self-administered surveys: one link per case (its channel, when it was sent and locks, how it
ended), the hashes of the tokens that open it, and the outbox of its e-mails and SMS."""

import hashlib

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .audited import AuditedModel
from .base import now
from .cases import Case
from .interviews import Interview
from .org import Unit
from .periods import Period
from .users import User
from .vocabulary import LinkStatus, MessageState


def token_hash(token):
    """The stored form of a token (SHA-256, hex): a 128-bit random token needs no key or salt."""
    return hashlib.sha256(token.encode()).hexdigest()


class SurveyLink(AuditedModel):
    """The self-administered survey of one case: one per case, whatever its channel."""

    case = ForeignKeyField(Case, unique=True, backref="+", on_delete="RESTRICT")
    period = ForeignKeyField(Period, backref="links", on_delete="RESTRICT")
    channel = CharField(max_length=8)  # LinkChannels
    status = CharField(max_length=16, default=LinkStatus.ISSUED, index=True)
    created_at = DateTimeField(default=now)
    sent_at = DateTimeField(null=True)  # in the citizen's hands: mailed, texted, printed, at the kiosk
    locks_at = DateTimeField(null=True, index=True)  # sent_at + the period's lock days
    opened_at = DateTimeField(null=True)  # first opened
    reminded_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)  # answered, declined, locked or closed
    interview = ForeignKeyField(Interview, null=True, backref="+", on_delete="RESTRICT")

    def usable(self, at=None):
        """Sent, not locked by time, not finished."""
        at = at or now()
        return self.status == LinkStatus.SENT and self.locks_at is not None and at < self.locks_at

    @classmethod
    def by_token(cls, token):
        """The link a token opens, or None (whatever its state: the caller decides what it may do)."""
        if not token or len(token) > 64:
            return None
        return (
            cls.select(cls)
            .join(LinkToken, on=(LinkToken.link == cls.id))
            .where(LinkToken.token_hash == token_hash(token))
            .first()
        )

    @classmethod
    def of_case(cls, case_id):
        return cls.get_or_none(cls.case == case_id)

    @classmethod
    def close_for(cls, case_id):
        """The case was answered through another channel (an interview): its live link closes."""
        link = cls.get_or_none((cls.case == case_id) & cls.status.in_(LinkStatus.LIVE))
        if link is not None:
            link.status, link.finished_at = LinkStatus.CLOSED, now()
            link.save()
        return link


class LinkToken(AuditedModel):
    """A token that opens a link, kept only as its hash: one per message or slip (a reminder or a
    reprinted slip adds one; all open the same link until it locks)."""

    audit_redacted = ("token_hash",)

    link = ForeignKeyField(SurveyLink, backref="tokens", on_delete="RESTRICT")
    token_hash = CharField(max_length=64, unique=True)
    purpose = CharField(max_length=16)  # MessagePurpose, or the channel for a slip or the kiosk
    created_at = DateTimeField(default=now)


class OutboxMessage(AuditedModel):
    """An e-mail or SMS to send for a link. It holds no address and no text: both are made when it is
    sent (the address decrypted from the contact, the token minted), so nothing personal waits here."""

    link = ForeignKeyField(SurveyLink, backref="messages", on_delete="RESTRICT")
    channel = CharField(max_length=8)  # LinkChannels.EMAIL or SMS
    purpose = CharField(max_length=16)  # MessagePurpose
    state = CharField(max_length=16, default=MessageState.PENDING, index=True)
    tries = IntegerField(default=0)
    error = TextField(null=True)  # the last failure, as the server or gateway said it
    reference = CharField(max_length=200, null=True)  # the gateway's id of the message
    created_at = DateTimeField(default=now)
    sent_at = DateTimeField(null=True)
    delivered_at = DateTimeField(null=True)

    @classmethod
    def waiting(cls, channel, max_tries, at=None):
        """Messages of a channel still to send (pending, or failed fewer than max_tries times) whose link
        is live and not past its lock, oldest first. Those of a link that ended are left as they are."""
        at = at or now()
        return (
            cls.select()
            .join(SurveyLink, on=(cls.link == SurveyLink.id))
            .where(
                (cls.channel == channel)
                & ((cls.state == MessageState.PENDING) | ((cls.state == MessageState.FAILED) & (cls.tries < max_tries)))
                & SurveyLink.status.in_(LinkStatus.LIVE)
                & (SurveyLink.locks_at.is_null() | (SurveyLink.locks_at > at))
            )
            .order_by(cls.id)
        )


class Kiosk(AuditedModel):
    """A tablet at a unit's counter: set up once from the address the back office gives (its secret,
    kept only as a hash, then lives in the tablet's cookie); codes typed on it must be the unit's."""

    audit_redacted = ("secret_hash",)

    unit = ForeignKeyField(Unit, backref="kiosks", on_delete="RESTRICT")
    name = CharField(max_length=200)
    secret_hash = CharField(max_length=64, unique=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)
    enrolled_at = DateTimeField(null=True)  # the tablet opened its set-up address (once)
    revoked_at = DateTimeField(null=True)

    @classmethod
    def by_secret(cls, secret):
        """The active kiosk of a secret, or None."""
        if not secret or len(secret) > 64:
            return None
        return cls.get_or_none((cls.secret_hash == token_hash(secret)) & cls.revoked_at.is_null())

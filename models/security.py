"""The security log: sign-ins, sign-outs, failed sign-ins and lock-outs, kept apart from the audit trail
of data changes (they would bury it), append-only, for admins and auditors."""

from peewee import CharField, DateTimeField, ForeignKeyField

from .base import BaseModel, audited_write, db, now
from .users import User
from .vocabulary import SecurityEvents

UNKNOWN_USER = "?"  # the name logged for a sign-in under a name no account has


class SecurityEvent(BaseModel):
    at = DateTimeField(default=now, index=True)
    event = CharField(max_length=32)  # SecurityEvents
    username = CharField(max_length=64)  # the account's, or UNKNOWN_USER for a name no account has
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")  # append-only: a user with events is kept
    address = CharField(max_length=64, null=True)  # the client's IP address


def _log(event, username, user_id, address):
    SecurityEvent.create(event=event, username=str(username)[:64], user=user_id, address=(address or "")[:64] or None)


def record_sign_in(user, address):
    """A successful sign-in: the user's last sign-in and failure count, and the log, in one transaction;
    not an audited change of the user (the log is its record)."""
    with db.atomic(), audited_write():
        User.update(last_login_at=now(), failed_logins=0, locked_until=None).where(User.id == user.id).execute()
        _log(SecurityEvents.SIGN_IN, user.username, user.id, address)


def record_failed_sign_in(username, user, address, failures=None, locked_until=None):
    """A failed sign-in (`user` None for an unknown name); with `failures`, the count on the user's row,
    and a lock-out when `locked_until` is given. Call inside the transaction that read the row."""
    with db.atomic(), audited_write():
        if user is not None and failures is not None:
            values = {"failed_logins": failures}
            if locked_until is not None:
                values["locked_until"] = locked_until
            User.update(**values).where(User.id == user.id).execute()
        _log(SecurityEvents.SIGN_IN_FAILED, username, user.id if user else None, address)
        if locked_until is not None:
            _log(SecurityEvents.LOCKED_OUT, username, user.id, address)


def record_throttled(username, user, address):
    """A sign-in refused, before any password check, because its address failed too often."""
    with db.atomic():
        _log(SecurityEvents.THROTTLED, username, user.id if user else None, address)


def record_sign_out(user, address):
    with db.atomic():
        _log(SecurityEvents.SIGN_OUT, user.username, user.id, address)

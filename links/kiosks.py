"""Kiosks in the back office: made for a unit with a set-up address shown once (its secret kept only
as a hash), and revoked (the tablet then gets the "not a kiosk" page)."""

import secrets

from models import Kiosk, now, token_hash

SECRET_BYTES = 16
SETUP_PATH = "/kiosk/setup/"  # public.kiosk_setup


def create(unit, name, user):
    """(kiosk, secret): the secret is returned once, for the set-up address, and kept nowhere."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    kiosk = Kiosk.create(unit=unit, name=name.strip(), secret_hash=token_hash(secret), created_by=user)
    return kiosk, secret


def setup_url(base_url, secret):
    return base_url.rstrip("/") + SETUP_PATH + secret


def revoke(kiosk):
    """The kiosk stops working at once (its tablet's cookie no longer opens anything); False if it
    was revoked already."""
    if kiosk.revoked_at is not None:
        return False
    kiosk.revoked_at = now()
    kiosk.save()
    return True

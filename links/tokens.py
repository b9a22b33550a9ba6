"""Survey tokens: 128 random bits, URL-safe (22 characters), stored only as their hash."""

import secrets

from models import LinkToken, token_hash

TOKEN_BYTES = 16  # 128 bits
PATH = "/s/"  # the public path a token follows: short enough for an SMS


def new():
    """A fresh random token (not stored: store its hash with the link it opens)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def mint(link, purpose):
    """A new token for a link (its hash stored); the token itself is returned once and kept nowhere."""
    token = new()
    LinkToken.create(link=link, token_hash=token_hash(token), purpose=purpose)
    return token


def url(base_url, token):
    """The address a citizen opens: the survey site's base (SURVEY_BASE_URL) and the token."""
    return base_url.rstrip("/") + PATH + token

"""Parsing of the values found in one-stop exports: dates, phones, channels, flags, e-mails."""

import datetime
import functools
import re

from .table import normalize_header

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
_PHONE_JUNK = re.compile(r"[\s.\-()/]")
_MOBILE = re.compile(r"[35789]\d{8}$")
_LANDLINE = re.compile(r"2\d{9}$")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+$")

CHANNELS = {
    "tructiep": "direct",
    "direct": "direct",
    "tructuyen": "online",
    "online": "online",
    "buuchinh": "postal",
    "buuchinhcongich": "postal",
    "postal": "postal",
}
TRUE_WORDS = {"1", "co", "x", "true", "yes", "y"}
FALSE_WORDS = {"", "0", "khong", "false", "no", "n"}


def parse_datetime(value):
    """A naive local datetime, or None for an empty value; ValueError when unreadable."""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    value = value.strip()
    if not value:
        return None
    m = _DMY.match(value)
    if m:
        d, mo, y, h, mi, s = m.groups()
    else:
        m = _YMD.match(value)
        if not m:
            raise ValueError(value)
        y, mo, d, h, mi, s = m.groups()
    return datetime.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))


def parse_phone(value):
    """E.164 (+84…) for a valid Vietnamese number, None if empty; ValueError if invalid."""
    digits = _PHONE_JUNK.sub("", str(value))
    if not digits:
        return None
    if digits.startswith("+84"):
        nsn = digits[3:]
    elif digits.startswith("0084"):
        nsn = digits[4:]
    elif digits.startswith("84") and len(digits) >= 11:
        nsn = digits[2:]
    elif digits.startswith("0"):
        nsn = digits[1:]
    else:
        nsn = digits  # an Excel number cell loses the leading zero
    if _MOBILE.match(nsn) or _LANDLINE.match(nsn):
        return "+84" + nsn
    raise ValueError("invalid phone")


@functools.lru_cache(maxsize=1024, typed=True)  # a file spells its channels a few ways only
def parse_channel(value):
    channel = CHANNELS.get(normalize_header(value))
    if channel is None:
        raise ValueError(value)
    return channel


def parse_flag(value):
    key = normalize_header(value)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise ValueError(value)


def parse_email(value):
    value = value.strip()
    if not value:
        return None
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError("invalid email")
    return value.lower()


def clean_text(value, max_length):
    """Trimmed text with inner runs of white space folded, None if empty; ValueError if too long."""
    if not isinstance(value, str):
        value = str(value)
    value = " ".join(value.split())
    if len(value) > max_length:
        raise ValueError("too long")
    return value or None

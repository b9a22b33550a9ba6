"""A period's rules for self-administered surveys: which cases get a link, when links lock and when
one reminder goes. Defaults from seed 000 (locked 10 days after sending), overridable per period in
the period's settings under "links" (like the sampling rules)."""

import copy
import json

DEFAULTS = {
    "online": True,  # dossiers submitted online get a link too
    "postal": True,  # and those sent by post
    "require_contact": True,  # e-mail and SMS need an address; QR slips and the kiosk do not
    "lock_days": 10,  # a link locks this many days after it was sent (seed 000)
    "reminder_days": 3,  # one reminder this many days after sending, if unanswered; 0: none
}


class LinkSettingsError(ValueError):
    """A link setting is not usable; the message says which."""


def merged(stored):
    """The defaults updated with a period's stored settings' "links" part (JSON string or None)."""
    settings = copy.deepcopy(DEFAULTS)
    extra = (json.loads(stored) if stored else {}).get("links") or {}
    unknown = set(extra) - set(DEFAULTS)
    if unknown:
        raise LinkSettingsError(f"unknown link setting: {sorted(unknown)}")
    settings.update(extra)
    validate(settings)
    return settings


def validate(settings):
    for key in ("online", "postal", "require_contact"):
        if not isinstance(settings[key], bool):
            raise LinkSettingsError(f"{key} must be true or false")
    if not (isinstance(settings["lock_days"], int) and 1 <= settings["lock_days"] <= 90):
        raise LinkSettingsError("lock_days must be a whole number of days from 1 to 90")
    days = settings["reminder_days"]
    if not (isinstance(days, int) and 0 <= days < settings["lock_days"]):
        raise LinkSettingsError("reminder_days must be a whole number of days, 0 (none) or before the lock")

"""A period's re-check rules: the share drawn, the window of each enumerator's earliest work, and
the discrepancy rate above which an enumerator is flagged. Defaults from the practice of back-checks
(a random 10 %, a red flag above about 10 %), overridable per period in the period's settings under
"rechecks" (like the link rules, links/settings.py)."""

import copy
import json

DEFAULTS = {
    "share": 0.1,  # of each enumerator's approved interviews, at least one
    "early_window": 10,  # an enumerator's first interviews, half of whose re-checks are drawn there
    "threshold": 0.1,  # a type 1 or type 2 discrepancy rate above this flags the enumerator
}


class RecheckSettingsError(ValueError):
    """A re-check setting is not usable; the message says which."""


def merged(stored):
    """The defaults updated with a period's stored settings' "rechecks" part (JSON string or None)."""
    settings = copy.deepcopy(DEFAULTS)
    extra = (json.loads(stored) if stored else {}).get("rechecks") or {}
    unknown = set(extra) - set(DEFAULTS)
    if unknown:
        raise RecheckSettingsError(f"unknown re-check setting: {sorted(unknown)}")
    settings.update(extra)
    validate(settings)
    return settings


def valid_share(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1


def validate(settings):
    if not valid_share(settings["share"]):
        raise RecheckSettingsError("share must be a number above 0 and at most 1")
    window = settings["early_window"]
    if not (isinstance(window, int) and not isinstance(window, bool) and 1 <= window <= 1000):
        raise RecheckSettingsError("early_window must be a whole number from 1 to 1000")
    if not valid_share(settings["threshold"]):
        raise RecheckSettingsError("threshold must be a number above 0 and at most 1")

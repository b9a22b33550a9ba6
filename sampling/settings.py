"""A period's sampling settings: defaults from the seeds, overridable per period (JSON on the period)."""

import copy
import json

RULES = ("immediate", "online", "postal", "recent_phone", "no_phone")
DEFAULTS = {
    # exclusion rules for interviewer-led modes (seed 002), each can be switched off
    "rules": dict.fromkeys(RULES, True),
    "repeat_days": 90,  # a phone sampled this recently is not sampled again
    "minimum": 5,  # interviews per unit, never more than it has
    # share of each unit's quota by mode, per unit level; "default" for levels not listed
    "modes": {"default": {"phone": 1.0, "f2f": 0.0}},
    "response_rate": {"phone": 0.5, "f2f": 0.8},  # expected, to issue quota / rate
    "reserve_ratio": 1.0,  # reserve drawn beyond the issued sample, as a share of it
}


class SettingsError(ValueError):
    """The settings are not usable; the message says which value is wrong."""


def merged(stored):
    """The defaults updated with a period's stored settings (a JSON string or None)."""
    settings = copy.deepcopy(DEFAULTS)
    extra = json.loads(stored) if stored else {}
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(settings.get(key), dict):
            settings[key].update(value)
        else:
            settings[key] = value
    validate(settings)
    return settings


def validate(settings):
    if set(settings["rules"]) - set(RULES):
        raise SettingsError(f"unknown rule: {sorted(set(settings['rules']) - set(RULES))}")
    if not (isinstance(settings["repeat_days"], int) and 0 <= settings["repeat_days"] <= 3650):
        raise SettingsError("repeat_days must be a whole number of days")
    if not (isinstance(settings["minimum"], int) and settings["minimum"] >= 0):
        raise SettingsError("minimum must be a whole number ≥ 0")
    for level, shares in settings["modes"].items():
        if set(shares) - {"phone", "f2f"} or any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
            raise SettingsError(f"mode shares of level {level} must be phone/f2f, ≥ 0, not all 0")
    for mode, rate in settings["response_rate"].items():
        if not 0 < rate <= 1:
            raise SettingsError(f"expected response rate of {mode} must be in (0, 1]")
    if settings["reserve_ratio"] < 0:
        raise SettingsError("reserve_ratio must be ≥ 0")


def mode_shares(settings, level_code):
    return settings["modes"].get(level_code) or settings["modes"]["default"]

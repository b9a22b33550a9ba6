"""A period's fabrication-flag thresholds, under the period's settings key "quality" (defaults below,
overridable per period like the links' and results' settings): the minimum duration (one default and
one per questionnaire, by its form_id), the most completes an enumerator may end within a window of
minutes, how many answered questions make a straight line, and the working hours and days."""

import copy
import datetime
import json

DEFAULTS = {
    "min_duration_seconds": 180,  # an interview of the shipped forms takes 8 to 15 minutes
    "min_duration_by_form": {},  # {form_id: seconds}: a shorter or longer questionnaire's own minimum
    "max_per_hour": 6,  # completes one enumerator may end within `burst_minutes`
    "burst_minutes": 60,
    "straight_line_questions": 3,  # an element needs this many answers on 1-5, all the same, to be flagged
    "working_hours": ["07:00", "20:00"],  # local time: started at or after the first, ended by the second
    "working_days": [1, 2, 3, 4, 5, 6],  # ISO weekdays (1 Monday … 7 Sunday): Sunday is off
}


class QualitySettingsError(ValueError):
    """A quality setting is not usable; the message says which."""


def merged(stored):
    """The defaults updated with a period's stored settings' "quality" part (JSON string or None)."""
    settings = copy.deepcopy(DEFAULTS)
    extra = (json.loads(stored) if stored else {}).get("quality") or {}
    unknown = set(extra) - set(DEFAULTS)
    if unknown:
        raise QualitySettingsError(f"unknown quality setting: {sorted(unknown)}")
    settings.update(extra)
    validate(settings)
    return settings


def _whole(value, low):
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def clock(text):
    """'07:00' as a time; ValueError otherwise."""
    return datetime.datetime.strptime(text, "%H:%M").time()


def validate(settings):
    if not _whole(settings["min_duration_seconds"], 0):
        raise QualitySettingsError("min_duration_seconds must be a whole number of seconds ≥ 0")
    by_form = settings["min_duration_by_form"]
    if not isinstance(by_form, dict) or not all(_whole(v, 0) for v in by_form.values()):
        raise QualitySettingsError("min_duration_by_form must map form_id to a whole number of seconds ≥ 0")
    if not _whole(settings["max_per_hour"], 1) or not _whole(settings["burst_minutes"], 1):
        raise QualitySettingsError("max_per_hour and burst_minutes must be whole numbers ≥ 1")
    if not _whole(settings["straight_line_questions"], 2):
        raise QualitySettingsError("straight_line_questions must be a whole number ≥ 2")
    hours = settings["working_hours"]
    try:
        start, end = (clock(h) for h in hours)
    except (TypeError, ValueError):
        raise QualitySettingsError('working_hours must be two times, e.g. ["07:00", "20:00"]') from None
    if start >= end:
        raise QualitySettingsError("working_hours must start before they end")
    days = settings["working_days"]
    if not isinstance(days, list) or not all(_whole(d, 1) and d <= 7 for d in days):
        raise QualitySettingsError("working_days must list ISO weekdays, 1 (Monday) to 7 (Sunday)")

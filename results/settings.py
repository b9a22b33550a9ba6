"""A period's results settings, under the period's settings key "results" (defaults below): which
channels count in the published index, the elements' weights, the minimum base for a rank, the grade
thresholds, the smallest base the public page shows a figure for and the 18-point scheme."""

import copy
import json

from models import Elements, Grades, InterviewChannels

from . import scheme18

DEFAULTS = {
    "channels": list(InterviewChannels.ALL),  # all count by default: interviews, links, counter, kiosk, paper
    "weights": dict.fromkeys(Elements.ALL, 1.0),  # equal weights (the national weighting is unconfirmed)
    "minimum_base": 30,  # completes a unit needs to be ranked
    # the lowest overall index of each grade, best first; below the last but one: weak
    "grades": [
        [Grades.EXCELLENT, 0.90],
        [Grades.GOOD, 0.80],
        [Grades.FAIR, 0.65],
        [Grades.AVERAGE, 0.50],
        [Grades.WEAK, 0.0],
    ],
    "public_minimum": 5,  # the public page shows no figure for a unit with fewer completes
    "scheme18": scheme18.DEFAULT,  # the optional 18-point scheme, off by default (docs/results.md)
}


class ResultSettingsError(ValueError):
    """A results setting is not usable; the message says which."""


def merged(stored):
    settings = copy.deepcopy(DEFAULTS)
    extra = (json.loads(stored) if stored else {}).get("results") or {}
    unknown = set(extra) - set(DEFAULTS)
    if unknown:
        raise ResultSettingsError(f"unknown results setting: {sorted(unknown)}")
    if isinstance(extra.get("weights"), dict):
        settings["weights"].update(extra.pop("weights"))
    if isinstance(extra.get("scheme18"), dict):  # given in part: the rest is the default's
        settings["scheme18"].update(extra.pop("scheme18"))
    settings.update(extra)
    validate(settings)
    return settings


def validate(settings):
    if not settings["channels"] or set(settings["channels"]) - set(InterviewChannels.ALL):
        raise ResultSettingsError(f"channels must be among {', '.join(InterviewChannels.ALL)}")
    if any(not isinstance(w, (int, float)) or w < 0 for w in settings["weights"].values()):
        raise ResultSettingsError("element weights must be numbers ≥ 0")
    if not isinstance(settings["minimum_base"], int) or settings["minimum_base"] < 1:
        raise ResultSettingsError("minimum_base must be a whole number ≥ 1")
    grades = settings["grades"]
    names = [g[0] for g in grades]
    lows = [g[1] for g in grades]
    if names != list(Grades.ALL) or lows != sorted(lows, reverse=True) or not all(0 <= v <= 1 for v in lows):
        raise ResultSettingsError("grades must list every grade, best first, with falling thresholds in [0, 1]")
    if not isinstance(settings["scheme18"], dict) or not isinstance(settings["scheme18"].get("enabled"), bool):
        raise ResultSettingsError("scheme18 must be an object whose enabled is true or false")
    problem = scheme18.problem(settings["scheme18"])
    if problem:
        raise ResultSettingsError(problem)

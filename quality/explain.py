"""Each flag in words, with its figures (translated: Vietnamese in the back office)."""

import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formatting import date, number
from models import Elements, FlagKinds


def kind_labels():
    return {
        FlagKinds.TOO_SHORT: _l("Too short"),
        FlagKinds.BURST: _l("Too many completes in an hour"),
        FlagKinds.STRAIGHT_LINE: _l("Same answer down an element"),
        FlagKinds.NO_ATTEMPT: _l("No call attempt"),
        FlagKinds.SHARED_PHONE: _l("Phone shared with other cases"),
        FlagKinds.OFF_HOURS: _l("Outside working hours"),
    }


def element_labels():
    """The SIPAS elements (the same words as the results')."""
    return {
        Elements.ACCESS: _("Access to the service"),
        Elements.PROCEDURE: _("Administrative procedures"),
        Elements.CIVIL_SERVANTS: _("Civil servants"),
        Elements.RESULT: _("Results of the service"),
        Elements.FEEDBACK: _("Handling of feedback and complaints"),
        Elements.LEGAL_DOCUMENTS: _("Quality of legal documents"),
    }


def weekday_labels():
    return {
        1: _("Monday"),
        2: _("Tuesday"),
        3: _("Wednesday"),
        4: _("Thursday"),
        5: _("Friday"),
        6: _("Saturday"),
        7: _("Sunday"),
    }


def _too_short(f):
    return _(
        "The interview lasted %(seconds)s seconds, under the questionnaire's minimum of %(minimum)s seconds.",
        seconds=number(f["seconds"]),
        minimum=number(f["minimum"]),
    )


def _burst(f):
    return _(
        "The enumerator's complete no. %(count)s within %(minutes)s minutes (from %(since)s to %(at)s), over "
        "the limit of %(limit)s.",
        count=number(f["count"]),
        minutes=number(f["minutes"]),
        since=f["since"],
        at=f["at"],
        limit=number(f["limit"]),
    )


def _straight_line(f):
    names = element_labels()
    parts = [
        _(
            "%(element)s: all %(n)s answers are %(value)s",
            element=names.get(line["element"], line["element"]),
            n=number(line["questions"]),
            value=line["value"],
        )
        for line in f["elements"]
    ]
    return _("The same answer all the way down: %(parts)s.", parts="; ".join(parts))


def _no_attempt(f):
    return _("A phone interview with no call attempt recorded, and the phone number never shown to anyone.")


def _shared_phone(f):
    return _(
        "The same phone number is behind %(n)s other case(s) answered this period: %(codes)s.",
        n=number(f["cases"]),
        codes=", ".join(f["codes"]) + ("…" if f["cases"] > len(f["codes"]) else ""),
    )


def _off_hours(f):
    day = date(datetime.date.fromisoformat(f["date"]))
    if f["day_off"]:
        return _(
            "Interviewed on %(weekday)s %(day)s (%(start)s–%(end)s), not a working day.",
            weekday=weekday_labels()[f["weekday"]],
            day=day,
            start=f["start"],
            end=f["end"],
        )
    return _(
        "Interviewed on %(day)s from %(start)s to %(end)s, outside the working hours %(open)s–%(close)s.",
        day=day,
        start=f["start"],
        end=f["end"],
        open=f["hours"][0],
        close=f["hours"][1],
    )


SENTENCES = {
    FlagKinds.TOO_SHORT: _too_short,
    FlagKinds.BURST: _burst,
    FlagKinds.STRAIGHT_LINE: _straight_line,
    FlagKinds.NO_ATTEMPT: _no_attempt,
    FlagKinds.SHARED_PHONE: _shared_phone,
    FlagKinds.OFF_HOURS: _off_hours,
}


def explain(flag):
    """The flag (an InterviewFlag) in one sentence with its figures."""
    return SENTENCES[flag.kind](flag.figures)

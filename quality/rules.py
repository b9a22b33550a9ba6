"""The fabrication flags' rules, pure functions over the facts of complete interviews (no database):
each returns the figures its explanation names (a dict), or None when the interview is not flagged.
Which interviews each rule looks at is decided here too (docs/quality.md):
- led by an enumerator (phone, face to face, paper): too short, burst, off hours, straight line;
- a phone interview led in the app: no call attempt;
- every complete, whatever its channel: the same phone behind another case of the period."""

import bisect
import collections
import datetime

from models import FlagKinds, InterviewChannels, InterviewSources

from .settings import clock

Fact = collections.namedtuple(
    "Fact",
    "id period_id case_code enumerator_id channel source started_at ended_at duration_seconds form_id "
    "phone_hash attempted",
)


def led_by_enumerator(fact):
    return fact.channel not in InterviewChannels.SELF


def times_known(fact):
    """Whether the interview's start and end are real times: an imported interview whose file gave at
    most one of them has both at that one (or at the import's time)."""
    if fact.started_at is None or fact.ended_at is None:
        return False
    return not (fact.source == InterviewSources.FILE and fact.started_at == fact.ended_at)


def duration(fact):
    if fact.duration_seconds is not None:
        return fact.duration_seconds
    return int((fact.ended_at - fact.started_at).total_seconds())


def too_short(seconds, minimum):
    return {"seconds": seconds, "minimum": minimum} if seconds < minimum else None


def off_hours(started_at, ended_at, hours, days):
    """Started before the working day's start, ended after its end (or on another day), or on a day off.
    `hours` is (start, end) as times, `days` the working ISO weekdays."""
    start, end = hours
    weekday = started_at.isoweekday()
    day_off = weekday not in days or ended_at.isoweekday() not in days
    late = started_at.time() < start or ended_at.time() > end or ended_at.date() != started_at.date()
    if not (day_off or late):
        return None
    return {
        "start": started_at.strftime("%H:%M"),
        "end": ended_at.strftime("%H:%M"),
        "date": started_at.strftime("%Y-%m-%d"),
        "weekday": weekday,
        "day_off": day_off,
        "hours": [start.strftime("%H:%M"), end.strftime("%H:%M")],
    }


def straight_line(elements, minimum):
    """`elements` is [(element, answers on 1-5, lowest, highest)]; the elements answered the same
    all the way down, with at least `minimum` answers."""
    lines = [
        {"element": element, "value": low, "questions": n}
        for element, n, low, high in sorted(elements)
        if n >= minimum and low == high
    ]
    return {"elements": lines} if lines else None


def bursts(times, limit, minutes):
    """`times` is one enumerator's completes as [(ended_at, interview id)], in any order; {id: figures}
    for each complete that is more than the `limit`-th to end within the `minutes` before it (itself
    included): the count, the window and the first end in it."""
    ordered = sorted(times)
    ends = [t for t, _id in ordered]
    window = datetime.timedelta(minutes=minutes)
    out = {}
    for index, (at, interview_id) in enumerate(ordered):
        first = bisect.bisect_right(ends, at - window)  # ends strictly within (at - window, at]
        count = index + 1 - first
        if count > limit:
            out[interview_id] = {
                "count": count,
                "limit": limit,
                "minutes": minutes,
                "since": ends[first].strftime("%H:%M"),
                "at": at.strftime("%H:%M"),
            }
    return out


def shared_phones(rows, shown=5):
    """`rows` is [(interview id, case code, phone hash)] of one period's completes; {id: figures} for
    each whose phone is also behind another case: how many other cases, and the first few codes."""
    seen = collections.Counter(phone_hash for _id, _code, phone_hash in rows if phone_hash)
    by_phone = collections.defaultdict(list)
    for interview_id, code, phone_hash in rows:
        if phone_hash and seen[phone_hash] > 1:
            by_phone[phone_hash].append((code, interview_id))
    out = {}
    for group in by_phone.values():
        codes = sorted({code for code, _id in group})
        if len(codes) < 2:
            continue
        for code, interview_id in group:
            others = [c for c in codes if c != code]
            out[interview_id] = {"cases": len(others), "codes": others[:shown]}
    return out


def no_attempt(fact):
    """A phone interview led in the app with neither a call attempt nor the phone shown to anyone."""
    if fact.channel != InterviewChannels.PHONE or fact.source == InterviewSources.FILE or fact.attempted:
        return None
    return {}


def prepared(settings):
    """A period's merged settings with the working hours as times and the days as a set (made once for
    all the period's interviews)."""
    return {
        **settings,
        "hours": tuple(clock(h) for h in settings["working_hours"]),
        "days": frozenset(settings["working_days"]),
    }


def evaluate(fact, settings, lines=None, burst=None, shared=None):
    """{kind: figures} of one complete interview, given its period's `prepared` settings, what depends
    on other interviews (its burst and shared-phone figures, computed over their groups) and its
    straight-line elements."""
    flags = {}
    if shared is not None:
        flags[FlagKinds.SHARED_PHONE] = shared
    if not led_by_enumerator(fact):
        return flags
    if times_known(fact):
        minimum = settings["min_duration_by_form"].get(fact.form_id, settings["min_duration_seconds"])
        found = too_short(duration(fact), minimum)
        if found is not None:
            flags[FlagKinds.TOO_SHORT] = found
        found = off_hours(fact.started_at, fact.ended_at, settings["hours"], settings["days"])
        if found is not None:
            flags[FlagKinds.OFF_HOURS] = found
    if burst is not None:
        flags[FlagKinds.BURST] = burst
    found = straight_line(lines, settings["straight_line_questions"]) if lines else None
    if found is not None:
        flags[FlagKinds.STRAIGHT_LINE] = found
    found = no_attempt(fact)
    if found is not None:
        flags[FlagKinds.NO_ATTEMPT] = found
    return flags


def counted_in_bursts(fact):
    """Whether a complete counts in its enumerator's bursts: led by them, with real times."""
    return fact.enumerator_id is not None and led_by_enumerator(fact) and times_known(fact)

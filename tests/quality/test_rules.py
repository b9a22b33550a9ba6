"""The flags' rules on hand-made facts (no database): each threshold just met and just passed."""

import datetime
import json

import pytest

from models import FlagKinds
from quality import rules
from quality.settings import DEFAULTS, QualitySettingsError, merged

T = datetime.datetime(2026, 11, 4, 9, 0)  # a Wednesday
SETTINGS = rules.prepared(merged(None))


def fact(**changes):
    base = rules.Fact(
        id=1,
        period_id=1,
        case_code="HS-1",
        enumerator_id=7,
        channel="phone",
        source=None,
        started_at=T,
        ended_at=T + datetime.timedelta(minutes=10),
        duration_seconds=600,
        form_id="sipas_truc_tiep",
        phone_hash="aa",
        attempted=True,
    )
    return base._replace(**changes)


def test_a_ten_minute_phone_interview_in_office_hours_is_not_flagged():
    assert rules.evaluate(fact(), SETTINGS) == {}


def test_too_short_under_the_minimum_and_the_forms_own_minimum():
    assert rules.evaluate(fact(duration_seconds=180), SETTINGS) == {}
    assert rules.evaluate(fact(duration_seconds=179), SETTINGS) == {
        FlagKinds.TOO_SHORT: {"seconds": 179, "minimum": 180}
    }
    own = rules.prepared(merged('{"quality": {"min_duration_by_form": {"sipas_truc_tiep": 600}}}'))
    assert rules.evaluate(fact(duration_seconds=599), own)[FlagKinds.TOO_SHORT] == {"seconds": 599, "minimum": 600}
    assert rules.evaluate(fact(duration_seconds=599, form_id="other"), own) == {}
    # no stored duration: the end minus the start
    assert rules.evaluate(fact(duration_seconds=None, ended_at=T + datetime.timedelta(seconds=42)), SETTINGS) == {
        FlagKinds.TOO_SHORT: {"seconds": 42, "minimum": 180}
    }


def test_an_imported_interview_without_times_is_not_timed():
    no_times = fact(source="file", ended_at=T, duration_seconds=0, started_at=T.replace(hour=23))
    assert rules.evaluate(no_times._replace(ended_at=no_times.started_at), SETTINGS) == {}
    timed = fact(source="file", duration_seconds=60, ended_at=T + datetime.timedelta(minutes=1))
    assert FlagKinds.TOO_SHORT in rules.evaluate(timed, SETTINGS)


def test_off_hours_before_seven_after_eight_and_on_sunday():
    early = T.replace(hour=6, minute=55)
    found = rules.evaluate(fact(started_at=early, ended_at=early + datetime.timedelta(minutes=10)), SETTINGS)
    assert found == {
        FlagKinds.OFF_HOURS: {
            "start": "06:55",
            "end": "07:05",
            "date": "2026-11-04",
            "weekday": 3,
            "day_off": False,
            "hours": ["07:00", "20:00"],
        }
    }
    ok = T.replace(hour=19, minute=50)
    assert rules.evaluate(fact(started_at=ok, ended_at=ok + datetime.timedelta(minutes=10)), SETTINGS) == {}
    late = ok + datetime.timedelta(minutes=1)
    flags = rules.evaluate(fact(started_at=late, ended_at=late + datetime.timedelta(minutes=10)), SETTINGS)
    assert flags[FlagKinds.OFF_HOURS]["end"] == "20:01"
    sunday = T + datetime.timedelta(days=4)
    flags = rules.evaluate(fact(started_at=sunday, ended_at=sunday + datetime.timedelta(minutes=10)), SETTINGS)
    assert flags[FlagKinds.OFF_HOURS]["day_off"] is True and flags[FlagKinds.OFF_HOURS]["weekday"] == 7
    saturday = T + datetime.timedelta(days=3)
    assert rules.evaluate(fact(started_at=saturday, ended_at=saturday + datetime.timedelta(minutes=10)), SETTINGS) == {}


def test_self_administered_answers_get_only_the_shared_phone_flag():
    web = fact(channel="web", enumerator_id=None, duration_seconds=5, attempted=False, started_at=T.replace(hour=23))
    lines = [("civil_servants", 4, "5", "5")]
    assert rules.evaluate(web, SETTINGS, lines) == {}
    assert rules.evaluate(web, SETTINGS, lines, shared={"cases": 1, "codes": ["HS-2"]}) == {
        FlagKinds.SHARED_PHONE: {"cases": 1, "codes": ["HS-2"]}
    }


def test_straight_line_needs_three_answers_all_the_same():
    assert rules.straight_line([("civil_servants", 4, "5", "5")], 3) == {
        "elements": [{"element": "civil_servants", "value": "5", "questions": 4}]
    }
    assert rules.straight_line([("civil_servants", 4, "4", "5")], 3) is None
    assert rules.straight_line([("access", 2, "5", "5")], 3) is None
    assert rules.straight_line([("access", 3, "1", "1"), ("result", 3, "2", "3")], 3) == {
        "elements": [{"element": "access", "value": "1", "questions": 3}]
    }


def test_no_attempt_only_for_a_phone_interview_led_in_the_app():
    assert rules.evaluate(fact(attempted=False), SETTINGS) == {FlagKinds.NO_ATTEMPT: {}}
    assert rules.evaluate(fact(attempted=False, channel="f2f"), SETTINGS) == {}
    assert rules.evaluate(fact(attempted=False, source="file"), SETTINGS) == {}


def test_burst_flags_the_seventh_complete_within_sixty_minutes():
    # ends at 08:00, 08:10, …, 09:00: seven within (08:00, 09:00] would need 08:00 excluded
    times = [(T.replace(hour=8) + datetime.timedelta(minutes=10 * i), 100 + i) for i in range(7)]
    assert rules.bursts(times, 6, 60) == {}  # 08:00 is exactly 60 minutes before 09:00: outside
    times.append((T.replace(hour=9, minute=5), 107))
    found = rules.bursts(list(reversed(times)), 6, 60)
    assert found == {107: {"count": 7, "limit": 6, "minutes": 60, "since": "08:10", "at": "09:05"}}
    tight = [(T + datetime.timedelta(minutes=i), i) for i in range(9)]
    assert sorted(rules.bursts(tight, 6, 60)) == [6, 7, 8]
    assert rules.bursts(tight, 6, 60)[8]["count"] == 9


def test_shared_phones_name_the_other_cases():
    rows = [(1, "HS-1", "aa"), (2, "HS-2", "aa"), (3, "HS-3", "bb"), (4, "HS-4", None), (5, "HS-5", "aa")]
    assert rules.shared_phones(rows) == {
        1: {"cases": 2, "codes": ["HS-2", "HS-5"]},
        2: {"cases": 2, "codes": ["HS-1", "HS-5"]},
        5: {"cases": 2, "codes": ["HS-1", "HS-2"]},
    }


@pytest.mark.parametrize(
    "extra",
    [
        {"min_duration_seconds": -1},
        {"max_per_hour": 0},
        {"working_hours": ["20:00", "07:00"]},
        {"working_hours": ["7h", "20:00"]},
        {"working_days": [0]},
        {"straight_line_questions": 1},
        {"colour": "red"},
    ],
)
def test_unusable_settings_are_refused(extra):
    with pytest.raises(QualitySettingsError):
        merged(json.dumps({"quality": extra}))


def test_defaults_are_the_documented_ones():
    assert DEFAULTS["min_duration_seconds"] == 180 and DEFAULTS["max_per_hour"] == 6
    assert DEFAULTS["working_hours"] == ["07:00", "20:00"] and 7 not in DEFAULTS["working_days"]

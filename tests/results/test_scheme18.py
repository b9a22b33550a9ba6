"""The 18-point scheme: its rules, points and grades against figures computed by hand (pure), its
settings, and a month compiled with it on."""

import copy
import json

import pytest

from fieldwork import review
from models import Case, Grades, Interview, Period, ResultVersion
from results import scheme18
from results.settings import ResultSettingsError, merged

from .test_compile import compile_json

CASE_RULE = {"source": "cases", "field": "is_late", "values": ["false"], "thresholds": [0.9, 0.7]}
ANSWER_RULE = {
    "source": "answers",
    "question": "thai_do",
    "values": ["4", "5"],
    "exclude": ["khong_y_kien"],
    "thresholds": [0.9, 0.7],
}


def test_a_case_rule_is_the_share_of_cases_with_its_values():
    cases = {("is_late", "false"): 8, ("is_late", "true"): 2, ("channel", "online"): 5}
    assert scheme18.share(CASE_RULE, cases, {}) == (0.8, 10)


def test_an_answer_rule_leaves_out_the_excluded_values():
    answers = {("thai_do", "5"): 6, ("thai_do", "4"): 3, ("thai_do", "2"): 1, ("thai_do", "khong_y_kien"): 4}
    assert scheme18.share(ANSWER_RULE, {}, answers) == (0.9, 10)
    assert scheme18.share(ANSWER_RULE, {}, {("niem_yet", "5"): 3}) == (None, 0)
    assert scheme18.share({"source": None}, {}, answers) == (None, 0)


@pytest.mark.parametrize(
    "share, expected", [(1.0, 2), (0.9, 2), (0.8999, 1), (0.7, 1), (0.6999, 0), (0.0, 0), (None, 0)]
)
def test_points_from_the_two_thresholds(share, expected):
    assert scheme18.points(share, [0.9, 0.7]) == expected


def test_the_default_scheme_by_hand():
    """A unit of 20 cases (2 late, 5 online) whose answers: trips 0, 1, 1, 3 (3 of 4 at most one);
    posting 4, 5, 5, no opinion (3 of 3); attitude 5, 2 (1 of 2); no feedback answers."""
    cases = {("is_late", "false"): 18, ("is_late", "true"): 2, ("channel", "online"): 5, ("channel", "direct"): 15}
    answers = {
        ("so_lan_di_lai", "0"): 1,
        ("so_lan_di_lai", "1"): 2,
        ("so_lan_di_lai", "3"): 1,
        ("niem_yet", "4"): 1,
        ("niem_yet", "5"): 2,
        ("niem_yet", "khong_y_kien"): 1,
        ("thai_do", "5"): 1,
        ("thai_do", "2"): 1,
    }
    result = scheme18.score(scheme18.DEFAULT, cases, answers)
    got = {i["code"]: (i["share"], i["points"], i["flagged"]) for i in result["indices"]}
    assert got == {
        "total_time": (0.9, 2, False),  # 18 of 20 not late
        "agency_time": (None, 0, True),  # no source in this project's data
        "contacts": (0.75, 1, False),
        "agencies": (None, 0, True),
        "one_stop": (None, 0, True),
        "disclosure": (1.0, 2, False),
        "attitude": (0.5, 0, False),
        "feedback": (None, 0, True),  # nobody answered the question
        "online": (0.25, 1, False),  # 5 of 20, at least 0.2
    }
    assert (result["total"], result["grade"]) == (6, Grades.WEAK)
    assert [i["base"] for i in result["indices"]] == [20, 0, 4, 0, 0, 3, 2, 0, 20]


@pytest.mark.parametrize(
    "total, expected",
    [(18, Grades.EXCELLENT), (16, Grades.EXCELLENT), (15, Grades.GOOD), (13, Grades.GOOD), (12, Grades.FAIR)]
    + [(10, Grades.FAIR), (9, Grades.AVERAGE), (7, Grades.AVERAGE), (6, Grades.WEAK), (0, Grades.WEAK)],
)
def test_default_grades(total, expected):
    assert scheme18.grade(total, scheme18.DEFAULT["grades"]) == expected


def test_needs_nothing_when_off_and_the_rules_fields_and_questions_when_on():
    assert scheme18.needs(scheme18.DEFAULT) == ((), ())
    on = {**scheme18.DEFAULT, "enabled": True}
    assert scheme18.needs(on) == (["channel", "is_late"], ["niem_yet", "so_lan_di_lai", "thai_do", "xu_ly_gop_y"])


def _stored(scheme):
    return json.dumps({"results": {"scheme18": scheme}})


def test_settings_take_a_partial_scheme_and_refuse_a_broken_one():
    assert merged(None)["scheme18"]["enabled"] is False
    on = merged(_stored({"enabled": True}))["scheme18"]
    assert on["enabled"] is True and on["indices"] == scheme18.DEFAULT["indices"]
    assert scheme18.DEFAULT["enabled"] is False  # the default is not changed by a period's settings
    broken = copy.deepcopy(scheme18.DEFAULT["indices"])
    for change, words in (
        ({"enabled": "yes"}, "enabled"),
        ({"indices": broken[:8]}, "9 indices"),
        ({"indices": [*broken[:8], {**broken[8], "field": "due_at"}]}, "field"),
        ({"indices": [*broken[:8], {**broken[8], "thresholds": [0.2, 0.5]}]}, "thresholds"),
        ({"indices": [*broken[:8], {**broken[8], "source": "sms"}]}, "source"),
        ({"indices": [*broken[:8], {**broken[8], "values": []}]}, "values"),
        ({"indices": [*broken[:8], {**broken[7]}]}, "differ"),
        ({"grades": [[Grades.EXCELLENT, 20]]}, "grades"),
    ):
        with pytest.raises(ResultSettingsError, match=words):
            merged(_stored(change))


@pytest.fixture
def approved_two(app, submitted_interview, users):
    """Two approved phone interviews (trips 1 twice, posting 4 twice, attitude 5 then 2, no feedback);
    every October case returned on time and in person except one late, online case; the scheme on."""
    first = submitted_interview()
    second = submitted_interview(thai_do="2")
    for interview in (first, second):
        review.approve(interview.id, users["supervisor"])
    period = Period.get(Period.month == "2026-10")
    start, end = period.bounds
    in_month = (Case.returned_at >= start) & (Case.returned_at < end)
    late = Interview.get_by_id(first.id).case_id
    cases = list(Case.select().where(in_month))
    for case in cases:
        case.is_late, case.channel = case.id == late, "online" if case.id == late else "direct"
        case.save()
    _set(period, scheme18={"enabled": True})
    return period, len(cases)


def _set(period, **results):
    """The period's results settings, its other settings kept."""
    settings = json.loads(period.settings or "{}")
    settings["results"] = {**(settings.get("results") or {}), **results}
    period.settings = json.dumps(settings)
    period.save()


def _points(part):
    return {i["code"]: (i["share"], i["points"], i["flagged"]) for i in part["scheme18"]["indices"]}


def test_a_month_compiled_with_the_scheme(runner, approved_two):
    period, cases = approved_two
    assert cases >= 10  # one late, online case in ten or more: total time 2 points, online 0
    compile_json(runner)
    figures = ResultVersion.latest(period).figures_dict()
    province = figures["province"]
    assert _points(province) == {
        "total_time": (pytest.approx((cases - 1) / cases), 2, False),
        "agency_time": (None, 0, True),
        "contacts": (1.0, 2, False),
        "agencies": (None, 0, True),
        "one_stop": (None, 0, True),
        "disclosure": (1.0, 2, False),
        "attitude": (0.5, 0, False),
        "feedback": (None, 0, True),
        "online": (pytest.approx(1 / cases), 0, False),
    }
    assert (province["scheme18"]["total"], province["scheme18"]["grade"]) == (6, Grades.WEAK)
    units = [u["scheme18"] for u in figures["units"]]
    assert all(len(u["indices"]) == 9 for u in units)
    assert sum(u["indices"][0]["base"] for u in units) == cases  # every case in exactly one unit
    assert sum(u["indices"][6]["base"] for u in units) == 2  # the two attitude answers


def test_answers_of_channels_not_counted_do_not_score(runner, approved_two):
    period, cases = approved_two
    _set(period, channels=["f2f"])
    compile_json(runner)
    province = ResultVersion.latest(period).figures_dict()["province"]
    flagged = {i["code"] for i in province["scheme18"]["indices"] if i["flagged"]}
    assert flagged == {"agency_time", "contacts", "agencies", "one_stop", "disclosure", "attitude", "feedback"}
    assert province["scheme18"]["total"] == 2  # the case data still counts: time 2, online 0


def test_a_scheme_turned_off_scores_nothing(runner, approved_two):
    period, _cases = approved_two
    _set(period, scheme18={"enabled": False})
    compile_json(runner)
    figures = ResultVersion.latest(period).figures_dict()
    assert figures["province"]["scheme18"] is None and all(u["scheme18"] is None for u in figures["units"])

"""The results' arithmetic against figures computed by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from results import arithmetic as a

GRADES = [("excellent", 0.90), ("good", 0.80), ("fair", 0.65), ("average", 0.50), ("weak", 0.0)]


def test_aapor_rates_by_hand():
    rates = a.aapor_rates({"I": 40, "P": 5, "R": 10, "NC": 20, "O": 5, "UH": 15, "UO": 5, "NE": 10})
    # interviews 45, eligible non-response 35, unknown 20; e = 80 / 90
    assert rates["RR1"] == pytest.approx(40 / 100)
    assert rates["e"] == pytest.approx(80 / 90)
    assert rates["RR3"] == pytest.approx(40 / (80 + (80 / 90) * 20))  # 0.40909…
    assert rates["COOP1"] == pytest.approx(40 / 60)
    assert rates["REF1"] == pytest.approx(0.1)
    assert rates["CON1"] == pytest.approx(0.6)


def test_a_rate_without_denominator_is_null():
    assert a.aapor_rates({}) == {"RR1": None, "RR3": None, "COOP1": None, "REF1": None, "CON1": None, "e": None}
    only_ineligible = a.aapor_rates({"NE": 4})
    assert only_ineligible["RR1"] is None and only_ineligible["e"] == 0


def test_wilson_interval_by_hand():
    low, high = a.wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    assert a.wilson(0, 0) is None
    assert a.wilson(0, 20)[0] == 0.0 and a.wilson(20, 20)[1] == 1.0


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_wilson_interval_holds_the_share(successes, n):
    successes = min(successes, n)
    low, high = a.wilson(successes, n)
    assert 0 <= low <= successes / n <= high <= 1


def test_a_question_counts_only_the_scale():
    share = a.share_of(["5", "4", "3", "khong_y_kien", None, "2", "4"])
    assert (share.n, share.satisfied) == (5, 3)
    assert share.mean == pytest.approx(3.6) and share.share == pytest.approx(0.6)
    assert share.levels == {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1}
    empty = a.share_of(["khong_y_kien", None])
    assert empty.n == 0 and empty.share is None and empty.mean is None and empty.interval is None


def test_an_element_pools_its_questions():
    first = a.share_of(["5", "4", "3", "2", "4"])  # 3 of 5
    second = a.share_of(["5", "5", "1"])  # 2 of 3
    element = a.pooled([first, second])
    assert (element.n, element.satisfied) == (8, 5)
    assert element.share == pytest.approx(5 / 8)  # not the mean of the shares (0.633…)


def test_overall_index_and_its_interval_by_hand():
    index, (low, high) = a.overall_index({"access": (0.8, 100), "result": (0.6, 50), "feedback": (None, 0)})
    assert index == pytest.approx(0.7)
    # variance = ¼·0.16/100 + ¼·0.24/50 = 0.0016: ±1.96·0.04
    assert low == pytest.approx(0.7 - a.Z95 * 0.04) and high == pytest.approx(0.7 + a.Z95 * 0.04)
    weighted, _ = a.overall_index({"access": (0.8, 100), "result": (0.6, 50)}, {"access": 3, "result": 1})
    assert weighted == pytest.approx(0.75)
    assert a.overall_index({"access": (None, 0)}) == (None, None)


def test_ranking_within_a_level():
    units = {"A": (0.9, 40), "B": (0.8, 40), "C": (0.8, 35), "D": (0.7, 40), "E": (0.95, 10), "F": (None, 0)}
    ranks = a.rank(units, minimum_base=30)
    assert ranks == {
        "A": (1, True),
        "B": (2, True),
        "C": (2, True),
        "D": (4, True),
        "E": (None, False),  # below the base: flagged, not ranked
        "F": (None, False),
    }


def test_grades_from_thresholds():
    assert a.grade(0.95, 40, GRADES) == "excellent"
    assert a.grade(0.80, 40, GRADES) == "good"
    assert a.grade(0.649, 40, GRADES) == "average"
    assert a.grade(0.2, 40, GRADES) == "weak"
    assert a.grade(None, 0, GRADES) == "weak"  # did not survey (seed 004)
    assert a.grade(0.99, 0, GRADES) == "weak"

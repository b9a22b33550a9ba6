"""Allocation of quotas (pure functions): worked examples and Hypothesis properties."""

import random
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sampling.allocation import Quota, allocate, issue_and_reserve, largest_remainder, split_modes


def quotas(result):
    return {unit: q.quota for unit, q in result.items()}


def bounds(result):
    return {unit: q.bound for unit, q in result.items()}


def shuffled(mapping, seed):
    items = list(mapping.items())
    random.Random(seed).shuffle(items)
    return dict(items)


# --- largest_remainder ------------------------------------------------------------------------


def test_largest_remainder_exact_shares():
    assert largest_remainder(100, {"A": 50, "B": 30, "C": 20}) == {"A": 50, "B": 30, "C": 20}


def test_largest_remainder_gives_leftover_to_largest_remainders():
    # shares 3.5, 2.1, 1.4 -> floors 3, 2, 1; one unit left, for A (remainder .5)
    assert largest_remainder(7, {"A": 5, "B": 3, "C": 2}) == {"A": 4, "B": 2, "C": 1}


def test_largest_remainder_ties_go_to_the_first_key():
    assert largest_remainder(1, {"b": 1, "a": 1}) == {"a": 1, "b": 0}
    assert largest_remainder(2, {"c": 1, "b": 1, "a": 1}) == {"a": 1, "b": 1, "c": 0}
    assert largest_remainder(1, {"a": 1, "b": 1}, keys_order=["b", "a"]) == {"b": 1, "a": 0}


def test_largest_remainder_float_weights_are_read_as_decimals():
    assert largest_remainder(10, {"phone": 0.7, "f2f": 0.3}) == {"f2f": 3, "phone": 7}


def test_largest_remainder_zero_weight():
    assert largest_remainder(0, {"A": 0, "B": 0}) == {"A": 0, "B": 0}
    assert largest_remainder(0, {}) == {}
    with pytest.raises(ValueError, match="total weight of 0"):
        largest_remainder(3, {"A": 0, "B": 0})


@pytest.mark.parametrize("args", [(-1, {"A": 1}), (2, {"A": -1, "B": 2}), (1.5, {"A": 1})])
def test_largest_remainder_rejects_bad_input(args):
    with pytest.raises(ValueError):
        largest_remainder(*args)


def test_largest_remainder_rejects_a_wrong_keys_order():
    with pytest.raises(ValueError, match="keys_order"):
        largest_remainder(1, {"a": 1, "b": 1}, keys_order=["a"])


@settings(deadline=None)
@given(
    st.integers(0, 10_000),
    st.dictionaries(st.text(max_size=3), st.integers(0, 1000), min_size=1, max_size=30),
    st.integers(0, 2**32),
)
def test_largest_remainder_properties(total, weights, seed):
    assume(sum(weights.values()) > 0)
    result = largest_remainder(total, weights)
    assert sum(result.values()) == total
    whole = sum(weights.values())
    for key, w in weights.items():
        assert abs(result[key] - Fraction(total * w, whole)) < 1
    assert largest_remainder(total, shuffled(weights, seed)) == result


# --- allocate: worked examples ----------------------------------------------------------------


def test_proportional_allocation():
    result = allocate(100, {"A": 50, "B": 30, "C": 20})
    assert result == {
        "A": Quota(50, Fraction(50), None),
        "B": Quota(30, Fraction(30), None),
        "C": Quota(20, Fraction(20), None),
    }


def test_rounding_by_largest_remainder():
    # shares 4.5, 3.5, 2 -> the leftover unit goes to A (tie on .5, A sorts first)
    assert quotas(allocate(10, {"A": 90, "B": 70, "C": 40}, minimum=0)) == {"A": 5, "B": 3, "C": 2}


def test_minimum_moves_a_small_unit():
    # Plain shares 11.5, 6.9, 1.6: C is raised to 5, and A and B share the 15 left.
    result = allocate(20, {"A": 575, "B": 345, "C": 80})
    assert quotas(result) == {"A": 9, "B": 6, "C": 5}
    assert bounds(result) == {"A": None, "B": None, "C": "minimum"}
    # Over 920 cases: 9.375 and 5.625 -> 9 and 5, the leftover unit to B (remainder .625).
    assert result["A"].share == Fraction(15 * 575, 920)


def test_minimum_is_never_more_than_the_unit_has():
    result = allocate(100, {"A": 500, "B": 300, "C": 20, "D": 3, "E": 0})
    assert quotas(result) == {"A": 58, "B": 34, "C": 5, "D": 3, "E": 0}
    assert bounds(result) == {"A": None, "B": None, "C": "minimum", "D": "minimum", "E": None}


def test_units_without_eligible_cases_get_nothing():
    assert quotas(allocate(10, {"A": 0, "B": 40})) == {"A": 0, "B": 10}
    assert quotas(allocate(10, {"A": 0, "B": 0})) == {"A": 0, "B": 0}


def test_total_above_all_eligible_gives_every_case_and_reports_the_shortfall():
    result = allocate(1000, {"A": 100, "B": 50, "C": 10})
    assert quotas(result) == {"A": 100, "B": 50, "C": 10}
    assert set(bounds(result).values()) == {"cap"}
    assert 1000 - sum(quotas(result).values()) == 840


def test_total_equal_to_all_eligible_gives_every_case_unbound():
    result = allocate(160, {"A": 100, "B": 50, "C": 10})
    assert quotas(result) == {"A": 100, "B": 50, "C": 10}
    assert set(bounds(result).values()) == {None}


def test_caps_bind_only_when_the_total_reaches_every_case():
    # Weights are the caps, so a share above the cap means the total exceeds all eligible cases.
    result = allocate(30, {"A": 20, "B": 4, "C": 3})
    assert quotas(result) == {"A": 20, "B": 4, "C": 3}
    assert bounds(result) == {"A": "cap", "B": "cap", "C": "cap"}
    assert result["A"].share == Fraction(30 * 20, 27)


def test_floors_and_an_override_together():
    # D's override takes 50; the other 50 are shared by A, B, C: B and C are raised to their floor
    # (C has only 3 cases, so 3), and A takes the 42 left.
    result = allocate(100, {"A": 200, "B": 10, "C": 3, "D": 60}, overrides={"D": 50})
    assert quotas(result) == {"A": 42, "B": 5, "C": 3, "D": 50}
    assert bounds(result) == {"A": None, "B": "minimum", "C": "minimum", "D": "override"}


def test_minimums_exceeding_the_total_go_by_decreasing_eligible_cases():
    result = allocate(12, {"C": 10, "A": 100, "B": 50})
    assert quotas(result) == {"A": 5, "B": 5, "C": 2}
    assert set(bounds(result).values()) == {"minimum"}
    # Ties on eligible cases go by key order; units reached after the total is used get 0.
    assert quotas(allocate(7, {"b": 40, "a": 40, "c": 40, "z": 0})) == {"a": 5, "b": 2, "c": 0, "z": 0}


def test_overrides_are_fixed_and_the_rest_is_shared():
    result = allocate(100, {"A": 100, "B": 50, "C": 10}, overrides={"B": 50})
    assert quotas(result) == {"A": 45, "B": 50, "C": 5}
    assert bounds(result) == {"A": None, "B": "override", "C": "minimum"}
    assert quotas(allocate(100, {"A": 100, "B": 50}, overrides={"A": 0})) == {"A": 0, "B": 50}


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"B": 51}, "between 0 and its 50 eligible"),
        ({"B": -1}, "between 0 and its 50 eligible"),
        ({"X": 1}, "unknown unit"),
        ({"A": 100, "B": 50}, "more than the total"),
    ],
)
def test_bad_overrides_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        allocate(100, {"A": 100, "B": 50}, overrides=overrides)


@pytest.mark.parametrize("args", [(-1, {"A": 1}), (10, {"A": -1}), (10, {"A": 2.5}), (10.0, {"A": 1})])
def test_allocate_rejects_bad_counts(args):
    with pytest.raises(ValueError):
        allocate(*args)


# --- allocate: properties ---------------------------------------------------------------------

units = st.dictionaries(st.text("ABCDEFGHXYZ", min_size=1, max_size=3), st.integers(0, 5000), max_size=60)


def check_allocation(total, eligible, result, minimum, overrides=None):
    """The invariants every allocation satisfies."""
    overrides = overrides or {}
    assert list(result) == sorted(eligible, key=lambda k: (str(k), repr(k)))
    got = quotas(result)
    others = {u: e for u, e in eligible.items() if u not in overrides}
    floors = {u: min(minimum, e) for u, e in others.items()}
    remaining = total - sum(overrides.values())
    assert sum(got.values()) == min(total, sum(overrides.values()) + sum(others.values()))
    for unit, quota in overrides.items():
        assert result[unit] == Quota(quota, result[unit].share, "override")
    for unit, e in others.items():
        assert 0 <= got[unit] <= e
        if e == 0:
            assert got[unit] == 0 and result[unit].bound is None
    if sum(floors.values()) > remaining:  # minimums exceed the total: floors by decreasing size
        left = remaining
        for unit in sorted(others, key=lambda u: (-others[u], u)):
            assert got[unit] == min(floors[unit], left)
            left -= got[unit]
        return
    free = {u: e for u, e in others.items() if result[u].bound is None}
    assert {result[u].bound for u in others} <= {None, "minimum", "cap"}
    for unit, e in others.items():
        assert floors[unit] <= got[unit] <= e
        if result[unit].bound == "minimum":
            assert got[unit] == floors[unit] and result[unit].share < floors[unit]
        elif result[unit].bound == "cap":
            assert got[unit] == e and result[unit].share > e
        else:
            assert floors[unit] <= result[unit].share <= e
    rest = remaining - sum(got[u] for u in others if u not in free)
    if sum(free.values()) and rest <= sum(free.values()):
        for unit, e in free.items():
            exact = Fraction(rest * e, sum(free.values()))
            assert result[unit].share == exact
            assert abs(got[unit] - exact) < 1
    if not overrides and all(q.bound is None for q in result.values()) and sum(eligible.values()):
        for unit, e in eligible.items():
            assert abs(got[unit] - Fraction(total * e, sum(eligible.values()))) < 1


@settings(deadline=None)
@given(st.one_of(st.integers(0, 300), st.integers(0, 300_000)), units, st.integers(0, 10), st.integers(0, 2**32))
def test_allocation_properties(total, eligible, minimum, seed):
    result = allocate(total, eligible, minimum=minimum)
    check_allocation(total, eligible, result, minimum)
    assert allocate(total, shuffled(eligible, seed), minimum=minimum) == result


@settings(deadline=None)
@given(units, st.data())
def test_allocation_within_all_eligible_and_fitting_floors_uses_the_whole_total(eligible, data):
    total = data.draw(st.integers(sum(min(5, e) for e in eligible.values()), sum(eligible.values())))
    result = allocate(total, eligible)
    assert sum(quotas(result).values()) == total
    assert "cap" not in bounds(result).values()  # weights equal caps: no cap below the whole population


@settings(deadline=None)
@given(st.integers(0, 20_000), units, st.data())
def test_allocation_properties_with_overrides(total, eligible, data):
    overridden = data.draw(st.lists(st.sampled_from(sorted(eligible)), unique=True) if eligible else st.just([]))
    overrides = {u: data.draw(st.integers(0, eligible[u])) for u in overridden}
    assume(sum(overrides.values()) <= total)
    result = allocate(total, eligible, overrides=overrides)
    check_allocation(total, eligible, result, 5, overrides)
    seed = data.draw(st.integers(0, 2**32))
    assert allocate(total, shuffled(eligible, seed), overrides=shuffled(overrides, seed)) == result


# --- split_modes ------------------------------------------------------------------------------


def test_split_modes_by_share():
    assert split_modes(10, {"phone": 0.7, "f2f": 0.3}, {"phone": 50, "f2f": 50}) == {"f2f": 3, "phone": 7}


def test_split_modes_moves_a_capped_surplus():
    assert split_modes(10, {"phone": 0.7, "f2f": 0.3}, {"phone": 5, "f2f": 20}) == {"f2f": 5, "phone": 5}
    shares = {"phone": 0.5, "f2f": 0.25, "web": 0.25}
    assert split_modes(20, shares, {"phone": 4, "f2f": 100, "web": 100}) == {"f2f": 8, "phone": 4, "web": 8}


def test_split_modes_zero_share_and_no_room():
    result = split_modes(10, {"phone": 0.7, "f2f": 0.3, "web": 0}, {"phone": 5, "f2f": 2, "web": 10})
    assert result == {"f2f": 2, "phone": 5, "web": 0}  # 3 left out: no mode with a share has room
    assert split_modes(4, {"phone": 1, "f2f": 0}, {"phone": 9}) == {"f2f": 0, "phone": 4}
    with pytest.raises(ValueError, match="all 0"):
        split_modes(4, {"phone": 0}, {"phone": 9})


@settings(deadline=None)
@given(
    st.integers(0, 500),
    st.dictionaries(
        st.sampled_from(["phone", "f2f", "web", "mail"]), st.tuples(st.integers(0, 10), st.integers(0, 300)), min_size=1
    ),
    st.integers(0, 2**32),
)
def test_split_modes_properties(quota, modes, seed):
    shares = {m: s for m, (s, _) in modes.items()}
    eligible = {m: e for m, (_, e) in modes.items()}
    assume(sum(shares.values()) > 0)
    result = split_modes(quota, shares, eligible)
    room = sum(e for m, e in eligible.items() if shares[m] > 0)
    assert sum(result.values()) == min(quota, room)
    for mode, n in result.items():
        assert 0 <= n <= eligible[mode]
        if shares[mode] == 0:
            assert n == 0
    if all(Fraction(quota * s, sum(shares.values())) <= eligible[m] for m, s in shares.items()):
        for mode, s in shares.items():  # nothing capped: plain largest remainder
            assert abs(result[mode] - Fraction(quota * s, sum(shares.values()))) < 1
    assert split_modes(quota, shuffled(shares, seed), shuffled(eligible, seed)) == result


# --- issue_and_reserve ------------------------------------------------------------------------


def test_issue_and_reserve_examples():
    assert issue_and_reserve(10, 0.5, 100) == (20, 20)
    assert issue_and_reserve(7, 0.7, 100) == (10, 10)  # 0.7 read exactly: not 11
    assert issue_and_reserve(10, 0.5, 25) == (20, 5)
    assert issue_and_reserve(10, 0.3, 20) == (20, 0)
    assert issue_and_reserve(10, 1, 100, reserve_ratio=0.25) == (10, 3)
    assert issue_and_reserve(0, 0.5, 100) == (0, 0)


@pytest.mark.parametrize("rate", [0, -0.1, 1.01, float("nan")])
def test_issue_and_reserve_rejects_a_bad_response_rate(rate):
    with pytest.raises(ValueError):
        issue_and_reserve(10, rate, 100)


@settings(deadline=None)
@given(st.integers(0, 1000), st.fractions(Fraction(1, 100), 1), st.integers(0, 5000), st.fractions(0, 3))
def test_issue_and_reserve_properties(quota, rate, eligible, ratio):
    issued, reserve = issue_and_reserve(quota, rate, eligible, ratio)
    assert 0 <= issued <= eligible and reserve >= 0
    assert issued + reserve <= eligible
    assert issued == eligible or issued * rate >= quota > (issued - 1) * rate
    assert reserve == eligible - issued or reserve >= issued * ratio > reserve - 1

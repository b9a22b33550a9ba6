"""The draw as pure functions: reproducible, without replacement, stratified at every prefix."""

import collections

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sampling.draw import drawn_order, stratum_stream


def test_same_seed_same_order_other_seed_other_order():
    ids = list(range(1, 1001))
    a = list(stratum_stream("2026-10:42", "X01", "phone", "Hộ tịch", ids))
    b = list(stratum_stream("2026-10:42", "X01", "phone", "Hộ tịch", ids))
    c = list(stratum_stream("2026-10:43", "X01", "phone", "Hộ tịch", ids))
    assert a == b and a != c
    assert sorted(a) == ids  # a permutation: without replacement


def test_known_values_do_not_change_with_python_versions():
    """Pinned: an auditor redoing a draw years later must get this exact order."""
    order = list(stratum_stream("S", "U", "phone", "F", list(range(10))))
    assert order == EXPECTED_PINNED


EXPECTED_PINNED = [2, 4, 3, 1, 8, 5, 6, 7, 9, 0]


@settings(deadline=None, max_examples=300)
@example({"Hộ tịch": 1, "Đất đai": 1, "Chứng thực": 1, "Xây dựng": 14, "Thuế": 14}, 20, "")  # greedy failed here
@given(
    st.dictionaries(
        st.sampled_from(["Hộ tịch", "Đất đai", "Chứng thực", "Xây dựng", "Thuế"]), st.integers(0, 60), min_size=1
    ),
    st.integers(0, 200),
    st.text(max_size=8),
)
def test_every_prefix_is_stratified_within_one(sizes, size, seed):
    strata, next_id = {}, 1
    for name, n in sizes.items():
        strata[name] = list(range(next_id, next_id + n))
        next_id += n
    total = sum(sizes.values())
    order = drawn_order(seed, "X01", "phone", strata, size)
    assert len(order) == min(size, total)
    assert len({case for case, _ in order}) == len(order)
    for case, stratum in order:
        assert case in strata[stratum]
    counts = collections.Counter()
    for step, (_, stratum) in enumerate(order, 1):
        counts[stratum] += 1
        for name, n in sizes.items():
            assert abs(counts[name] - n * step / total) < 1 + 1e-9
    assert drawn_order(seed, "X01", "phone", dict(reversed(list(strata.items()))), size) == order

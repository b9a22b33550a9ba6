"""The pure re-check draw: quotas, the earliest work first, flagged interviews added, the seed's
contract (anyone can replay it), the deal to auditors; cases computed by hand."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from rechecks.draw import assign, choose, choose_for, quota, shuffled


class FixedRandom:
    """A stand-in for random.Random whose random() gives these values in turn."""

    def __init__(self, values):
        self.values = list(values)

    def random(self):
        return self.values.pop(0)


def test_quota_is_the_share_rounded_up_at_least_one_at_most_all():
    assert quota(30, 0.1) == 3  # not 4: 0.1 × 30 in floats is 3.0000000000000004
    assert quota(31, 0.1) == 4
    assert quota(5, 0.1) == 1
    assert quota(10, 0.15) == 2
    assert quota(3, 1) == 3
    assert quota(0, 0.1) == 0


def test_partial_shuffle_computed_by_hand():
    # i=0: j=0+int(0.0*4)=0 · i=1: j=1+int(0.5*3)=2, swap → 10 30 20 40 · i=2: j=2+int(0.99*2)=3 → 10 30 40 20
    assert shuffled(FixedRandom([0.0, 0.5, 0.99]), [10, 20, 30, 40], 3) == [10, 30, 40]
    assert shuffled(FixedRandom([0.99, 0.0]), [10, 20], 5) == [20, 10]


def test_half_the_quota_comes_from_the_earliest_work_and_is_ranked_first():
    ids = list(range(100, 125))  # 25 interviews in work order; share 0.2 → 5; 3 early (of the first 10), 2 later
    rows = choose({7: ids}, [], "s1", 0.2, 10)
    assert [r[3] for r in rows] == [1, 2, 3, 4, 5]
    assert all(r[0] in ids[:10] for r in rows[:3])
    assert all(r[0] in ids[10:] for r in rows[3:])
    assert {r[1] for r in rows} == {7} and {r[2] for r in rows} == {"random"}


def test_the_seed_string_is_the_contract():
    ids = list(range(1, 31))
    early = shuffled(random.Random("abc|recheck|7|early"), ids[:10], 2)
    later = shuffled(random.Random("abc|recheck|7|later"), ids[10:], 1)
    assert choose_for("abc", 7, ids, 0.1, 10) == early + later


def test_few_interviews_are_drawn_among_them_all_and_at_least_one():
    rows = choose({1: [5, 6, 7], 2: [9]}, [], "s", 0.1, 10)
    assert [(r[1], r[3]) for r in rows] == [(1, 1), (2, 1)]
    assert rows[0][0] in (5, 6, 7) and rows[1][0] == 9


def test_too_few_later_interviews_are_made_up_from_the_earliest():
    ids = list(range(1, 12))  # 11 interviews, window 10, share 0.5 → 6: 3 early, the 1 later, 2 more early
    rows = choose({3: ids}, [], "s", 0.5, 10)
    assert len({r[0] for r in rows}) == 6
    assert rows[3][0] == 11
    assert all(r[0] <= 10 for r in rows[:3] + rows[4:])


def test_every_flagged_interview_is_added_after_the_drawn_ones():
    ids = list(range(1, 21))
    drawn = [r[0] for r in choose({4: ids}, [], "s", 0.1, 10)]
    not_drawn = [i for i in ids if i not in drawn]
    flagged = [drawn[0], not_drawn[-1], not_drawn[0], 999]  # 999: not in the frame, ignored
    rows = choose({4: ids}, flagged, "s", 0.1, 10)
    assert [r[0] for r in rows[: len(drawn)]] == drawn  # the random part does not move
    assert [(r[0], r[2], r[3]) for r in rows[len(drawn) :]] == [
        (not_drawn[0], "flagged", len(drawn) + 1),
        (not_drawn[-1], "flagged", len(drawn) + 2),
    ]


def test_same_seed_same_sample_another_seed_another():
    frame = {1: list(range(1, 201)), 2: list(range(201, 401))}
    assert choose(frame, [], "x", 0.1, 10) == choose(frame, [], "x", 0.1, 10)
    assert choose(frame, [], "x", 0.1, 10) != choose(frame, [], "y", 0.1, 10)


def test_the_cases_are_dealt_to_auditors_in_turn_by_rank():
    rows = [(1, 10, "random", 1), (2, 10, "random", 2), (3, 11, "random", 1)]
    assert assign(rows, [5, 4]) == {1: 4, 3: 5, 2: 4}
    assert assign(rows, []) == {}


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=6),
    share=st.sampled_from([0.05, 0.1, 0.15, 0.2, 0.5, 1]),
    window=st.integers(min_value=1, max_value=20),
    seed=st.text(alphabet="abc123", min_size=1, max_size=8),
)
def test_every_enumerator_gets_their_quota_earliest_work_first(sizes, share, window, seed):
    frame, start = {}, 1
    for e, n in enumerate(sizes, 1):
        frame[e] = list(range(start, start + n))
        start += n
    rows = choose(frame, [], seed, share, window)
    assert rows == choose(frame, [], seed, share, window)
    for e, ids in frame.items():
        mine = [r for r in rows if r[1] == e]
        q = quota(len(ids), share)
        assert [r[3] for r in mine] == list(range(1, q + 1))
        assert len({r[0] for r in mine}) == q and {r[0] for r in mine} <= set(ids)
        if len(ids) > window:
            assert all(r[0] in ids[:window] for r in mine[: min((q + 1) // 2, window)])

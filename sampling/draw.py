"""The reproducible draw: per-stratum random order from a recorded seed, interleaved by stratum."""

import random


def stratum_stream(seed, unit_code, mode, stratum, ids):
    """Yield `ids` (sorted case ids of one stratum) in a random order fixed by the seed.

    A partial Fisher–Yates shuffle driven only by `Random.random()`, whose sequence Python
    guarantees across versions: anyone with the seed and the same ids gets the same order.
    """
    rng = random.Random(f"{seed}|{unit_code}|{mode}|{stratum}")
    n = len(ids)
    swapped = {}
    for i in range(n):
        j = i + int(rng.random() * (n - i))
        yield swapped.get(j, ids[j])
        swapped[j] = swapped.get(i, ids[i])


def drawn_order(seed, unit_code, mode, strata, size):
    """The first `size` cases of a unit's drawn order: [(case_id, stratum)], every prefix
    stratified within one case of the strata's proportions.

    At each step, among the strata not ahead of their share, the one whose next case is due
    earliest goes next (earliest-deadline-first, as in Tijdeman's chairman assignment)."""
    sizes = {s: len(ids) for s, ids in strata.items() if ids}
    total = sum(sizes.values())
    names = sorted(sizes)
    streams = {s: stratum_stream(seed, unit_code, mode, s, strata[s]) for s in names}
    taken = dict.fromkeys(names, 0)
    rank = {s: i for i, s in enumerate(names)}
    order = []
    for step in range(1, min(size, total) + 1):
        open_ = [s for s in names if taken[s] < sizes[s]]
        due = [s for s in open_ if sizes[s] * step >= taken[s] * total] or open_
        # (taken + 1) / size: equal fractions give equal floats, distinct ones (sizes < 2**26) distinct floats
        best = min(due, key=lambda s: ((taken[s] + 1) / sizes[s], rank[s]))
        order.append((next(streams[best]), best))
        taken[best] += 1
    return order

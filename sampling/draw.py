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
    stratified in proportion to the strata (the stratum furthest behind its share goes next)."""
    total = sum(len(ids) for ids in strata.values())
    size = min(size, total)
    names = sorted(s for s, ids in strata.items() if ids)
    streams = {s: stratum_stream(seed, unit_code, mode, s, strata[s]) for s in names}
    taken = dict.fromkeys(names, 0)
    order = []
    for step in range(1, size + 1):
        best = max(names, key=lambda s: (len(strata[s]) * step / total - taken[s], -names.index(s))
                   if taken[s] < len(strata[s]) else (float("-inf"), 0))
        order.append((next(streams[best]), best))
        taken[best] += 1
    return order

"""The re-check draw, pure: input rows in, chosen interview ids out, fixed by a recorded seed.

For each enumerator (by user id), their approved interviews in the order of their work (end time,
then id) form a stratum of n interviews; the enumerator's quota is q = ceil(share × n), at least one
and at most n. The first ceil(q / 2) re-checks (at most `early_window`) are drawn at random among
the enumerator's first `early_window` interviews (their earliest work), the rest among their later
interviews (if these are too few, among the earliest ones left); an enumerator with no more than
`early_window` interviews has all q drawn among them. Ranks 1, 2… follow that order: the earliest
work is re-checked first. Every flagged interview of the frame not drawn is then added, reason
"flagged", ranked after the drawn ones in work order."""

import math
import random
from fractions import Fraction

from models import RecheckReasons


def quota(n, share):
    """ceil(share × n) re-checks for n interviews, at least one, at most n; exact for shares written in
    decimals (0.1 × 30 is 3, not 4 as float arithmetic would round it up)."""
    if n <= 0:
        return 0
    return min(n, max(1, math.ceil(Fraction(str(share)) * n)))


def shuffled(rng, ids, k):
    """The first k of `ids` in a random order: a partial Fisher–Yates shuffle driven only by
    `rng.random()`, whose sequence Python guarantees across versions for a given seed."""
    ids = list(ids)
    n = len(ids)
    for i in range(min(k, n)):
        j = i + int(rng.random() * (n - i))
        ids[i], ids[j] = ids[j], ids[i]
    return ids[: min(k, n)]


def _stream(seed, enumerator, part):
    return random.Random(f"{seed}|recheck|{enumerator}|{part}")


def choose_for(seed, enumerator, ids, share, early_window):
    """The drawn interviews of one enumerator, in rank order: `ids` in work order."""
    q = quota(len(ids), share)
    if len(ids) <= early_window:
        return shuffled(_stream(seed, enumerator, "early"), ids, q)
    early, later = ids[:early_window], ids[early_window:]
    first = shuffled(_stream(seed, enumerator, "early"), early, math.ceil(q / 2))
    rest = shuffled(_stream(seed, enumerator, "later"), later, q - len(first))
    if len(first) + len(rest) < q:  # too few later ones: the earliest left make up the quota
        chosen = set(first)
        left = [i for i in early if i not in chosen]
        rest += shuffled(_stream(seed, enumerator, "early-rest"), left, q - len(first) - len(rest))
    return first + rest


def choose(frame, flagged, seed, share, early_window):
    """[(interview_id, enumerator_id, reason, rank)] for `frame` {enumerator_id: [interview ids in work
    order]} and `flagged` (interview ids), by enumerator id then rank."""
    flagged = set(flagged)
    out = []
    for enumerator in sorted(frame):
        ids = frame[enumerator]
        drawn = choose_for(seed, enumerator, ids, share, early_window)
        taken = set(drawn)
        extra = [i for i in ids if i in flagged and i not in taken]
        out.extend((i, enumerator, RecheckReasons.RANDOM, rank) for rank, i in enumerate(drawn, 1))
        out.extend((i, enumerator, RecheckReasons.FLAGGED, rank) for rank, i in enumerate(extra, len(drawn) + 1))
    return out


def assign(rows, auditors):
    """{interview_id: auditor id}: the rows dealt to the auditors (ids, sorted) in turn, by rank then
    enumerator, so that every auditor gets a share of each enumerator's earliest re-checks."""
    auditors = sorted(auditors)
    if not auditors:
        return {}
    order = sorted(rows, key=lambda r: (r[3], r[1]))
    return {row[0]: auditors[i % len(auditors)] for i, row in enumerate(order)}

"""Allocation of interview quotas: largest remainder, minimum and cap per unit, overrides, modes, issued sample.

Pure functions on plain dicts; all arithmetic is exact (fractions), and every result is
independent of dict insertion order: ties go to the key that sorts first (keys compared as text).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil

MINIMUM = "minimum"
CAP = "cap"
OVERRIDE = "override"


@dataclass(frozen=True)
class Quota:
    """One unit's quota, its exact proportional share at the final level, and what bound it (None if free)."""

    quota: int
    share: Fraction
    bound: str | None = None


def _ordered(keys) -> list:
    """Keys sorted as text (then by repr), the deterministic tie-break order."""
    return sorted(keys, key=lambda k: (str(k), repr(k)))


def _exact(x) -> Fraction:
    """A number as an exact fraction; a float is read as its shortest decimal (0.7 is 7/10)."""
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


def _count(name: str, value) -> int:
    """Check that value is a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def largest_remainder(total: int, weights: Mapping, keys_order: Sequence | None = None) -> dict:
    """Split total in proportion to weights (Hamilton); zero total weight: all 0, ValueError unless total is 0."""
    _count("total", total)
    order = _ordered(weights) if keys_order is None else list(keys_order)
    if len(order) != len(weights) or set(order) != set(weights):
        raise ValueError("keys_order must list each key of weights exactly once")
    exact = {k: _exact(weights[k]) for k in order}
    if any(w < 0 for w in exact.values()):
        raise ValueError("weights must be non-negative")
    whole = sum(exact.values())
    if whole == 0:
        if total:
            raise ValueError(f"cannot split {total} over a total weight of 0")
        return dict.fromkeys(order, 0)
    shares = {k: total * w / whole for k, w in exact.items()}
    result = {k: int(s) for k, s in shares.items()}  # shares are >= 0: int() is the floor
    left = total - sum(result.values())
    by_remainder = sorted(range(len(order)), key=lambda i: (-(shares[order[i]] - result[order[i]]), i))
    for i in by_remainder[:left]:
        result[order[i]] += 1
    return result


def _level(total: int, weights: dict, floors: dict, caps: dict) -> Fraction:
    """The level λ at which min(max(λ·w, floor), cap) adds up to total (or to all caps if less); w are Fractions."""
    if not weights:
        return Fraction(0)

    def filled(lam):
        return sum(min(max(lam * w, floors[k]), caps[k]) for k, w in weights.items())

    points = sorted({floors[k] / w for k, w in weights.items()} | {caps[k] / w for k, w in weights.items()})
    if filled(points[-1]) <= total:  # everyone reaches the cap
        return max(points[-1], total / sum(weights.values()))
    lo, hi = 0, len(points) - 1  # invariant: filled(points[lo]) <= total < filled(points[hi])
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if filled(points[mid]) <= total else (lo, mid)
    a, b = points[lo], points[hi]  # filled is linear on [a, b]: solve it there
    free = {k: w for k, w in weights.items() if floors[k] / w <= a and caps[k] / w >= b}
    fixed = sum(min(max(a * w, floors[k]), caps[k]) for k, w in weights.items() if k not in free)
    return (total - fixed) / sum(free.values())


def _fill(total: int, weights: dict, floors: dict, caps: dict) -> tuple:
    """Clamp proportional shares to [floor, cap], spread the rest over the free keys; return (quotas, bounds, level)."""
    positive = {k: Fraction(w) for k, w in weights.items() if w > 0}
    lam = _level(total, positive, floors, caps)
    quotas = dict.fromkeys(weights, 0)
    bounds = dict.fromkeys(weights)
    free = {}
    for k, w in positive.items():
        if lam * w < floors[k]:
            quotas[k], bounds[k] = floors[k], MINIMUM
        elif lam * w > caps[k]:
            quotas[k], bounds[k] = caps[k], CAP
        else:
            free[k] = w
    rest = sum(lam * w for w in free.values())  # an integer: the total less the bound quotas
    quotas.update(largest_remainder(int(rest), free))
    return quotas, bounds, lam


def allocate(total: int, eligible: Mapping, minimum: int = 5, overrides: Mapping | None = None) -> dict:
    """Allocate total interviews over units in proportion to eligible cases; return {unit: Quota} in sorted key order.

    - Each unit gets at least its floor min(minimum, eligible) and at most its eligible cases (cap);
      units bound by the floor or the cap are fixed there and the rest is shared by the others
      (exactly the fixed point of "fix, recompute, repeat"), then rounded by largest remainder.
      As weights equal caps, a cap only binds when the total reaches all eligible cases.
    - total >= sum of eligible: every unit gets all its cases; above it, the quotas add up to less
      than total and are marked bound="cap" (compare their sum with total to report the shortfall).
    - Minimums exceeding the total: units get their floor one after the other, by decreasing
      eligible cases (ties: key order), until the total is used up; the unit reached last may get
      part of its floor and the following ones 0. All are marked bound="minimum" (save 0-case units).
    - overrides {unit: quota} are fixed as given (ValueError if negative, above the unit's eligible
      cases, for an unknown unit, or adding up to more than total); the others share the rest.
    - Units with 0 eligible cases get 0. `share` is the unit's exact share λ·eligible at the level
      λ reached by the free units (for free units, quota is within 1 of it).
    """
    _count("total", total)
    _count("minimum", minimum)
    for unit, cases in eligible.items():
        _count(f"eligible[{unit!r}]", cases)
    overrides = dict(overrides or {})
    for unit, quota in overrides.items():
        if unit not in eligible:
            raise ValueError(f"override for unknown unit {unit!r}")
        if isinstance(quota, bool) or not isinstance(quota, int) or not 0 <= quota <= eligible[unit]:
            raise ValueError(
                f"override for unit {unit!r} must be an integer between 0 and its "
                f"{eligible[unit]} eligible cases, got {quota!r}"
            )
    remaining = total - sum(overrides.values())
    if remaining < 0:
        raise ValueError(f"overrides add up to {sum(overrides.values())}, more than the total {total}")
    others = {u: eligible[u] for u in _ordered(eligible) if u not in overrides}
    floors = {u: min(minimum, e) for u, e in others.items()}
    weight = sum(others.values())
    if sum(floors.values()) > remaining:
        lam = Fraction(remaining, weight)
        quotas, bounds, left = {}, {}, remaining
        for u in sorted(others, key=lambda u: -others[u]):  # stable: ties keep key order
            quotas[u] = min(floors[u], left)
            bounds[u] = MINIMUM if others[u] else None
            left -= quotas[u]
    else:
        quotas, bounds, lam = _fill(remaining, others, floors, others)
    result = {}
    for u in _ordered(eligible):
        if u in overrides:
            result[u] = Quota(overrides[u], lam * eligible[u], OVERRIDE)
        else:
            result[u] = Quota(quotas[u], lam * eligible[u], bounds[u])
    return result


def split_modes(quota: int, shares: Mapping, eligible_by_mode: Mapping) -> dict:
    """Split one unit's quota over interview modes by share (largest remainder), each capped at its eligible cases.

    A capped mode's surplus goes to the other modes with a positive share, in proportion, while they
    have room; what no mode can take is left out (the result then adds up to less than quota).
    Modes with share 0 get 0; a mode missing from eligible_by_mode has no eligible cases.
    """
    _count("quota", quota)
    caps = {m: _count(f"eligible_by_mode[{m!r}]", eligible_by_mode.get(m, 0)) for m in _ordered(shares)}
    weights = {m: _exact(shares[m]) for m in caps}
    if any(w < 0 for w in weights.values()):
        raise ValueError("mode shares must be non-negative")
    if quota and not any(weights.values()):
        raise ValueError(f"cannot split a quota of {quota} over modes whose shares are all 0")
    quotas, _, _ = _fill(quota, weights, dict.fromkeys(caps, 0), caps)
    return quotas


def issue_and_reserve(quota: int, response_rate, eligible: int, reserve_ratio=1.0) -> tuple:
    """Return (issued, reserve): issued = ceil(quota / response_rate) capped at eligible,
    reserve = min(eligible - issued, ceil(issued * reserve_ratio)); response_rate must be in (0, 1]."""
    _count("quota", quota)
    _count("eligible", eligible)
    rate, ratio = _exact(response_rate), _exact(reserve_ratio)
    if not 0 < rate <= 1:
        raise ValueError(f"response_rate must be in (0, 1], got {response_rate!r}")
    if ratio < 0:
        raise ValueError(f"reserve_ratio must be non-negative, got {reserve_ratio!r}")
    issued = min(ceil(quota / rate), eligible)
    return issued, min(eligible - issued, ceil(issued * ratio))

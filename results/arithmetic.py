"""The arithmetic of a month's results, as pure functions (standard library only): AAPOR rates,
question and element shares with Wilson intervals, the overall index, rankings and grades."""

import dataclasses
import math

RATE_CLASSES = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")
SCALE = ("1", "2", "3", "4", "5")  # the satisfaction scale; anything else ("no opinion") is not valid
SATISFIED = ("4", "5")
Z95 = 1.959963984540054  # the normal quantile of a 95 % two-sided interval


def ratio(numerator, denominator):
    return None if not denominator else numerator / denominator


def aapor_rates(counts):
    """RR1, RR3, COOP1, REF1, CON1 (and e, the estimated share of unknown cases that are eligible)
    from {rate class: cases}; a rate whose denominator is 0 is None (AAPOR Standard Definitions)."""
    c = {k: counts.get(k, 0) for k in RATE_CLASSES}
    interviews = c["I"] + c["P"]
    eligible_nonresponse = c["R"] + c["NC"] + c["O"]
    unknown = c["UH"] + c["UO"]
    known = interviews + eligible_nonresponse
    e = ratio(known, known + c["NE"])
    rr3_denominator = None if e is None else interviews + eligible_nonresponse + e * unknown
    return {
        "RR1": ratio(c["I"], interviews + eligible_nonresponse + unknown),
        "RR3": None if e is None else ratio(c["I"], rr3_denominator),
        "COOP1": ratio(c["I"], interviews + c["R"] + c["O"]),
        "REF1": ratio(c["R"], interviews + eligible_nonresponse + unknown),
        "CON1": ratio(interviews + c["R"] + c["O"], interviews + eligible_nonresponse + unknown),
        "e": e,
    }


def wilson(successes, n, z=Z95):
    """The Wilson score interval [low, high] of a share successes/n; None when n is 0."""
    if not n:
        return None
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    low = 0.0 if successes == 0 else max(0.0, (centre - spread) / denominator)
    high = 1.0 if successes == n else min(1.0, (centre + spread) / denominator)
    return [min(low, p), max(high, p)]  # rounding never puts the share outside its interval


@dataclasses.dataclass
class Share:
    """Valid answers n, satisfied among them, their share and its interval, the mean on 1-5 and the
    count at each level."""

    n: int = 0
    satisfied: int = 0
    total: int = 0  # sum of the valid answers, for the mean
    levels: dict = dataclasses.field(default_factory=lambda: dict.fromkeys(SCALE, 0))

    def add(self, value, count=1):
        """Count an answer (a choice name) `count` times; anything off the 1-5 scale is left out."""
        value = None if value is None else str(value)
        if value not in self.levels:
            return
        self.n += count
        self.levels[value] += count
        self.total += int(value) * count
        if value in SATISFIED:
            self.satisfied += count

    def merge(self, other):
        """Pool another share into this one (an element pools its questions' answers)."""
        self.n += other.n
        self.satisfied += other.satisfied
        self.total += other.total
        for level, count in other.levels.items():
            self.levels[level] += count
        return self

    @property
    def share(self):
        return ratio(self.satisfied, self.n)

    @property
    def mean(self):
        return ratio(self.total, self.n)

    @property
    def interval(self):
        return wilson(self.satisfied, self.n)


def share_of(values):
    out = Share()
    for value in values:
        out.add(value)
    return out


def pooled(shares):
    """The element's share: its questions' valid answers pooled (satisfied over all ÷ valid over all)."""
    out = Share()
    for share in shares:
        out.merge(share)
    return out


def overall_index(elements, weights=None):
    """(index, [low, high]) of the weighted mean of the element shares that have answers.

    `elements` is {element: (share, respondents)}: the element's pooled share and the number of
    respondents who gave it at least one valid answer; `weights` {element: weight}, equal when None
    (an element without a weight weighs 0). The interval is a normal approximation of the weighted
    mean, Σ w²·p(1−p)/m over the elements (weights normalised over those with answers), treating
    elements as independent and each respondent as one observation per element, clipped to [0, 1];
    None when no element has answers."""
    used = {k: v for k, v in elements.items() if v[0] is not None and v[1]}
    if weights is None:
        weights = dict.fromkeys(used, 1.0)
    total = sum(weights.get(k, 0) for k in used)
    if not used or total <= 0:
        return None, None
    w = {k: weights.get(k, 0) / total for k in used}
    index = sum(w[k] * used[k][0] for k in used)
    variance = sum(w[k] ** 2 * used[k][0] * (1 - used[k][0]) / used[k][1] for k in used)
    spread = Z95 * math.sqrt(variance)
    return index, [max(0.0, index - spread), min(1.0, index + spread)]


def rank(units, minimum_base):
    """{unit: (rank or None, ranked)} within one level: units with an index and at least
    `minimum_base` completes ranked by the index, highest first, ties sharing a rank (1, 2, 2, 4);
    the others flagged, not ranked. `units` is {unit: (index, completes)}."""
    eligible = sorted(
        (
            (index, unit)
            for unit, (index, completes) in units.items()
            if index is not None and completes >= minimum_base
        ),
        key=lambda pair: -pair[0],
    )
    out = dict.fromkeys(units, (None, False))
    previous, previous_rank = None, 0
    for position, (index, unit) in enumerate(eligible, start=1):
        current = previous_rank if index == previous else position
        out[unit] = (current, True)
        previous, previous_rank = index, current
    return out


def grade(index, completes, thresholds):
    """The grade of a unit: the first of `thresholds` [(grade, lowest index)], highest first, that the
    index reaches; the last grade (weak) when none does or when the unit did not survey (seed 004)."""
    if not completes or index is None:
        return thresholds[-1][0]
    for name, lowest in thresholds:
        if index >= lowest:
            return name
    return thresholds[-1][0]

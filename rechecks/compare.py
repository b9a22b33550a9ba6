"""The comparison of a re-check with its interview, pure: per question type, how many answers were
compared and how many differ (types 1 and 2), and for opinions (type 3) the sum of the differences
on the 1-5 scale; then the figures of each enumerator and whether they pass the threshold.

A question is compared when both the interview and the re-check have an answer to it; an opinion
only when both answers are on the 1-5 scale ("no opinion" is not a point of it)."""

import dataclasses

from models import RecheckOutcomes, RecheckTypes

SCALE = ("1", "2", "3", "4", "5")
EMPTY = (None, "", [])


def same(kind, a, b):
    """Whether two answers of a question of this type say the same."""
    if kind == "select_multiple":
        return set(str(a).split()) == set(str(b).split())
    if kind in ("integer", "decimal"):
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return str(a).strip() == str(b).strip()
    return str(a).strip().casefold() == str(b).strip().casefold()


def compare(types, kinds, original, recheck):
    """{"compared_1", "differing_1", "compared_2", "differing_2", "compared_3", "shift_3"} of a
    re-check's answers against the interview's, for the questions of `types` {name: 1|2|3}."""
    out = dict.fromkeys(("compared_1", "differing_1", "compared_2", "differing_2", "compared_3", "shift_3"), 0)
    for name, kind_of_check in types.items():
        a, b = original.get(name), recheck.get(name)
        if a in EMPTY or b in EMPTY:
            continue
        if kind_of_check == RecheckTypes.OPINION:
            if str(a) in SCALE and str(b) in SCALE:
                out["compared_3"] += 1
                out["shift_3"] += int(b) - int(a)
            continue
        out[f"compared_{kind_of_check}"] += 1
        if not same(kinds.get(name), a, b):
            out[f"differing_{kind_of_check}"] += 1
    return out


def differs(counts):
    """Whether a re-check's answers differ on a question that must not change (type 1)."""
    return counts["differing_1"] > 0


def rate(differing, compared):
    """differing ÷ compared, or None when nothing was compared."""
    return differing / compared if compared else None


@dataclasses.dataclass
class Figures:
    """One enumerator's (or one interview's) re-check figures."""

    cases: int = 0  # in the sample
    done: int = 0
    outcomes: dict = dataclasses.field(default_factory=lambda: dict.fromkeys(RecheckOutcomes.ALL, 0))
    compared_1: int = 0
    differing_1: int = 0
    compared_2: int = 0
    differing_2: int = 0
    compared_3: int = 0
    shift_3: int = 0

    @property
    def rate_1(self):
        return rate(self.differing_1, self.compared_1)

    @property
    def rate_2(self):
        return rate(self.differing_2, self.compared_2)

    @property
    def mean_shift_3(self):
        """The mean difference of opinions (re-check − interview) on the 1-5 scale, or None."""
        return self.shift_3 / self.compared_3 if self.compared_3 else None

    def flagged(self, threshold):
        """Above the threshold on type 1 or type 2, or any respondent denying the interview."""
        return (
            any(r is not None and r > threshold for r in (self.rate_1, self.rate_2))
            or self.outcomes[RecheckOutcomes.DENIED] > 0
        )

    def add(self, row):
        """Count one case: a mapping with status ("done"?), outcome and the comparison's counts."""
        self.cases += 1
        if row["outcome"]:
            self.done += 1
            self.outcomes[row["outcome"]] += 1
        for key in ("compared_1", "differing_1", "compared_2", "differing_2", "compared_3", "shift_3"):
            setattr(self, key, getattr(self, key) + row[key])


def by_enumerator(rows):
    """{enumerator id: Figures} of case rows (mappings with "enumerator", "outcome" and the counts)."""
    out = {}
    for row in rows:
        out.setdefault(row["enumerator"], Figures()).add(row)
    return out

"""A period's figures assembled from its tallies (pure): for every unit, every level and the province,
the counts, AAPOR rates, element shares and the overall index, by channel too; ranks and grades of the
units; questions, civil servants and enumerators. The result is plain JSON (see docs/results.md)."""

import collections

from models import Elements, LinkStatus, Modes

from . import arithmetic as a
from . import scheme18

PROVINCE = "province"


class _Group:
    """What adds up from units to a level and the province."""

    def __init__(self):
        self.cases = 0
        self.eligible = None
        self.sample = collections.Counter()  # (mode, step)
        self.dispositions = collections.Counter()  # (mode, class)
        self.completes = collections.Counter()  # channel
        self.answers = collections.defaultdict(collections.Counter)  # (channel, question) -> value counts
        self.links = collections.Counter()  # (channel, status)
        self.case_values = collections.Counter()  # (case field, value), for the 18-point scheme
        self.choices = collections.Counter()  # (channel, question, value), for the 18-point scheme

    def add(self, other):
        self.cases += other.cases
        if other.eligible is not None:
            self.eligible = (self.eligible or 0) + other.eligible
        self.sample.update(other.sample)
        self.dispositions.update(other.dispositions)
        self.completes.update(other.completes)
        for key, counts in other.answers.items():
            self.answers[key].update(counts)
        self.links.update(other.links)
        self.case_values.update(other.case_values)
        self.choices.update(other.choices)
        return self


def _scheme18(group, scheme, counted):
    """The group's 18-point score (answers given through the channels counted), or None when off."""
    if not scheme.get("enabled"):
        return None
    answers = collections.Counter()
    for (channel, question, value), n in group.choices.items():
        if channel in counted:
            answers[(question, value)] += n
    return scheme18.score(scheme, group.case_values, answers)


def _share_json(share):
    return {"n": share.n, "satisfied": share.satisfied, "index": share.share, "ci": share.interval}


def _index(group, channels, elements_of, weights, scaled):
    """(elements JSON, overall JSON, {question: Share}) of the answers given through `channels` to the
    questions on the 1-5 scale."""
    by_question = collections.defaultdict(a.Share)
    for (channel, question), counts in group.answers.items():
        if channel in channels and question in scaled:
            for value, n in counts.items():
                by_question[question].add(value, n)
    by_element = collections.defaultdict(list)
    for question, share in by_question.items():
        element = elements_of.get(question)
        if element in Elements.ALL:
            by_element[element].append(share)
    elements, parts = {}, {}
    for element in Elements.ALL:
        shares = by_element.get(element, [])
        pooled = a.pooled(shares)
        respondents = max((s.n for s in shares), default=0)  # the most valid answers to one of its questions
        elements[element] = {**_share_json(pooled), "respondents": respondents}
        parts[element] = (pooled.share, respondents)
    index, interval = a.overall_index(parts, weights)
    return elements, {"index": index, "ci": interval}, by_question


def _summary(group, counted, elements_of, weights, scaled):
    modes = {}
    for mode in Modes.ALL:
        classes = {c: group.dispositions[(mode, c)] for c in a.RATE_CLASSES}
        modes[mode] = {
            "sampled": group.sample[(mode, "sampled")],
            "issued": group.sample[(mode, "issued")],
            "attempted": group.sample[(mode, "attempted")],
            "dispositions": classes,
            "rates": a.aapor_rates(classes),
        }
    classes = {c: sum(modes[m]["dispositions"][c] for m in Modes.ALL) for c in a.RATE_CLASSES}
    elements, overall, by_question = _index(group, counted, elements_of, weights, scaled)
    by_channel = {}
    for channel in sorted(group.completes):
        channel_elements, channel_overall, _ = _index(group, {channel}, elements_of, weights, scaled)
        by_channel[channel] = {
            "completed": group.completes[channel],
            "counted": channel in counted,
            "elements": channel_elements,
            "overall": channel_overall,
        }
    links = {}
    for channel in sorted({c for c, _s in group.links}):
        states = {s: group.links[(channel, s)] for s in LinkStatus.ALL}
        sent = sum(n for s, n in states.items() if s != LinkStatus.ISSUED)
        links[channel] = {**states, "sent": sent, "rate": a.ratio(states[LinkStatus.ANSWERED], sent)}
    return {
        "cases": group.cases,
        "eligible": group.eligible,
        "sampled": sum(modes[m]["sampled"] for m in Modes.ALL),
        "issued": sum(modes[m]["issued"] for m in Modes.ALL),
        "attempted": sum(modes[m]["attempted"] for m in Modes.ALL),
        "completed": sum(n for c, n in group.completes.items() if c in counted),
        "completed_by_channel": dict(sorted(group.completes.items())),
        "dispositions": classes,
        "rates": a.aapor_rates(classes),
        "by_mode": modes,
        "links": links,
        "elements": elements,
        "overall": overall,
        "by_channel": by_channel,
    }, by_question


def _question_rows(unit, by_question):
    rows = []
    for question in sorted(by_question):
        share = by_question[question]
        if share.n:
            rows.append(
                {
                    "unit": unit,
                    "question": question,
                    "n": share.n,
                    "mean": share.mean,
                    "satisfied_share": share.share,
                    "ci": share.interval,
                    "levels": dict(share.levels),
                }
            )
    return rows


def build(t, settings, month):
    """The figures of a period from its Tallies and results settings."""
    counted = set(settings["channels"])
    weights = settings["weights"]
    thresholds = [tuple(g) for g in settings["grades"]]
    groups = collections.defaultdict(_Group)
    for unit, n in t.cases.items():
        groups[unit].cases = n
    for unit, n in t.eligible.items():
        groups[unit].eligible = n
    for (unit, mode, step), n in t.sample.items():
        groups[unit].sample[(mode, step)] += n
    for (unit, mode, klass), n in t.dispositions.items():
        groups[unit].dispositions[(mode, klass)] += n
    for (unit, channel), n in t.completes.items():
        groups[unit].completes[channel] += n
    for (unit, channel, question, value), n in t.answers.items():
        groups[unit].answers[(channel, question)][value] += n
    for (unit, channel, status), n in t.links.items():
        groups[unit].links[(channel, status)] += n
    for (unit, field, value), n in t.case_values.items():
        groups[unit].case_values[(field, value)] += n
    for (unit, channel, question, value), n in t.choices.items():
        groups[unit].choices[(channel, question, value)] += n
    scheme = settings["scheme18"]

    units, questions, by_level = [], [], collections.defaultdict(list)
    province, levels = _Group(), collections.defaultdict(_Group)
    for unit_id, (code, name, level) in sorted(t.units.items(), key=lambda item: item[1][0]):
        group = groups.get(unit_id) or _Group()
        province.add(group)
        levels[level].add(group)
        summary, by_question = _summary(group, counted, t.elements, weights, t.scaled)
        units.append(
            {"unit": code, "name": name, "level": level, **summary, "scheme18": _scheme18(group, scheme, counted)}
        )
        by_level[level].append(units[-1])
        questions.extend(_question_rows(code, by_question))
    for members in by_level.values():
        ranks = a.rank({u["unit"]: (u["overall"]["index"], u["completed"]) for u in members}, settings["minimum_base"])
        for u in members:
            u["rank"], u["ranked"] = ranks[u["unit"]]
            u["below_base"] = u["completed"] < settings["minimum_base"]
            u["grade"] = a.grade(u["overall"]["index"], u["completed"], thresholds)
    province_summary, province_questions = _summary(province, counted, t.elements, weights, t.scaled)
    return {
        "period": month,
        "province": {
            **province_summary,
            "questions": _question_rows(PROVINCE, province_questions),
            "scheme18": _scheme18(province, scheme, counted),
        },
        "levels": [
            {
                "level": level,
                "units": len(by_level[level]),
                **_summary(levels[level], counted, t.elements, weights, t.scaled)[0],
            }
            for level in sorted(levels)
        ],
        "units": units,
        "questions": questions,
        "officers": _officers(t.officers, counted, {u: v[0] for u, v in t.units.items()}),
        "enumerators": _enumerators(t.enumerators),
        "settings": settings,
    }


def _officers(tally, counted, unit_codes):
    shares = collections.defaultdict(a.Share)
    for (unit, channel, role, officer, value), n in tally.items():
        if channel in counted:
            shares[(unit_codes.get(unit), role, officer)].add(value, n)
    return [
        {"unit": unit, "role": role, "officer": officer, "n": s.n, "mean": s.mean, "satisfied_share": s.share}
        for (unit, role, officer), s in sorted(shares.items(), key=lambda item: tuple(str(x) for x in item[0]))
        if s.n
    ]


def _enumerators(tally):
    people = collections.defaultdict(collections.Counter)
    for (username, name, what), n in tally.items():
        people[(username, name)][what] += n
    return [
        {"enumerator": username, "name": name, **dict(sorted(c.items()))}
        for (username, name), c in sorted(people.items())
    ]

"""The optional 18-point scheme (pure): nine indices scored 0, 1 or 2 by rules in configuration, each
a share of case data or of a question's answers mapped to points by two thresholds; a total out of 18
and its own grades. The default mapping and where it comes from: docs/results.md."""

from models import Grades

CASES, ANSWERS = "cases", "answers"  # where an index's share comes from (None: nowhere, scored 0, flagged)
CASE_FIELDS = ("is_late", "channel")  # the case columns a rule may count (values as text: "true", "online")
MAXIMUM = 18
INDICES = 9
SATISFIED = ["4", "5"]
NO_OPINION = ["khong_y_kien"]
THRESHOLDS = [0.9, 0.7]  # the lowest share for 2 points, then for 1 point


def _rule(code, label, source=None, thresholds=THRESHOLDS, **how):
    return {"code": code, "label": label, "source": source, **how, "thresholds": list(thresholds)}


# Based on the nine indices of the Bộ chỉ số đánh giá chất lượng giải quyết thủ tục hành chính
# (Thông tư 01/2018/TT-VPCP, guiding Nghị định 61/2018/NĐ-CP), mapped to what this project holds;
# to be checked against the province's own decision.
DEFAULT = {
    "enabled": False,  # off until a province has checked the mapping against its decision
    "indices": [
        _rule(
            "total_time",
            "Tổng thời gian giải quyết so với thời gian quy định",
            CASES,
            field="is_late",
            values=["false"],
        ),
        _rule("agency_time", "Thời gian thực hiện tại từng cơ quan, đơn vị tham gia giải quyết"),
        _rule(
            "contacts",
            "Số lần phải liên hệ nơi tiếp nhận để hoàn thiện hồ sơ",
            ANSWERS,
            question="so_lan_di_lai",
            values=["0", "1"],
            exclude=[],
        ),
        _rule("agencies", "Số cơ quan, đơn vị, tổ chức phải liên hệ để hoàn thiện hồ sơ"),
        _rule("one_stop", "Tiếp nhận, giải quyết, trả kết quả tại Bộ phận Một cửa"),
        _rule(
            "disclosure",
            "Công khai thủ tục hành chính",
            ANSWERS,
            question="niem_yet",
            values=SATISFIED,
            exclude=NO_OPINION,
        ),
        _rule(
            "attitude",
            "Thái độ của cán bộ, công chức, viên chức",
            ANSWERS,
            question="thai_do",
            values=SATISFIED,
            exclude=NO_OPINION,
        ),
        _rule(
            "feedback",
            "Tiếp thu, giải trình ý kiến phản ánh, kiến nghị",
            ANSWERS,
            question="xu_ly_gop_y",
            values=SATISFIED,
            exclude=NO_OPINION,
        ),
        _rule(
            "online",
            "Giải quyết hồ sơ qua dịch vụ công trực tuyến",
            CASES,
            thresholds=[0.5, 0.2],
            field="channel",
            values=["online"],
        ),
    ],
    # the lowest total of each grade, best first (the project's choice, not the circular's)
    "grades": [[Grades.EXCELLENT, 16], [Grades.GOOD, 13], [Grades.FAIR, 10], [Grades.AVERAGE, 7], [Grades.WEAK, 0]],
}


def needs(scheme):
    """(case fields, questions) the enabled scheme's rules count; nothing when it is off."""
    if not scheme.get("enabled"):
        return (), ()
    rules = scheme["indices"]
    fields = sorted({r["field"] for r in rules if r["source"] == CASES})
    questions = sorted({r["question"] for r in rules if r["source"] == ANSWERS})
    return fields, questions


def share(rule, case_values, answers):
    """(share or None, base) of one rule: the cases (or valid answers) whose value is among the rule's
    values, over all the cases (or valid answers). `case_values` is {(field, value): cases} and
    `answers` {(question, value): answers}, of one unit or group."""
    if rule["source"] == CASES:
        counts = {v: n for (f, v), n in case_values.items() if f == rule["field"]}
    elif rule["source"] == ANSWERS:
        excluded = set(rule.get("exclude") or ())
        counts = {v: n for (q, v), n in answers.items() if q == rule["question"] and v not in excluded}
    else:
        return None, 0
    base = sum(counts.values())
    if not base:
        return None, 0
    good = sum(n for v, n in counts.items() if v in set(rule["values"]))
    return good / base, base


def points(value, thresholds):
    """2 when the share reaches the first threshold, 1 the second, else 0 (and 0 when None)."""
    if value is None:
        return 0
    two, one = thresholds
    return 2 if value >= two else 1 if value >= one else 0


def grade(total, thresholds):
    """The first grade of [(grade, lowest total)], best first, that the total reaches; else the last."""
    for name, lowest in thresholds:
        if total >= lowest:
            return name
    return thresholds[-1][0]


def score(scheme, case_values, answers):
    """{"indices": [{code, label, share, base, points, flagged}], "total", "grade"}; an index with no
    data (no source, no cases or no valid answers) scores 0 and is flagged."""
    indices = []
    for rule in scheme["indices"]:
        value, base = share(rule, case_values, answers)
        indices.append(
            {
                "code": rule["code"],
                "label": rule["label"],
                "share": value,
                "base": base,
                "points": points(value, rule["thresholds"]),
                "flagged": value is None,
            }
        )
    total = sum(i["points"] for i in indices)
    return {"indices": indices, "total": total, "grade": grade(total, [tuple(g) for g in scheme["grades"]])}


def problem(scheme):
    """What makes a scheme unusable, or None."""
    rules = scheme.get("indices")
    if not isinstance(rules, list) or len(rules) != INDICES:
        return f"scheme18 needs {INDICES} indices"
    for rule in rules:
        code = rule.get("code") if isinstance(rule, dict) else None
        if not code or not rule.get("label"):
            return "each scheme18 index needs a code and a label"
        source, limits = rule.get("source"), rule.get("thresholds")
        if source not in (CASES, ANSWERS, None):
            return f"scheme18 {code}: source must be {CASES}, {ANSWERS} or null"
        if source == CASES and rule.get("field") not in CASE_FIELDS:
            return f"scheme18 {code}: field must be among {', '.join(CASE_FIELDS)}"
        if source == ANSWERS and not rule.get("question"):
            return f"scheme18 {code}: an answers rule names its question"
        if source and not (isinstance(rule.get("values"), list) and rule["values"]):
            return f"scheme18 {code}: values must list the values that count"
        if not (isinstance(limits, list) and len(limits) == 2 and all(isinstance(v, (int, float)) for v in limits)):
            return f"scheme18 {code}: thresholds must be [share for 2 points, share for 1 point]"
        if not 0 <= limits[1] <= limits[0] <= 1:
            return f"scheme18 {code}: thresholds must fall, within [0, 1]"
    if len({r["code"] for r in rules}) != INDICES:
        return "scheme18 index codes must differ"
    grades = scheme.get("grades") or []
    names, lows = [g[0] for g in grades], [g[1] for g in grades]
    if names != list(Grades.ALL) or lows != sorted(lows, reverse=True) or not all(0 <= v <= MAXIMUM for v in lows):
        return f"scheme18 grades must list every grade, best first, with falling totals in [0, {MAXIMUM}]"
    return None

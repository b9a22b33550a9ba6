"""The re-check form: the questions marked `recheck` in the interview's questionnaire version (the
XLSForm column: 1 must not change, 2 should rarely change, 3 an opinion), asked again as one short
page. Skip rules, constraints and `required` are left out (a re-check asks each of them once, and
answers what the respondent says); types and choices are checked as in the interview."""

from questionnaires import render, validation
from questionnaires.xlsform import questions


def recheck_definition(definition):
    """The definition cut down to its re-check questions, in form order, out of their groups."""
    kept = [
        {**q, "relevant": None, "constraint": None, "required": False}
        for q in questions(definition)
        if q.get("recheck") and q["type"] != "note"
    ]
    for q in kept:
        q.pop("relevant_all", None)
        q.pop("group", None)
    return {**definition, "items": kept}


def types(definition):
    """{question name: re-check type (1, 2, 3)} of a definition's re-check questions."""
    return {q["name"]: q["recheck"] for q in recheck_definition(definition)["items"]}


def kinds(definition):
    """{question name: question type} of the re-check questions."""
    return {q["name"]: q["type"] for q in recheck_definition(definition)["items"]}


def items(definition, facts, language="vi"):
    """The re-check page's items (questionnaires.render), each with its re-check type."""
    cut = recheck_definition(definition)
    marks = {q["name"]: q["recheck"] for q in cut["items"]}
    return [{**item, "recheck": marks[item["name"]]} for item in render.items(cut, language, facts)]


def clean(definition, posted):
    """(answers, errors) of a posted re-check form: the re-check questions only, checked like the
    interview's answers (types, choices); unanswered ones left out."""
    checked = validation.check(recheck_definition(definition), posted)
    return checked.answers, checked.errors

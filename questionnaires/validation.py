"""Answers checked against a questionnaire as the server sees them (the page runs the same rules in
JavaScript): types and choices, skip rules (an answer to a question that is not asked is dropped),
constraints, and, on submission, required questions."""

import dataclasses
import datetime
import decimal
import functools

from flask_babel import gettext as _

from .expressions import parse
from .render import text
from .xlsform import SELECT_MULTIPLE, SELECT_ONE, questions

MAX_TEXT = 2000


@functools.lru_cache(maxsize=2048)
def _expression(text):
    return parse(text)


def _clean(question, raw):
    """(value, error) of one raw answer (a string from a form or JSON, or a number)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None, None
    kind = question["type"]
    if kind == "integer":
        try:
            number = decimal.Decimal(str(raw).strip())
        except decimal.InvalidOperation:
            return None, _("Enter a whole number.")
        if number != number.to_integral_value() or abs(number) > 10**12:
            return None, _("Enter a whole number.")
        return int(number), None
    if kind == "decimal":
        try:
            number = float(str(raw).strip().replace(",", "."))
        except ValueError:
            return None, _("Enter a number.")
        if number != number or abs(number) > 10**12:
            return None, _("Enter a number.")
        return number, None
    if kind == "date":
        try:
            return datetime.date.fromisoformat(str(raw).strip()).isoformat(), None
        except ValueError:
            return None, _("Enter a date.")
    names = question.get("choice_names", frozenset())
    if kind == SELECT_ONE:
        value = str(raw).strip()
        return (value, None) if value in names else (None, _("Choose one of the answers offered."))
    if kind == SELECT_MULTIPLE:
        chosen = raw if isinstance(raw, list) else str(raw).split()
        chosen = [str(c).strip() for c in chosen if str(c).strip()]
        if any(c not in names for c in chosen):
            return None, _("Choose among the answers offered.")
        ordered = [c for c in question["choice_order"] if c in set(chosen)]  # the form's order, once each
        return " ".join(ordered) or None, None
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        return None, _("At most %(n)d characters.", n=MAX_TEXT)
    return text, None


def prepared(definition):
    """The questions of a definition with what checking needs (choice names), once per definition."""
    out = []
    for q in questions(definition):
        if q["type"] == "note":
            continue
        order = [c["name"] for c in definition["choices"].get(q.get("list") or "", [])]
        out.append({**q, "choice_names": frozenset(order), "choice_order": order})
    return out


@dataclasses.dataclass
class Checked:
    answers: dict  # the clean answers of the questions that are asked, in form order
    errors: dict  # {question name: message}
    dropped: list  # questions answered although their skip rule says they are not asked


def check(definition, raw_answers, complete=False, language="vi"):
    """The answers checked: types and choices, then skip rules (they see every answer, as the page
    does), constraints and, when `complete`, every required question that is asked. Unknown names
    are ignored."""
    questions_ = prepared(definition)
    answers, errors = {}, {}
    for q in questions_:
        value, error = _clean(q, raw_answers.get(q["name"]))
        if error:
            errors[q["name"]] = error
        elif value is not None:
            answers[q["name"]] = value
    dropped = []
    for q in questions_:
        name = q["name"]
        if q["relevant_all"] and not _expression(q["relevant_all"]).evaluate(answers):
            if name in answers or name in errors:
                dropped.append(name)
            answers.pop(name, None)
            errors.pop(name, None)
            continue
        if name in errors:
            continue
        if (
            name in answers
            and q.get("constraint")
            and not _expression(q["constraint"]).evaluate(answers, answers[name])
        ):
            errors[name] = text(q.get("constraint_message"), language) or _("This answer is not accepted.")
            del answers[name]
        elif complete and q["required"] and name not in answers:
            errors[name] = _("This question needs an answer.")
    return Checked(answers, errors, dropped)

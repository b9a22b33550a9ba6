"""The expression subset in JavaScript (core/static/js/expressions.js), run in Debian's Chromium: every
shared vector (tests/questionnaires/expression_vectors.json, also run by the Python tests), then random
expressions, valid and broken, whose outcome must be the Python evaluator's. No server: the script is
loaded into a blank page and each batch is evaluated in one call."""

import json
import math
import os
import random

import pytest

from questionnaires.expressions import ExpressionError, parse

pytestmark = pytest.mark.browser

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "core", "static", "js", "expressions.js")
VECTORS = os.path.join(ROOT, "tests", "questionnaires", "expression_vectors.json")
MAX_SCRIPT_BYTES = 8 * 1024

# Runs each case: its refusal reason, or its boolean and value. Answers travel as JSON text so that a name
# such as __proto__ stays an answer.
RUN = """cases => JSON.parse(cases).map(({expr, answers, current}) => {
  let parsed;
  try { parsed = SipasExpressions.parse(expr); } catch (error) { return {reason: error.reason}; }
  return {
    result: SipasExpressions.evaluate(parsed, answers, current),
    value: SipasExpressions.value(parsed, answers, current),
    references: parsed.references,
  };
})"""


@pytest.fixture
def expressions_page(page):
    with open(SCRIPT, encoding="utf-8") as script:
        page.add_script_tag(content=script.read())
    return page


def run(page, cases):
    return page.evaluate(RUN, json.dumps(cases))


def test_every_vector_in_chromium(expressions_page):
    with open(VECTORS, encoding="utf-8") as vectors_file:
        vectors = json.load(vectors_file)
    outcomes = run(expressions_page, vectors)
    wrong = []
    for vector, outcome in zip(vectors, outcomes):
        expected = {"reason": vector["reason"]} if vector.get("error") else {"result": vector["result"]}
        if {key: outcome.get(key) for key in expected} != expected:
            wrong.append((vector, outcome))
    assert len(outcomes) == len(vectors) >= 80
    assert wrong == []


def test_random_expressions_agree_with_python(expressions_page):
    rng = random.Random(20261201)
    cases = [_case(rng) for _ in range(3000)]
    outcomes = run(expressions_page, cases)
    wrong = [(case, outcome, _python(case)) for case, outcome in zip(cases, outcomes) if not _agree(case, outcome)]
    assert wrong == []
    refused = sum("reason" in outcome for outcome in outcomes)
    assert 300 < refused < 2700  # both kinds were tried


def test_a_long_expression_is_read_in_linear_time(expressions_page):
    """12,000 comparisons (100,000 characters) in well under the seconds a quadratic tokenizer takes."""
    seconds = expressions_page.evaluate(
        """() => {
          const text = Array(12000).fill("${a} = 'x'").join(' or '), start = performance.now();
          const parsed = SipasExpressions.parse(text);
          SipasExpressions.evaluate(parsed, {a: 'y'});
          return (performance.now() - start) / 1000;
        }"""
    )
    assert seconds < 2


def test_the_script_stays_small_and_plain():
    with open(SCRIPT, "rb") as script:
        source = script.read()
    assert len(source) < MAX_SCRIPT_BYTES
    for later_syntax in (b"?.", b"??", b"**", b"async ", b"import ", b"export "):
        assert later_syntax not in source


# ---- random cases

NAMES = ["a", "b", "m", "n"]
OPERATORS = ["=", "!=", "<", "<=", ">", ">=", "and", "or"]
NUMBERS = ["0", "-0", "1", "5", "-2.5", ".5", "5.", "0.1", "0.30000000000000004", "1e3", "007", "123456789.125"]
TEXTS = ["", "a", "b", "a b", " a  b ", "5", " 5.0 ", "-.5", "+5", "1 2 3", "true", "Đúng", "😀", "a\u00a0b", "١٢"]
FLOATS = [0.1, -0.0, 1e-7, 1.5e-10, 1e21, 1e23, 123456789.125, 2.0**60, -3.75, 1e300]
MUTATIONS = list("$}{()'\",.=!<>-+*/ ") + ["and", "or", "not(", "div", "${x", "\t"]


def _atom(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice([f"${{{name}}}" for name in NAMES] + ["."])
    if kind == 1:
        return rng.choice(NUMBERS)
    quote = rng.choice("'\"")
    return quote + rng.choice(TEXTS).replace(quote, "") + quote


def _expression(rng, depth=0):
    if depth > 4 or rng.random() < 0.3:
        return _atom(rng)
    kind, child = rng.randrange(5), (lambda: _expression(rng, depth + 1))
    if kind == 0:
        space = rng.choice(["", " ", "\n"])
        operator = rng.choice(OPERATORS)
        space = space or (" " if operator in ("and", "or") else "")
        return f"{child()}{space}{operator}{space}{child()}"
    if kind == 1:
        return f"({child()})"
    if kind == 2:
        return f"not({child()})"
    if kind == 3:
        return f"selected({child()}, {child()})"
    return f"count-selected({child()})"


def _mutated(rng, text):
    at = rng.randrange(len(text) + 1)
    if rng.random() < 0.5:
        return text[:at] + rng.choice(MUTATIONS) + text[at:]
    return text[:at] + text[at + 1 :]


def _value(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, 1, 5, 17, 18, -3, 2**53 + 1, 2**70])
    if kind == 3:
        return rng.choice(FLOATS)
    return rng.choice(TEXTS)


def _case(rng):
    text = _expression(rng)
    if rng.random() < 0.3:
        text = _mutated(rng, text)
    answers = {name: _value(rng) for name in NAMES if rng.random() < 0.7}
    return {"expr": text, "answers": answers, "current": _value(rng)}


def _python(case):
    try:
        expression = parse(case["expr"])
    except ExpressionError as refused:
        return {"reason": refused.reason}
    return {
        "result": expression.evaluate(case["answers"], case["current"]),
        "value": expression.value(case["answers"], case["current"]),
        "references": sorted(expression.references),
    }


def _agree(case, outcome):
    expected = _python(case)
    if "reason" in expected or "reason" in outcome:
        return expected == outcome
    return (
        expected["result"] is outcome["result"]
        and expected["references"] == outcome["references"]
        and _same_value(expected["value"], outcome["value"])
    )


def _same_value(python, javascript):
    """A Python float and the number Playwright returns: an int when whole, written in JavaScript's shortest
    digits (2**60 comes back as 1152921504606847000, the same double); NaN and infinities kept."""
    if isinstance(python, float):
        if not isinstance(javascript, (int, float)) or isinstance(javascript, bool):
            return False
        return python == float(javascript) or (math.isnan(python) and math.isnan(javascript))
    return type(python) is type(javascript) and python == javascript

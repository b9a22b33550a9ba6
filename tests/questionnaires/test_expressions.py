"""The expression subset in Python: every shared vector (expression_vectors.json, also run in Chromium by
tests/browser/test_browser_expressions.py), then properties over random expressions of the grammar and
random answers."""

import ast
import decimal
import json
import math
import os
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questionnaires import expressions
from questionnaires.expressions import TOO_DEEP, ExpressionError, parse

VECTORS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expression_vectors.json")
with open(VECTORS_PATH, encoding="utf-8") as vectors_file:
    VECTORS = json.load(vectors_file)
EVALUATED = [vector for vector in VECTORS if not vector.get("error")]
REFUSED = [vector for vector in VECTORS if vector.get("error")]


@pytest.mark.parametrize("vector", EVALUATED, ids=[vector["expr"] for vector in EVALUATED])
def test_vector_evaluates_to_its_result(vector):
    expression = parse(vector["expr"])
    assert expression.evaluate(vector["answers"], vector["current"]) is vector["result"]


@pytest.mark.parametrize("vector", REFUSED, ids=[vector["expr"] for vector in REFUSED])
def test_vector_is_refused_with_its_reason(vector):
    with pytest.raises(ExpressionError) as refused:
        parse(vector["expr"])
    assert refused.value.reason == vector["reason"]
    assert str(refused.value) == vector["reason"]


def test_the_vectors_cover_the_whole_subset():
    assert len(VECTORS) >= 80
    for feature in ["=", "!=", "<", "<=", ">", ">=", " and ", " or ", "not(", "selected(", "count-selected(", "."]:
        outcomes = {vector["result"] for vector in EVALUATED if feature in vector["expr"]}
        assert outcomes == {True, False}, feature
    assert any('"' in vector["expr"] for vector in EVALUATED)
    assert any("\t" in vector["expr"] or "\n" in vector["expr"] for vector in EVALUATED)
    assert any(vector["answers"] == {} for vector in EVALUATED)


def test_the_module_is_pure():
    """Standard library only (docs/architecture.md): the browser has its own copy, nothing else is shared."""
    with open(expressions.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported and imported <= sys.stdlib_module_names


def test_references_are_the_names_used():
    expression = parse("${a} = 1 and (selected(${b}, 'x') or not(${a} != .)) or count-selected(${c-1.d})")
    assert expression.references == frozenset({"a", "b", "c-1.d"})
    assert parse(". > 5 and 'x' = \"${a}\"").references == frozenset()


def test_value_is_the_xpath_value():
    assert parse("count-selected(${m})").value({"m": "a b"}) == 2.0
    assert parse("${n}").value({"n": 3}) == 3.0
    assert parse("${n}").value({}) == ""
    assert parse("'x' = 'x'").value({}) is True
    assert parse(".").value({}, current=None) == ""


def test_answers_of_other_types():
    """A Decimal is a number; a value of another type is an empty answer; no answers is none answered."""
    assert parse("${n} = 2.5").evaluate({"n": decimal.Decimal("2.5")})
    assert parse("${n} != ${n}").evaluate({"n": decimal.Decimal("sNaN")})
    assert parse("${n} > 1000").evaluate({"n": 10**400})
    assert parse("${n} = ''").evaluate({"n": ["a"]})
    assert parse("${n} = ''").evaluate(None)


def test_a_long_expression_is_read_in_linear_time():
    """12,000 comparisons (100,000 characters) in well under the seconds a quadratic tokenizer takes."""
    text = " or ".join(["${a} = 'x'"] * 12000)
    start = time.perf_counter()
    assert not parse(text).evaluate({"a": "y"})
    assert time.perf_counter() - start < 2


def test_printing_normalises():
    assert str(parse("  ${a}='y'and(${b}  >  -1.50 )")) == "${a} = 'y' and ${b} > -1.50"
    assert str(parse("(1 or 2) and 3")) == "(1 or 2) and 3"
    assert str(parse("1 = (2 = 3)")) == "1 = (2 = 3)"
    assert str(parse("(1 = 2) = 3")) == "1 = 2 = 3"
    assert str(parse('"it\'s" != \'say "x"\'')) == '"it\'s" != \'say "x"\''
    assert repr(parse("1")) == "Expression('1')"


# ---- properties

NAMES = ["a", "b", "m", "n"]
OPERATORS = ["=", "!=", "<", "<=", ">", ">=", "and", "or"]
SPACES = st.sampled_from(["", " ", "  ", "\t", "\n"])

atoms = st.one_of(
    st.sampled_from([f"${{{name}}}" for name in NAMES] + ["."]),
    st.from_regex(r"-?([0-9]{1,4}(\.[0-9]{0,3})?|\.[0-9]{1,3})", fullmatch=True),
    st.text(alphabet="ab 15.-\t", max_size=6).map(lambda text: f"'{text}'"),
    st.text(alphabet="a' 2", max_size=4).map(lambda text: f'"{text}"'),
)


def _compound(children):
    def binary(parts):
        left, operator, right, space = parts
        around = " " if operator in ("and", "or") else space  # `1and` would be one name
        return f"{left}{around}{operator}{around}{right}"

    return st.one_of(
        st.tuples(children, st.sampled_from(OPERATORS), children, SPACES).map(binary),
        st.tuples(SPACES, children).map(lambda parts: f"({parts[0]}{parts[1]}{parts[0]})"),
        children.map(lambda child: f"not({child})"),
        st.tuples(children, children).map(lambda parts: f"selected({parts[0]}, {parts[1]})"),
        children.map(lambda child: f"count-selected({child})"),
    )


texts = st.recursive(atoms, _compound, max_leaves=12)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.sampled_from(["", "a", "a b", " b  c ", "5", " 5.0 ", "-.5", "1 2 3", "abc", "true"]),
)
answer_sets = st.dictionaries(st.sampled_from(NAMES), values)


def parsed(text):
    """The expression of a generated text, or None when it nests too deeply (the grammar allows it)."""
    try:
        return parse(text)
    except ExpressionError as refused:
        assert refused.reason == TOO_DEEP
        return None


def same(left, right):
    both_nan = isinstance(left, float) and isinstance(right, float) and math.isnan(left) and math.isnan(right)
    return type(left) is type(right) and (left == right or both_nan)


@given(texts, answer_sets, values)
def test_evaluation_never_raises(text, answers, current):
    expression = parsed(text)
    if expression:
        assert isinstance(expression.evaluate(answers, current), bool)
        assert type(expression.value(answers, current)) in (str, float, bool)


@given(texts, answer_sets, values)
def test_not_is_the_negation(text, answers, current):
    expression, negation = parsed(text), parsed(f"not({text})")
    if expression and negation:
        assert negation.evaluate(answers, current) is not expression.evaluate(answers, current)


@given(texts, answer_sets, values)
def test_the_printed_form_means_the_same(text, answers, current):
    expression = parsed(text)
    if expression:
        printed = parse(str(expression))
        assert str(printed) == str(expression)
        assert same(printed.value(answers, current), expression.value(answers, current))


@given(texts)
def test_references_are_the_referenced_names(text):
    expression = parsed(text)
    if expression:
        assert expression.references == {name for name in NAMES if f"${{{name}}}" in text}


@given(st.one_of(st.text(), st.text(alphabet="${}ab().,'\" =!<>-09 andotselcu/*+|@[]:\t", max_size=30)))
def test_any_text_parses_or_is_refused_with_a_reason(text):
    try:
        expression = parse(text)
    except ExpressionError as refused:
        assert refused.reason and isinstance(refused.reason, str)
    else:
        assert isinstance(expression.evaluate({}), bool)

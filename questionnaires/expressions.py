"""The subset of XLSForm expressions that questionnaires may use in `relevant` and `constraint`.

The same evaluator exists in JavaScript (core/static/js/expressions.js); both are checked against
tests/questionnaires/expression_vectors.json. docs/questionnaires.md describes the subset for authors.

Grammar, lowest precedence first (XPath 1.0):

    expression := and-expr ("or" and-expr)*
    and-expr   := equality ("and" equality)*
    equality   := relation (("=" | "!=") relation)*          left-associative
    relation   := primary (("<" | "<=" | ">" | ">=") primary)*
    primary    := number | string | "${" name "}" | "." | "(" expression ")"
                | "not(" expression ")" | "selected(" expression "," expression ")"
                | "count-selected(" expression ")"

A number literal is `5`, `-5`, `2.5`, `.5` or `5.` (a `-` only directly before digits, and never
after an operand: `5-3` is arithmetic). A string is '…' or "…" with no escapes. A name is
`[A-Za-z_][A-Za-z0-9_.-]*`. Whitespace is space, tab, CR and LF. Anything else (other functions,
arithmetic, `div`, `mod`, paths, variables, unknown characters) is refused by `parse` with an
`ExpressionError` whose `reason` is a short English sentence ("unknown function: concat",
"unexpected ')' at 12"; positions count characters from 1). So is nesting deeper than `MAX_DEPTH`.

Values (XPath 1.0 without node-sets): a string, a number (a float) or a boolean.

- Answers are a mapping name -> value: select_one, text and date answers are strings, integer and
  decimal answers numbers (int, float or Decimal), select_multiple answers the space-separated names
  of the choices. An absent answer, None, or a value of another type is the empty string ''.
  A bool is a boolean (no question type gives one). `.` is `current`, converted the same way.
- number(value): a boolean is 1 or 0; a string is its number when it is an optional `-` and digits
  with an optional decimal point, between optional whitespace (XPath `number()`: no `+`, no
  exponent), else NaN, so number('') is NaN.
- string(value): a boolean is 'true' or 'false'; a number is written without exponent ('5', '0.5',
  '-0.00001', '100000000000000000000'; NaN as 'NaN', infinities as 'Infinity' and '-Infinity').
- boolean(value): a string is true when not empty, a number when neither zero nor NaN.
- `=` and `!=`: as booleans if either side is a boolean, else as numbers if either side is a number,
  else as strings (exactly, character by character). `!=` is always the negation of `=`.
- `<`, `<=`, `>`, `>=` always compare number(left) with number(right).
- NaN is equal to nothing, itself included, and neither less nor greater than anything: every
  comparison involving NaN is false except `!=`, which is true. So with an unanswered integer
  question `${age} > 17` and `${age} = 0` are false, `${age} = ''` is true (two strings).
- `and`, `or` and `not()` take the boolean of their operands.
- selected(a, b): true when string(b), without its surrounding whitespace, is one of the
  whitespace-separated tokens of string(a). count-selected(a): the number of those tokens.

Deliberate differences from ODK: a question is a value here, not a node (ODK's boolean of a node
that exists is true even when it is empty; here an empty answer is false), and `selected` matches
a single token only.

Evaluation never raises, whatever the answers (str, int, float, bool or None values).
"""

import decimal
import math
import re

MAX_DEPTH = 32  # nesting of (sub)expressions, in parentheses or as arguments, and height of the tree
TOO_DEEP = f"expression is nested deeper than {MAX_DEPTH} levels"

WHITESPACE = " \t\r\n"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*")  # XPath QName-ish: function names and operator names
QUESTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
NUMBER_LITERAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
NUMERIC_TEXT = re.compile(r"[ \t\r\n]*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t\r\n]*")
SEPARATORS = re.compile(r"[ \t\r\n]+")
CALL_OPENING = re.compile(r"[ \t\r\n]*\(")
EMPTY = ""
NAN = math.nan

# Token kinds.
NUMBER, STRING, REFERENCE, CURRENT, COMPARISON, AND, OR, OPEN, CLOSE, COMMA, FUNCTION, END = (
    "number",
    "string",
    "reference",
    "current",
    "comparison",
    "and",
    "or",
    "(",
    ")",
    ",",
    "function",
    "end",
)
OPERAND_ENDS = {NUMBER, STRING, REFERENCE, CURRENT, CLOSE}  # after these, a name or '-' is an operator
COMPARISONS = ("!=", "<=", ">=", "=", "<", ">")  # two-character ones first
EQUALITY = {"=", "!="}
RELATIONAL = set(COMPARISONS) - EQUALITY
QUOTES = "'\""
PATH_CHARACTERS = "/@[]"
ARITHMETIC_CHARACTERS = "+-*|"
ARITHMETIC_NAMES = {"div", "mod"}
NOT, SELECTED, COUNT_SELECTED = "not", "selected", "count-selected"
ARITY = {NOT: 1, SELECTED: 2, COUNT_SELECTED: 1}
TRUE_TEXT, FALSE_TEXT = "true", "false"

# Precedence, for printing.
LOWEST, CONJUNCTION, EQUALS, RELATES, PRIMARY = range(5)


class ExpressionError(ValueError):
    """An expression outside the subset; `reason` says why in a short English sentence."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Token:
    __slots__ = ("kind", "text", "position")

    def __init__(self, kind, text, position):
        self.kind, self.text, self.position = kind, text, position


# ---- tokens


def _tokens(text):
    """The tokens of `text`, ending with END; raises ExpressionError on what the subset refuses."""
    tokens, index = [], 0
    while True:
        while index < len(text) and text[index] in WHITESPACE:
            index += 1
        if index == len(text):
            tokens.append(Token(END, EMPTY, index + 1))
            return tokens
        after_operand = bool(tokens) and tokens[-1].kind in OPERAND_ENDS
        token = _token(text, index, after_operand)
        tokens.append(token)
        index += len(token.text)


def _token(text, index, after_operand):
    char, at = text[index], f" at {index + 1}"
    number = NUMBER_LITERAL.match(text, index)
    if number and not (after_operand and char == "-"):
        return Token(NUMBER, number.group(), index + 1)
    if text.startswith("${", index):
        return _reference(text, index)
    if char in QUOTES:
        end = text.find(char, index + 1)
        if end < 0:
            raise ExpressionError("unclosed string" + at)
        return Token(STRING, text[index : end + 1], index + 1)
    if text.startswith("..", index):
        raise ExpressionError("paths are not supported: '..'" + at)
    if char == ".":
        return Token(CURRENT, char, index + 1)
    if text.startswith("==", index):
        raise ExpressionError("use '=' rather than '=='" + at)
    for operator in COMPARISONS:
        if text.startswith(operator, index):
            return Token(COMPARISON, operator, index + 1)
    if char in "(),":
        return Token(char, char, index + 1)
    if char in PATH_CHARACTERS:
        raise ExpressionError(f"paths are not supported: '{char}'" + at)
    if char in ARITHMETIC_CHARACTERS:
        raise ExpressionError(f"arithmetic is not supported: '{char}'" + at)
    name = NAME.match(text, index)
    if name:
        return _name(name.group(), text, index, after_operand)
    raise ExpressionError(f"unexpected character '{char}'" + at)


def _reference(text, index):
    end = text.find("}", index)
    if end < 0:
        raise ExpressionError(f"unclosed reference at {index + 1}")
    token = text[index : end + 1]
    if not QUESTION_NAME.fullmatch(token[2:-1]):
        raise ExpressionError(f"invalid reference {token} at {index + 1}")
    return Token(REFERENCE, token, index + 1)


def _name(name, text, index, after_operand):
    """An operator name after an operand, a function name before '(', else refused."""
    at = f" at {index + 1}"
    if after_operand:
        if name in (AND, OR):
            return Token(name, name, index + 1)
        if name in ARITHMETIC_NAMES:
            raise ExpressionError(f"arithmetic is not supported: '{name}'" + at)
        raise ExpressionError(f"unexpected '{name}'" + at)
    if not CALL_OPENING.match(text, index + len(name)):
        raise ExpressionError(f"unexpected name '{name}'{at}: a question is written ${{{name}}}")
    if name not in ARITY:
        raise ExpressionError(f"unknown function: {name}")
    return Token(FUNCTION, name, index + 1)


# ---- conversions (XPath 1.0 number(), string(), boolean())


def _answer(value):
    """An answer or the current value as an expression value."""
    if isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return _float(value)
    return EMPTY


def _float(value):
    try:
        return float(value)
    except OverflowError:  # an int beyond the doubles
        return math.inf if value > 0 else -math.inf
    except ValueError:  # a signalling Decimal NaN
        return NAN


def number(value):
    """XPath number(): a boolean as 1 or 0, a string by its digits or NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    match = NUMERIC_TEXT.fullmatch(value)
    return float(match.group(1)) if match else NAN


def string(value):
    """XPath string(): a boolean as 'true' or 'false', a number without exponent."""
    if isinstance(value, bool):
        return TRUE_TEXT if value else FALSE_TEXT
    if isinstance(value, float):
        return _number_text(value)
    return value


def _number_text(value):
    """A number as XPath writes it: no exponent, no trailing zeros, the shortest exact digits."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    text = format(decimal.Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def boolean(value):
    """XPath boolean(): a non-empty string, a number neither zero nor NaN."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    return value != EMPTY


def _equal(left, right):
    if isinstance(left, bool) or isinstance(right, bool):
        return boolean(left) == boolean(right)
    if isinstance(left, float) or isinstance(right, float):
        return number(left) == number(right)
    return left == right


RELATIONS = {
    "=": _equal,
    "!=": lambda left, right: not _equal(left, right),
    "<": lambda left, right: number(left) < number(right),
    "<=": lambda left, right: number(left) <= number(right),
    ">": lambda left, right: number(left) > number(right),
    ">=": lambda left, right: number(left) >= number(right),
}


def _choices(value):
    """The whitespace-separated tokens of a select_multiple value."""
    return [token for token in SEPARATORS.split(string(value)) if token]


# ---- the tree


class Node:
    precedence = PRIMARY
    height = 1
    children = ()

    def references(self):
        return frozenset().union(*(child.references() for child in self.children))


class Literal(Node):
    def __init__(self, token):
        self.text = token.text
        self.constant = float(token.text) if token.kind == NUMBER else token.text[1:-1]

    def value(self, answers, current):
        return self.constant

    def __str__(self):
        if isinstance(self.constant, float):
            return self.text
        quote = '"' if "'" in self.constant else "'"
        return quote + self.constant + quote


class Reference(Node):
    def __init__(self, token):
        self.name = token.text[2:-1]

    def value(self, answers, current):
        return _answer(answers.get(self.name))

    def references(self):
        return frozenset((self.name,))

    def __str__(self):
        return "${" + self.name + "}"


class Current(Node):
    def value(self, answers, current):
        return _answer(current)

    def __str__(self):
        return "."


class Call(Node):
    def __init__(self, name, arguments):
        self.name, self.children = name, tuple(arguments)
        self.height = 1 + max(child.height for child in self.children)

    def value(self, answers, current):
        values = [child.value(answers, current) for child in self.children]
        if self.name == NOT:
            return not boolean(values[0])
        if self.name == COUNT_SELECTED:
            return float(len(_choices(values[0])))
        return string(values[1]).strip(WHITESPACE) in _choices(values[0])

    def __str__(self):
        return f"{self.name}({', '.join(str(child) for child in self.children)})"


class Logical(Node):
    """`and` or `or` of two or more operands, evaluated left to right until one decides."""

    def __init__(self, operator, operands):
        self.operator, self.children = operator, tuple(operands)
        self.precedence = CONJUNCTION if operator == AND else LOWEST
        self.height = 1 + max(child.height for child in self.children)

    def value(self, answers, current):
        decides = self.operator == OR  # the boolean that ends an `or` (true) or an `and` (false)
        for child in self.children:
            if boolean(child.value(answers, current)) == decides:
                return decides
        return not decides

    def __str__(self):
        parts = (_printed(child, child.precedence < self.precedence) for child in self.children)
        return f" {self.operator} ".join(parts)


class Comparison(Node):
    def __init__(self, operator, left, right):
        self.operator, self.children = operator, (left, right)
        self.precedence = EQUALS if operator in EQUALITY else RELATES
        self.height = 1 + max(left.height, right.height)

    def value(self, answers, current):
        left, right = (child.value(answers, current) for child in self.children)
        return RELATIONS[self.operator](left, right)

    def __str__(self):
        left, right = self.children
        return " ".join(
            (
                _printed(left, left.precedence < self.precedence),
                self.operator,
                _printed(right, right.precedence <= self.precedence),
            )
        )


def _printed(node, parenthesised):
    return f"({node})" if parenthesised else str(node)


# ---- the parser


class _Parser:
    """Recursive descent over the tokens, one method per level of the grammar."""

    def __init__(self, text):
        self.tokens, self.index, self.depth = _tokens(text), 0, 0

    def peek(self):
        return self.tokens[self.index]

    def take(self):
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, kind):
        token = self.take()
        if token.kind != kind:
            raise ExpressionError(f"expected '{kind}' at {token.position}")
        return token

    def whole(self):
        if self.peek().kind == END:
            raise ExpressionError("empty expression")
        node = self.disjunction()
        if self.peek().kind != END:
            raise _unexpected(self.peek())
        return node

    def disjunction(self):
        """At the top, in parentheses and as an argument: one level deeper each time."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(TOO_DEEP)
        node = self.logical(OR, self.conjunction)
        self.depth -= 1
        return node

    def conjunction(self):
        return self.logical(AND, self.equality)

    def logical(self, operator, operand):
        operands = [operand()]
        while self.peek().kind == operator:
            self.take()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else _bounded(Logical(operator, operands))

    def equality(self):
        return self.comparisons(EQUALITY, self.relation)

    def relation(self):
        return self.comparisons(RELATIONAL, self.primary)

    def comparisons(self, operators, operand):
        node = operand()
        while self.peek().kind == COMPARISON and self.peek().text in operators:
            operator = self.take().text
            node = _bounded(Comparison(operator, node, operand()))
        return node

    def primary(self):
        token = self.take()
        if token.kind in (NUMBER, STRING):
            return Literal(token)
        if token.kind == REFERENCE:
            return Reference(token)
        if token.kind == CURRENT:
            return Current()
        if token.kind == OPEN:
            node = self.disjunction()
            self.expect(CLOSE)
            return node
        if token.kind == FUNCTION:
            return self.call(token.text)
        raise _unexpected(token)

    def call(self, name):
        arguments = self.arguments()
        if len(arguments) != ARITY[name]:
            wanted = ARITY[name]
            raise ExpressionError(f"{name}() takes {wanted} argument{'s' * (wanted > 1)}, not {len(arguments)}")
        return _bounded(Call(name, arguments))

    def arguments(self):
        self.expect(OPEN)
        arguments = []
        if self.peek().kind != CLOSE:
            arguments.append(self.disjunction())
            while self.peek().kind == COMMA:
                self.take()
                arguments.append(self.disjunction())
        self.expect(CLOSE)
        return arguments


def _bounded(node):
    if node.height > MAX_DEPTH:
        raise ExpressionError(TOO_DEEP)
    return node


def _unexpected(token):
    if token.kind == END:
        return ExpressionError("unexpected end of expression")
    return ExpressionError(f"unexpected '{token.text}' at {token.position}")


# ---- the interface


class Expression:
    """A parsed expression: `evaluate` for relevant and constraint, `value` for its XPath value."""

    def __init__(self, text, root):
        self.text, self.root = text, root
        self.references = root.references()

    def value(self, answers, current=None):
        """The value (str, float or bool) with these answers and this current value."""
        return self.root.value(answers or {}, current)

    def evaluate(self, answers, current=None):
        """The boolean of the value: is the question relevant, is the answer valid."""
        return boolean(self.value(answers, current))

    def __str__(self):
        """The normalised form: single spaces, parentheses only where needed."""
        return str(self.root)

    def __repr__(self):
        return f"Expression({self.text!r})"


def parse(text):
    """The Expression of `text`; raises ExpressionError with the reason it is refused."""
    return Expression(text, _Parser(text).whole())

/* questionnaires/expressions.py (its docstring gives the semantics) in the browser: parse(text) -> parsed
   or throws an Error with .reason; evaluate(parsed, answers, current) -> boolean, never throws. */
var SipasExpressions = (function () {
'use strict';
const MAX_DEPTH = 32, TOO_DEEP = `expression is nested deeper than ${MAX_DEPTH} levels`;
const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y, QUESTION = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NUMBER = /-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)/y, CALL = /[ \t\r\n]*\(/y;
const NUMERIC = /^[ \t\r\n]*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t\r\n]*$/;
const COMPARISON = /!=|<=|>=|=|<|>/y, EQUALITY = /^!?=$/, SEPARATORS = /[ \t\r\n]+/;
const LEVELS = [['or'], ['and'], ['=', '!='], ['<', '<=', '>', '>=']];
const ARITY = { not: 1, selected: 2, 'count-selected': 1 };
const OPERAND_ENDS = /^(num|str|ref|cur|\))$/;

const has = (object, key) => ({}).hasOwnProperty.call(object, key);
const isSpace = (c) => /^[ \t\r\n]$/.test(c);

function fail(reason) {
  throw Object.assign(new Error(reason), { name: 'ExpressionError', reason });
}

// Tokens {k: kind, s: text, p: position from 1 in code points, as in Python}.
function tokenize(text) {
  const tokens = [];
  for (let i = 0, p = 1; ; ) {
    while (isSpace(text[i])) i++, p++;
    if (i === text.length) return tokens.concat({ k: 'end', s: '', p });
    const token = next(text, i, p, OPERAND_ENDS.test((tokens[tokens.length - 1] || {}).k));
    tokens.push(token);
    i += token.s.length;
    p += Array.from(token.s).length;
  }
}

function next(text, i, p, afterOperand) {
  const c = String.fromCodePoint(text.codePointAt(i)), two = text.slice(i, i + 2), at = ` at ${p}`;
  const token = (k, s) => ({ k, s, p }), match = (re, from = i) => ((re.lastIndex = from), re.exec(text));
  const closing = two === '${' ? '}' : /['"]/.test(c) && c;
  let m = match(NUMBER);
  if (m && !(afterOperand && c === '-')) return token('num', m[0]);
  if (closing) {
    const end = text.indexOf(closing, i + 1);
    if (end < 0) fail(`unclosed ${c === '$' ? 'reference' : 'string'}${at}`);
    m = text.slice(i, end + 1);
    if (c !== '$') return token('str', m);
    if (!QUESTION.test(m.slice(2, -1))) fail(`invalid reference ${m}${at}`);
    return token('ref', m);
  }
  const path = two === '..' ? two : /[/@[\]]/.test(c) && c;
  if (path) fail(`paths are not supported: '${path}'${at}`);
  if (c === '.') return token('cur', c);
  if (two === '==') fail(`use '=' rather than '=='${at}`);
  if ((m = match(COMPARISON))) return token('cmp', m[0]);
  if ('(),'.indexOf(c) >= 0) return token(c, c);
  if ('+-*|'.indexOf(c) >= 0) fail(`arithmetic is not supported: '${c}'${at}`);
  if (!(m = match(NAME))) fail(`unexpected character '${c}'${at}`);
  const name = m[0];
  if (afterOperand && /^(and|or)$/.test(name)) return token(name, name);
  if (afterOperand) fail(`${/^(div|mod)$/.test(name) ? 'arithmetic is not supported:' : 'unexpected'} '${name}'${at}`);
  if (!match(CALL, i + name.length)) fail(`unexpected name '${name}'${at}: a question is written \${${name}}`);
  if (!has(ARITY, name)) fail(`unknown function: ${name}`);
  return token('fn', name);
}

// Nodes {t: type, op: operator or function, c: children, v: constant, h: height}.
function parse(text) {
  const tokens = tokenize(String(text));
  let index = 0, depth = 0;
  const peek = () => tokens[index], take = () => tokens[index++];
  const leaf = (t, v) => ({ t, v, c: [], h: 1 });
  const unexpected = (token) =>
    fail(token.k === 'end' ? 'unexpected end of expression' : `unexpected '${token.s}' at ${token.p}`);

  function expect(kind) {
    const token = take();
    if (token.k !== kind) fail(`expected '${kind}' at ${token.p}`);
  }
  function node(t, c, op = t) {
    const h = 1 + Math.max(...c.map((child) => child.h));
    return h > MAX_DEPTH ? fail(TOO_DEEP) : { t, op, c, h };
  }
  // `or`, `and` (n-ary), equality, relation (left-associative), then primaries
  function binary(level) {
    if (level === LEVELS.length) return primary();
    let operands = [binary(level + 1)], op;
    while (LEVELS[level].indexOf((op = peek().s)) >= 0) {
      operands.push(take() && binary(level + 1));
      if (level > 1) operands = [node('cmp', operands, op)];
    }
    return operands.length === 1 ? operands[0] : node(LEVELS[level][0], operands);
  }
  function disjunction() {  // one level deeper each time
    if (++depth > MAX_DEPTH) fail(TOO_DEEP);
    const result = binary(0);
    depth--;
    return result;
  }
  function primary() {
    const token = take(), { k, s } = token;
    if (k === 'num') return leaf('lit', parseFloat(s));
    if (k === 'str') return leaf('lit', s.slice(1, -1));
    if (k === 'ref') return leaf('ref', s.slice(2, -1));
    if (k === 'cur') return leaf('cur');
    if (k === 'fn') return call(s);
    if (k !== '(') unexpected(token);
    const inner = disjunction();
    expect(')');
    return inner;
  }
  function call(name) {
    const wanted = ARITY[name], args = [];
    take();  // '('
    if (peek().k !== ')') args.push(disjunction());
    while (args.length && peek().k === ',') args.push(take() && disjunction());
    expect(')');
    if (args.length !== wanted) fail(`${name}() takes ${wanted} argument${wanted > 1 ? 's' : ''}, not ${args.length}`);
    return node('call', args, name);
  }

  if (peek().k === 'end') fail('empty expression');
  const root = disjunction();
  if (peek().k !== 'end') unexpected(peek());
  const names = tokens.filter((token) => token.k === 'ref').map((token) => token.s.slice(2, -1));
  return { root, references: [...new Set(names)].sort() };
}

// XPath 1.0 values: strings, numbers, booleans
const answer = (value) => (/^(string|number|boolean)$/.test(typeof value) ? value : '');

function number(value) {
  const m = typeof value === 'string' ? NUMERIC.exec(value) : [0, value];
  return m ? +m[1] : NaN;
}

function numberText(x) {  // no exponent, shortest exact digits
  if (x !== x || x === 0 || !isFinite(x)) return x === 0 ? '0' : String(x);
  const [, sign, digits, exponent] = /^(-?)(\d+)e(.+)$/.exec(x.toExponential().replace('.', ''));
  const point = +exponent + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const string = (value) => (typeof value === 'number' ? numberText(value) : String(value));

function boolean(value) {
  if (typeof value === 'number') return value !== 0 && value === value;
  return typeof value === 'boolean' ? value : value !== '';
}

function equal(a, b) {
  if (typeof a === 'boolean' || typeof b === 'boolean') return boolean(a) === boolean(b);
  if (typeof a === 'number' || typeof b === 'number') return number(a) === number(b);
  return a === b;
}

function compare(op, a, b) {
  if (EQUALITY.test(op)) return equal(a, b) === (op === '=');
  [a, b] = [number(a), number(b)];
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

const choices = (value) => string(value).split(SEPARATORS).filter((token) => token !== '');

function valueOf(node, answers, current) {
  const { t, op, v } = node, values = node.c.map((child) => valueOf(child, answers, current)), [x, y] = values;
  if (t === 'lit') return v;
  if (t === 'ref') return has(answers, v) ? answer(answers[v]) : '';
  if (t === 'cur') return answer(current);
  if (t === 'cmp') return compare(op, x, y);
  if (op === 'not') return !boolean(x);
  if (op === 'count-selected') return choices(x).length;
  if (op === 'selected') return choices(y).length === 1 && choices(x).indexOf(choices(y)[0]) >= 0;
  return values.some((value) => boolean(value) === (t === 'or')) === (t === 'or');
}

const value = (parsed, answers, current) => valueOf(parsed.root, answers == null ? {} : Object(answers), current);

return {
  parse,
  value,
  evaluate: (parsed, answers, current) => boolean(value(parsed, answers, current)),
};
})();

"""Reading an XLSForm workbook (with pyxform) into the project's subset, or the list of what is
outside it: each problem with its sheet, its row as Excel counts them (the header is row 1) and the
reason. The definition built from a valid workbook is plain JSON (see docs/questionnaires.md)."""

import dataclasses
import io
import re

from flask_babel import gettext as _
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from models import Elements
from uploads import NotAWorkbook, TooLarge, check_workbook, is_zip

from .expressions import ExpressionError, parse

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
DEFAULT_LANGUAGE = "vi"
SELECT_ONE, SELECT_MULTIPLE = "select_one", "select_multiple"
SIMPLE_TYPES = ("integer", "decimal", "text", "date", "note")
QUESTION_TYPES = (SELECT_ONE, SELECT_MULTIPLE) + SIMPLE_TYPES
GROUP = "group"
BEGIN_GROUP, END_GROUP = ("begin_group", "begin group"), ("end_group", "end group")
TRANSLATED = ("label", "hint", "constraint_message")  # columns that may carry ::language
SURVEY_COLUMNS = {"type", "name", "required", "relevant", "constraint", "element", "alert", "recheck"}
CHOICE_COLUMNS = {"list_name", "name"}
SETTINGS_COLUMNS = {"form_id", "version", "form_title", "default_language"}
RECHECK_TYPES = ("1", "2", "3")
YES, NO = ("yes", "true", "true()", "1"), ("", "no", "false", "false()", "0")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
LANGUAGE_CODE_RE = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$")
PYXFORM_ROW_RE = re.compile(r"\[row\s*:\s*(\d+)\]")
FORM_MAX_EXPANDED = 32 * 1024 * 1024  # bytes an XLSForm workbook may expand to (a real one: under a megabyte)


@dataclasses.dataclass(frozen=True)
class Problem:
    sheet: str | None
    row: int | None
    reason: str

    def to_dict(self):
        return {"sheet": self.sheet, "row": self.row, "reason": self.reason}


class FormProblems(Exception):
    """The workbook is not a questionnaire of the supported subset; `problems` says where and why."""

    def __init__(self, problems):
        super().__init__("; ".join(p.reason for p in problems))
        self.problems = problems


def language_of(suffix):
    """The language code of a `label::…` column: `Tiếng Việt (vi)` and `vi` are both `vi`."""
    found = LANGUAGE_CODE_RE.search(suffix)
    code = found.group(1) if found else suffix.strip()
    return code.lower() or DEFAULT_LANGUAGE


def read(source, file_type=None):
    """The definition of the questionnaire in `source` (a path or the bytes of an .xlsx file); raises
    FormProblems listing everything outside the supported subset."""
    _check_workbook(source, file_type)
    try:
        book = get_xlsform(source, file_type=file_type)
    except PyXFormError as exc:
        raise FormProblems([Problem(None, None, f"not a readable XLSForm workbook: {exc}")]) from exc
    reader = _Reader(book)
    definition = reader.definition()
    if reader.problems:
        raise FormProblems(reader.problems)
    try:  # what pyxform itself refuses (our checks come first: their reasons name the subset)
        workbook_to_json(workbook_dict=book, form_name="data", fallback_form_name="form", warnings=[])
    except PyXFormError as exc:
        row = PYXFORM_ROW_RE.search(str(exc))
        raise FormProblems([Problem(SURVEY, int(row.group(1)) if row else None, str(exc))]) from exc
    return definition


def _check_workbook(source, file_type):
    """An .xlsx is opened only when it is a zip that expands to at most FORM_MAX_EXPANDED (pyxform reads
    a whole workbook into memory): anything else gets one problem and is never parsed."""
    is_path = isinstance(source, str) or hasattr(source, "__fspath__")
    if not (file_type == ".xlsx" or (is_path and str(source).lower().endswith(".xlsx"))):
        return
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    if is_path:
        with open(source, "rb") as f:
            head = f.read(4)
    elif isinstance(source, io.IOBase):
        position = source.tell()
        head = source.read(4)
        source.seek(position)
    else:
        return
    try:
        if not is_zip(head):
            raise NotAWorkbook(head)
        check_workbook(source, FORM_MAX_EXPANDED)
    except NotAWorkbook:
        raise FormProblems([Problem(None, None, _("This file is not an XLSX workbook."))]) from None
    except TooLarge:
        reason = _(
            "Opened, this workbook would take more than %(mb)d MB: it was refused unread (a damaged or "
            "malicious file).",
            mb=FORM_MAX_EXPANDED // (1024 * 1024),
        )
        raise FormProblems([Problem(None, None, reason)]) from None


def check(source, file_type=None):
    """[Problem] of a workbook: empty when it is a valid questionnaire of the subset."""
    try:
        read(source, file_type)
    except FormProblems as exc:
        return exc.problems
    return []


class _Reader:
    """One pass over the three sheets, collecting problems as it builds the definition."""

    def __init__(self, book):
        self.book = book
        self.problems = []
        self.languages = {}  # code -> the column suffix the workbook used ("" for a plain column)

    def problem(self, sheet, row, reason):
        self.problems.append(Problem(sheet, row, reason))

    def translated(self, sheet, row_number, row, column):
        """{language: text} of a translatable column (`label`, `label::English (en)`…)."""
        texts = {}
        for key, value in row.items():
            head, _sep, suffix = key.partition("::")
            if head.strip().lower() != column or value in (None, ""):
                continue
            code = language_of(suffix) if suffix else DEFAULT_LANGUAGE
            previous = self.languages.setdefault(code, suffix.strip())
            if previous != suffix.strip() and not (previous == "" or suffix.strip() == ""):
                self.problem(sheet, row_number, f"two columns for language {code}: {column}::{previous}, {key}")
            texts[code] = str(value)
        return texts

    def columns(self, sheet, header, allowed):
        for key in header or ():
            head = key.partition("::")[0].strip().lower()
            if head not in allowed and head not in TRANSLATED:
                self.problem(sheet, 1, f"column not supported: {key}")

    def definition(self):
        choices = self.read_choices()
        settings = self.read_settings()
        self.columns(SURVEY, _header(self.book.survey_header), SURVEY_COLUMNS)
        items, names = self.read_survey(choices)
        self.check_references(items, names)
        for item in walk(items):
            del item["row"]  # rows are for reporting; the definition is the same however the sheet is laid out
        return {
            "form_id": settings.get("form_id"),
            "version": settings.get("version"),
            "title": settings.get("form_title") or settings.get("form_id"),
            "default_language": DEFAULT_LANGUAGE,
            "languages": self.languages,
            "items": items,
            "choices": choices,
        }

    def read_settings(self):
        rows = [r for r in self.book.settings or () if r]
        self.columns(SETTINGS, _header(self.book.settings_header), SETTINGS_COLUMNS)
        settings = {k.strip().lower(): str(v).strip() for k, v in (rows[0] if rows else {}).items()}
        for key in ("form_id", "version"):
            if not settings.get(key):
                self.problem(SETTINGS, 2, f"{key} is missing")
        if settings.get("form_id") and not NAME_RE.match(settings["form_id"]):
            self.problem(SETTINGS, 2, f"form_id is not a name: {settings['form_id']}")
        if len(settings.get("version", "")) > 64 or len(settings.get("form_id", "")) > 64:
            self.problem(SETTINGS, 2, "form_id and version are at most 64 characters")
        return settings

    def read_choices(self):
        self.columns(CHOICES, _header(self.book.choices_header), CHOICE_COLUMNS)
        choices = {}
        for index, row in enumerate(self.book.choices or ()):
            number = index + 2
            if not row:
                continue
            list_name, name = str(row.get("list_name", "")).strip(), str(row.get("name", "")).strip()
            if not list_name or not name:
                self.problem(CHOICES, number, "a choice needs a list_name and a name")
                continue
            entries = choices.setdefault(list_name, [])
            if any(c["name"] == name for c in entries):
                self.problem(CHOICES, number, f"choice {name} appears twice in list {list_name}")
                continue
            entries.append({"name": name, "label": self.translated(CHOICES, number, row, "label")})
        return choices

    def read_survey(self, choices):
        root = {"children": []}
        stack = [root]
        names = {}
        for index, row in enumerate(self.book.survey or ()):
            number = index + 2
            if not row:
                continue
            kind = " ".join(str(row.get("type", "")).split())
            if kind in BEGIN_GROUP:
                group = self.group(number, row, names)
                stack[-1]["children"].append(group)
                stack.append(group)
            elif kind in END_GROUP:
                if len(stack) == 1:
                    self.problem(SURVEY, number, "end_group without a begin_group")
                else:
                    stack.pop()
            else:
                question = self.question(number, row, kind, choices, names)
                if question:
                    stack[-1]["children"].append(question)
        if len(stack) > 1:
            self.problem(SURVEY, None, f"group {stack[-1]['name']} is never closed (end_group)")
        if not names:
            self.problem(SURVEY, None, "the survey sheet has no question")
        return root["children"], names

    def named(self, number, row, names):
        name = str(row.get("name", "")).strip()
        if not NAME_RE.match(name):
            self.problem(SURVEY, number, f"not a valid name: {name!r}" if name else "a name is missing")
            return None
        if name in names:
            self.problem(SURVEY, number, f"name {name} is used twice (also row {names[name]})")
            return None
        names[name] = number
        return name

    def expression(self, number, column, text):
        text = (text or "").strip()
        if not text:
            return None
        try:
            parse(text)
        except ExpressionError as exc:
            self.problem(SURVEY, number, f"{column}: {exc}")
        return text

    def group(self, number, row, names):
        for column in ("required", "constraint", "element", "alert", "recheck"):
            if row.get(column):
                self.problem(SURVEY, number, f"a group has no {column}")
        return {
            "type": GROUP,
            "name": self.named(number, row, names),
            "label": self.translated(SURVEY, number, row, "label"),
            "relevant": self.expression(number, "relevant", row.get("relevant")),
            "row": number,
            "children": [],
        }

    def question(self, number, row, kind, choices, names):
        base, _sep, list_name = kind.partition(" ")
        if base not in QUESTION_TYPES:
            self.problem(SURVEY, number, f"question type not supported: {kind}" if kind else "a type is missing")
            return None
        if base in (SELECT_ONE, SELECT_MULTIPLE):
            if not list_name or list_name not in choices:
                self.problem(SURVEY, number, f"choice list not found in the choices sheet: {list_name or '(none)'}")
                return None
        elif list_name:
            self.problem(SURVEY, number, f"question type not supported: {kind}")
            return None
        name = self.named(number, row, names)
        required = str(row.get("required", "")).strip().lower()
        if required not in YES + NO:
            self.problem(SURVEY, number, f"required must be yes or no, not {required}")
        question = {
            "type": base,
            "name": name,
            "label": self.translated(SURVEY, number, row, "label"),
            "hint": self.translated(SURVEY, number, row, "hint"),
            "required": required in YES,
            "relevant": self.expression(number, "relevant", row.get("relevant")),
            "constraint": self.expression(number, "constraint", row.get("constraint")),
            "constraint_message": self.translated(SURVEY, number, row, "constraint_message"),
            "list": list_name or None,
            "element": self.element(number, row.get("element")),
            "alert": self.alert(number, row.get("alert"), base, choices.get(list_name)),
            "recheck": self.recheck(number, row.get("recheck")),
            "row": number,
        }
        if not question["label"] and base != "note":
            self.problem(SURVEY, number, "a question needs a label")
        if base == "note" and (question["required"] or question["constraint"]):
            self.problem(SURVEY, number, "a note takes no answer: it cannot be required or constrained")
        return question

    def element(self, number, value):
        value = str(value or "").strip()
        if value and value.partition(".")[0] not in Elements.ALL:
            self.problem(SURVEY, number, f"unknown element: {value} (one of {', '.join(Elements.ALL)})")
        return value or None

    def alert(self, number, value, base, choice_list):
        """The choice names whose answer raises an alert (select questions only)."""
        names = str(value or "").split()
        if not names:
            return []
        if base not in (SELECT_ONE, SELECT_MULTIPLE):
            self.problem(SURVEY, number, "alert lists choice names: only a select question can raise one")
            return []
        unknown = [n for n in names if n not in {c["name"] for c in choice_list or ()}]
        if unknown:
            self.problem(SURVEY, number, f"alert names choices not in the list: {' '.join(unknown)}")
        return names

    def recheck(self, number, value):
        value = str(value or "").strip()
        if value and value not in RECHECK_TYPES:
            self.problem(SURVEY, number, f"recheck must be 1, 2 or 3, not {value}")
        return int(value) if value in RECHECK_TYPES else None

    def check_references(self, items, names):
        for item in walk(items):
            for column in ("relevant", "constraint"):
                text = item.get(column)
                if not text:
                    continue
                try:
                    missing = sorted(parse(text).references - set(names))
                except ExpressionError:
                    continue  # already reported
                if missing:
                    self.problem(SURVEY, item["row"], f"{column} refers to unknown questions: {', '.join(missing)}")


def _header(header):
    """Column names of a sheet as pyxform reports them ([{name: None}] or [name])."""
    out = []
    for entry in header or ():
        out.extend(entry.keys() if isinstance(entry, dict) else [entry])
    return [str(h) for h in out if h]


def walk(items):
    """Every group and question, in form order."""
    for item in items:
        yield item
        if item["type"] == GROUP:
            yield from walk(item["children"])


def questions(definition):
    """The questions in form order, groups flattened; each with `relevant_all` (its own relevance and
    its groups', joined by `and`: what decides whether it is asked) and `group` (the path)."""

    def flatten(items, conditions, path):
        for item in items:
            here = conditions + ([item["relevant"]] if item.get("relevant") else [])
            if item["type"] == GROUP:
                yield from flatten(item["children"], here, path + [item["name"]])
                continue
            relevant = here[0] if len(here) == 1 else " and ".join(f"({c})" for c in here) or None
            yield {**item, "relevant_all": relevant, "group": "/".join(path) or None}

    return list(flatten(definition["items"], [], []))

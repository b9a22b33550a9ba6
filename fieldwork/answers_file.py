"""Answers from outside the app, one row per case (paper forms typed into a spreadsheet, another tool's
export): the columns of the file, one row read into its values, and its answers checked against the
named questionnaire version (pure: no database). See docs/interviews.md."""

import dataclasses
import datetime

from flask_babel import gettext as _

from exports.tables import FORMULA_START
from importing.table import NotText, match_columns
from importing.values import parse_datetime
from models import Dispositions, InterviewChannels
from questionnaires import validation

# The fixed columns, in the order the export writes them; then one column per question, by its `name`
FIXED = ("case_code", "mode", "outcome", "enumerator", "started_at", "ended_at", "form_id", "version")
SPEC = {  # field -> (required, header, alias): headers match without regard to case, spaces or diacritics
    "case_code": (True, "case_code", "mã hồ sơ"),
    "mode": (True, "mode", "hình thức"),
    "outcome": (True, "outcome", "kết quả"),
    "enumerator": (False, "enumerator", "điều tra viên"),
    "started_at": (False, "started_at", "bắt đầu"),
    "ended_at": (False, "ended_at", "kết thúc"),
    "form_id": (False, "form_id", "mã phiếu"),
    "version": (False, "version", "phiên bản"),
}
MODES = (InterviewChannels.PHONE, InterviewChannels.F2F, InterviewChannels.PAPER, InterviewChannels.WEB)
ANSWERED = (Dispositions.COMPLETE, Dispositions.PARTIAL)  # the outcomes that carry answers
TIME_FORMAT = "%Y-%m-%d %H:%M"  # how the export writes times (the import also reads dd/mm/yyyy HH:MM)


class RowRejected(ValueError):
    """The row is not imported: `reason` (translated), `value` the offending value if any."""

    def __init__(self, reason, value=None):
        super().__init__(reason)
        self.reason, self.value = reason, value


@dataclasses.dataclass
class Row:
    line: int
    case_code: str
    mode: str
    outcome: str
    enumerator: str | None
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    form_id: str | None
    version: str | None
    raw: dict  # question name -> the value in the file (not empty)

    @property
    def answered(self):
        return self.outcome in ANSWERED


@dataclasses.dataclass
class Columns:
    fixed: dict  # field -> column index
    questions: dict  # question name -> column index


def columns(header):
    """The file's columns: the fixed ones (ImportRefused when case_code, mode or outcome is missing) and
    every other non-empty header, taken as a question's name exactly as written."""
    fixed = match_columns(header, SPEC)
    taken = set(fixed.values())
    questions = {}
    for index, name in enumerate(header):
        name = str(name or "").strip()
        if index not in taken and name and name not in questions:
            questions[name] = index
    return Columns(fixed, questions)


def cell_text(value):
    """A cell as text: trimmed; a date cell of an XLSX as yyyy-mm-dd (with its time when it has one);
    the apostrophe the export puts before text a spreadsheet would run as a formula taken off."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.strftime(TIME_FORMAT)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value if value is not None else "").strip()
    if text.startswith("'") and text[1:2] in FORMULA_START and len(text) > 1:
        text = text[1:]
    return text


def _time(field, value):
    try:
        return parse_datetime(value if isinstance(value, datetime.datetime) else cell_text(value))
    except ValueError:
        raise RowRejected(
            _("%(column)s is not a date and time (yyyy-mm-dd HH:MM or dd/mm/yyyy HH:MM).", column=field),
            cell_text(value),
        ) from None


def read_row(cols, line, values):
    """The Row of one line's values, or RowRejected."""
    if isinstance(values, NotText) or not isinstance(values, list):
        raise RowRejected(_("The row is not UTF-8 text, or a value is too long."))

    def get(field):
        index = cols.fixed.get(field)
        return values[index] if index is not None and index < len(values) else ""

    code = cell_text(get("case_code"))
    if not code:
        raise RowRejected(_("case_code is empty."))
    mode = cell_text(get("mode")).lower()
    if mode not in MODES:
        raise RowRejected(_("Unknown mode: it must be phone, f2f, paper or web."), mode)
    outcome = cell_text(get("outcome"))
    if not outcome:
        raise RowRejected(_("outcome is empty: give an AAPOR code (1.1 complete, 1.2 partial…)."))
    started, ended = _time("started_at", get("started_at")), _time("ended_at", get("ended_at"))
    if started and ended and ended < started:
        raise RowRejected(_("ended_at is before started_at."), cell_text(get("ended_at")))
    raw = {}
    for name, index in cols.questions.items():
        text = cell_text(values[index]) if index < len(values) else ""
        if text:
            raw[name] = text
    return Row(
        line=line,
        case_code=code,
        mode=mode,
        outcome=outcome,
        enumerator=cell_text(get("enumerator")) or None,
        started_at=started,
        ended_at=ended,
        form_id=cell_text(get("form_id")) or None,
        version=cell_text(get("version")) or None,
        raw=raw,
    )


def check_answers(definition, row):
    """The row's answers checked as the server checks a submission (a complete, 1.1, needs every
    required question that is asked): the clean answers, or RowRejected for a column that is not a
    question of this form, an answer given where the question is not asked (`relevant` is false), an
    invalid value or choice, or a missing required answer."""
    names = [q["name"] for q in validation.prepared(definition)]
    unknown = [n for n in row.raw if n not in names]
    if unknown:
        raise RowRejected(
            _(
                "%(column)s is not a question of %(form)s version %(version)s.",
                column=unknown[0],
                form=row.form_id,
                version=row.version,
            ),
            row.raw[unknown[0]],
        )
    checked = validation.check(definition, row.raw, complete=row.outcome == Dispositions.COMPLETE)
    if checked.dropped:
        name = checked.dropped[0]
        raise RowRejected(
            _("%(question)s is answered although it is not asked (its relevant is false).", question=name),
            row.raw.get(name),
        )
    for name in names:
        if name in checked.errors:
            raise RowRejected(f"{name}: {checked.errors[name]}", row.raw.get(name))
    return checked.answers


def answer_text(value):
    """A stored answer as the file writes it: choices by their names (several separated by spaces)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def time_text(value):
    return value.strftime(TIME_FORMAT) if value else ""


def same_minute(a, b):
    """Times compared as the file writes them: to the minute."""
    if a is None or b is None:
        return a is b
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)

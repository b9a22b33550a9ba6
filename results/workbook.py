"""The workbook a Home Affairs office files (XLSX, Vietnamese): the version's particulars, the unit
ranking, elements, questions, response rates, self-administered links, civil servants and enumerators.
Numbers are numbers, shares are numbers shown as percentages, headers frozen; text that a spreadsheet
would run as a formula is neutralised (exports.cell). No personal data of any respondent."""

import datetime
import os
import tempfile
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from exports import cell as neutral
from models import Elements, LinkStatus, UnitLevel

from . import labels
from .arithmetic import RATE_CLASSES, SCALE
from .exporting import RATES

TEXT, COUNT, SHARE, MEAN, WHEN = "text", "count", "share", "mean", "when"
NUMBER_FORMATS = {COUNT: "#,##0", SHARE: "0.0%", MEAN: "0.00", WHEN: "dd/mm/yyyy hh:mm"}
WIDTHS = {TEXT: 28, COUNT: 11, SHARE: 11, MEAN: 9, WHEN: 18}
LINK_STATES = (LinkStatus.ANSWERED, LinkStatus.DECLINED, LinkStatus.LOCKED)
ENUMERATOR_COUNTS = ("assigned", "attempted", "submitted", "approved", "rejected")


@dataclass
class Column:
    header: str
    kind: str = TEXT
    width: int = 0


@dataclass
class Sheet:
    title: str
    columns: list
    rows: list


def workbook_file(version, path=None):
    """Write the version's workbook to `path`, or to a new temporary .xlsx file (the caller removes
    it); return the path. Vietnamese whatever the language of the one who asks."""
    levels = {level.code: (level.sort_order, level.name) for level in UnitLevel.select()}
    with force_locale(labels.FILED_LOCALE):
        sheets = build_sheets(version, version.figures_dict(), levels)
    if path is not None:
        write(path, sheets)
        return path
    handle, path = tempfile.mkstemp(prefix="sipas-results-", suffix=".xlsx")
    os.close(handle)
    try:
        write(path, sheets)
    except BaseException:
        os.remove(path)
        raise
    return path


def build_sheets(version, figures, levels):
    """The sheets of the workbook, first the version's particulars; `levels`: {code: (order, name)}."""
    names = {u["unit"]: u["name"] for u in figures["units"]}
    names[labels.PROVINCE] = _("Whole province")
    ctx = _Context(figures, names, levels)
    return [
        _cover(version, figures),
        _ranking(ctx),
        _elements(ctx),
        _questions(ctx),
        _rates(ctx),
        _links(ctx),
        _officers(ctx),
        _enumerators(figures),
    ]


@dataclass
class _Context:
    figures: dict
    names: dict
    levels: dict

    def level(self, code):
        return self.levels.get(code, (None, code))[1]

    def level_order(self, code):
        return (self.levels.get(code, (99, code))[0], code)

    def unit(self, code):
        """[code, name] of a unit; the province's rows have no code."""
        return [None if code == labels.PROVINCE else code, self.names.get(code)]

    def units(self):
        """The province first, then its units by level and code."""
        units = sorted(self.figures["units"], key=lambda u: (self.level_order(u["level"]), u["unit"]))
        return [{**self.figures["province"], "unit": labels.PROVINCE, "level": None}] + units


def _unit_columns():
    """The two columns that name a row's unit (the province's rows have no code)."""
    return [Column(_("Unit code"), width=12), Column(_("Unit"), width=40)]


def _interval_columns():
    """The two columns of a share's 95 % interval (`_interval` fills them)."""
    return [Column(_("95% CI: low"), SHARE, 13), Column(_("95% CI: high"), SHARE, 13)]


def _interval(ci):
    return list(ci) if ci else [None, None]


def _cover(version, figures):
    province = figures["province"]
    settings = figures.get("settings", {})
    channels = labels.channel_labels()
    rows = [
        [_("Period"), version.period.month],
        [_("Version"), version.number],
        [_("Status"), labels.status_labels().get(version.status, version.status)],
        [_("Compiled"), version.created_at],
        [_("Compiled by"), version.created_by],
        [_("Published"), version.published_at],
        [_("Published by"), version.published_by],
        [_("Why (what changed)"), version.note],
        [_("Fingerprint of the figures (SHA-256)"), version.digest],
        [_("Audit chain at compilation: record"), version.audit_seq],
        [_("Audit chain at compilation: hash"), version.audit_hash],
        [_("Minimum base for a rank"), settings.get("minimum_base")],
        [_("Channels counted"), ", ".join(str(channels.get(c, c)) for c in settings.get("channels", []))],
        [_("Province: responses counted"), province["completed"]],
        [_("Province: overall index"), (province["overall"]["index"], SHARE)],
        [_("Province: RR1"), (province["rates"]["RR1"], SHARE)],
        [_("Province: RR3"), (province["rates"]["RR3"], SHARE)],
    ]
    return Sheet(_("About this version"), [Column(_("Item"), width=38), Column(_("Value"), width=70)], rows)


def _ranking(ctx):
    grades = labels.grade_labels()
    columns = [
        Column(_("Level"), width=24),
        *_unit_columns(),
        Column(_("Responses"), COUNT),
        Column(_("Overall index"), SHARE, 13),
        *_interval_columns(),
        Column(_("Rank"), COUNT, 16),
        Column(_("Grade"), width=14),
        Column("RR1", SHARE),
        Column("RR3", SHARE),
    ]
    rows = []
    units = sorted(
        ctx.figures["units"],
        key=lambda u: (ctx.level_order(u["level"]), not u["ranked"], u["rank"] or 0, u["unit"]),
    )
    for u in units:
        rows.append(
            [ctx.level(u["level"]), u["unit"], u["name"], u["completed"], u["overall"]["index"]]
            + _interval(u["overall"]["ci"])
            + [u["rank"] if u["ranked"] else _("not ranked"), grades.get(u["grade"], u["grade"])]
            + [u["rates"]["RR1"], u["rates"]["RR3"]]
        )
    return Sheet(_("Ranking"), columns, rows)


def _elements(ctx):
    names = labels.element_labels()
    columns = [
        *_unit_columns(),
        Column(_("Element"), width=34),
        Column(_("Valid answers"), COUNT),
        Column(_("Satisfied"), COUNT),
        Column(_("Index"), SHARE),
        *_interval_columns(),
    ]
    rows = []
    for u in ctx.units():
        for code in Elements.ALL:
            e = u["elements"][code]
            rows.append([*ctx.unit(u["unit"]), names[code], e["n"], e["satisfied"], e["index"]])
            rows[-1] += _interval(e["ci"])
    return Sheet(_("Elements"), columns, rows)


def _questions(ctx):
    columns = [
        *_unit_columns(),
        Column(_("Question"), width=22),
        Column(_("Valid answers"), COUNT),
        Column(_("Mean (1-5)"), MEAN, 11),
        Column(_("Share satisfied"), SHARE, 12),
        *_interval_columns(),
    ] + [Column(_("Answers %(level)s", level=level), COUNT) for level in SCALE]
    questions = ctx.figures["province"].get("questions", []) + ctx.figures["questions"]
    rows = [
        [*ctx.unit(q["unit"]), q["question"], q["n"], q["mean"], q["satisfied_share"]]
        + _interval(q.get("ci"))
        + [q["levels"].get(level, 0) for level in SCALE]
        for q in questions
    ]
    return Sheet(_("Questions"), columns, rows)


def _rates(ctx):
    classes = labels.class_labels()
    columns = [
        *_unit_columns(),
        Column(_("Level"), width=24),
        Column(_("Cases issued"), COUNT),
        *[Column(classes[c], COUNT, 14) for c in RATE_CLASSES],
        *[Column(rate, SHARE) for rate in RATES],
    ]
    rows = [
        [*ctx.unit(u["unit"]), ctx.level(u["level"]) if u["level"] else None, u["issued"]]
        + [u["dispositions"].get(c, 0) for c in RATE_CLASSES]
        + [u["rates"][rate] for rate in RATES]
        for u in ctx.units()
    ]
    return Sheet(_("Response rates"), columns, rows)


def _links(ctx):
    channels = labels.channel_labels()
    columns = [
        *_unit_columns(),
        Column(_("Link channel"), width=20),
        Column(_("Links sent"), COUNT),
        Column(_("Links answered"), COUNT),
        Column(_("Links declined"), COUNT),
        Column(_("Links locked unanswered"), COUNT),
        Column(_("Links answered, share"), SHARE, 12),
    ]
    rows = [
        [*ctx.unit(u["unit"]), channels.get(channel, channel), link["sent"]]
        + [link.get(state, 0) for state in LINK_STATES]
        + [link["rate"]]
        for u in ctx.units()
        for channel, link in sorted(u.get("links", {}).items())
    ]
    return Sheet(_("Survey links"), columns, rows)


def _officers(ctx):
    roles = labels.officer_role_labels()
    columns = [
        *_unit_columns(),
        Column(_("Role"), width=22),
        Column(_("Civil servant"), width=30),
        Column(_("Valid answers"), COUNT),
        Column(_("Mean (1-5)"), MEAN, 11),
        Column(_("Share satisfied"), SHARE, 12),
    ]
    rows = [
        [*ctx.unit(o["unit"]), roles.get(o["role"], o["role"]), o["officer"]]
        + [o["n"], o["mean"], o["satisfied_share"]]
        for o in ctx.figures["officers"]
    ]
    return Sheet(_("Civil servants"), columns, rows)


def _enumerators(figures):
    columns = [
        Column(_("Enumerator"), width=16),
        Column(_("Name"), width=30),
        Column(_("Cases assigned"), COUNT),
        Column(_("Cases attempted"), COUNT),
        Column(_("Interviews submitted"), COUNT),
        Column(_("Interviews approved"), COUNT),
        Column(_("Interviews rejected"), COUNT),
    ]
    rows = [[e["enumerator"], e["name"]] + [e.get(k, 0) for k in ENUMERATOR_COUNTS] for e in figures["enumerators"]]
    return Sheet(_("Enumerators"), columns, rows)


def write(path, sheets):
    """Save the sheets to `path` (openpyxl's write-only mode: rows streamed as they are added)."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for spec in sheets:
        sheet = book.create_sheet(title=_sheet_title(spec.title))
        for i, column in enumerate(spec.columns, 1):
            sheet.column_dimensions[get_column_letter(i)].width = column.width or WIDTHS[column.kind]
        sheet.freeze_panes = "A2"
        header = []
        for column in spec.columns:
            c = WriteOnlyCell(sheet, value=neutral(str(column.header)))
            c.font, c.alignment = bold, wrap
            header.append(c)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([_cell(sheet, value, column.kind) for value, column in zip(row, spec.columns, strict=True)])
    book.save(path)


def _cell(sheet, value, kind):
    """A cell: text neutralised, numbers as numbers in the column's format; a (value, kind) pair sets
    the format of a cell of a column of mixed values (the particulars)."""
    if isinstance(value, tuple):
        value, kind = value
    if value is None:
        return None
    if isinstance(value, str):
        return WriteOnlyCell(sheet, value=neutral(value))
    c = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        c.number_format = NUMBER_FORMATS[WHEN]
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and kind in NUMBER_FORMATS:
        c.number_format = NUMBER_FORMATS[kind]
    return c


def _sheet_title(title):
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in str(title)).strip()
    return cleaned[:31] or "Sheet"

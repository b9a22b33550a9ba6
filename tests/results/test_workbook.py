"""The workbook a Home Affairs office files, opened with openpyxl: its sheets and headers, numbers as
numbers, shares formatted as percentages, frozen header rows, text that would run as a formula
neutralised, the version's particulars with its audit chain head, no respondent's personal data."""

import json

import openpyxl
import pytest

from fieldwork import review
from models import Case, Contact, ResultVersion, SampleCase, Unit, pii
from results import workbook

FORMULA = '=HYPERLINK("http://example.invalid","x")'
SHEETS = 8  # particulars, ranking, elements, questions, rates, links, civil servants, enumerators
RANKING_COLUMNS = 11


@pytest.fixture
def compiled(runner, submitted_interview, users):
    """Two approved interviews of one unit renamed to start like a formula; the month compiled."""
    first = submitted_interview()
    review.approve(first.id, users["supervisor"])
    review.approve(submitted_interview(thai_do="2").id, users["supervisor"])
    unit = Unit.get_by_id(Case.get_by_id(first.case_id).unit_id)
    unit.name = FORMULA
    unit.save()
    result = runner.invoke(args=["results", "compile", "--period", "2026-10"])
    assert result.exit_code == 0, result.output
    period = SampleCase.get(SampleCase.case == first.case_id).period
    return ResultVersion.latest(period), unit


def export(runner, tmp_path):
    path = tmp_path / "results.xlsx"
    result = runner.invoke(args=["results", "export", "--period", "2026-10", "--format", "xlsx", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(path)


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows()]


def test_the_workbook_from_the_command_line(runner, compiled, tmp_path):
    version, unit = compiled
    book = export(runner, tmp_path)
    assert len(book.sheetnames) == SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(isinstance(c.value, str) and c.font.b for c in sheet[1])  # a bold header row
    cover = {row[0].value: row[1] for row in rows_of(book.worksheets[0])[1:]}
    values = [c.value for c in cover.values()]
    assert "2026-10" in values and version.audit_seq in values and version.audit_hash in values
    assert version.digest in values
    ranking = book.worksheets[1]
    headers = [c.value for c in ranking[1]]
    assert len(headers) == RANKING_COLUMNS and headers[-2:] == ["RR1", "RR3"]
    rows = rows_of(ranking)[1:]
    assert len(rows) == Unit.select().count()
    row = next(r for r in rows if r[1].value == unit.code)
    assert row[2].value == "'" + FORMULA and row[2].data_type == "s"  # text, never a formula
    assert row[3].value == 2 and isinstance(row[3].value, int)  # responses
    index = row[4]
    assert isinstance(index.value, float) and 0 < index.value <= 1 and index.number_format == "0.0%"
    assert isinstance(row[7].value, str)  # below the minimum base of 30: not ranked (text)
    assert not any(c.data_type == "f" for sheet in book.worksheets for r in sheet.iter_rows() for c in r)
    elements = rows_of(book.worksheets[2])[1:]
    assert len(elements) == 6 * (1 + Unit.select().count())  # the province, then every unit
    questions = rows_of(book.worksheets[3])[1:]
    attitude = next(r for r in questions if r[0].value == unit.code and r[2].value == "thai_do")
    assert attitude[3].value == 2 and attitude[4].value == 3.5 and attitude[5].number_format == "0.0%"
    assert [c.value for c in attitude[8:13]] == [0, 1, 0, 0, 1]
    rates = rows_of(book.worksheets[4])[1:]
    assert (
        isinstance(rates[0][3].value, int) and rates[0][0].value is None and rates[0][-5].number_format == "0.0%"
    )  # the province's RR1
    enumerators = rows_of(book.worksheets[7])[1:]
    dtv1 = next(r for r in enumerators if r[0].value == "dtv1")
    assert dtv1[5].value == 2  # approved


def test_no_respondent_data_in_the_workbook(runner, compiled, tmp_path):
    book = export(runner, tmp_path)
    text = json.dumps(
        [c.value for sheet in book.worksheets for r in sheet.iter_rows() for c in r], default=str, ensure_ascii=False
    )
    phones = [pii.cipher().decrypt(c.phone_enc) for c in Contact.select().where(Contact.phone_enc.is_null(False))]
    assert phones and not any(p in text or p[-9:] in text for p in phones)


def test_officer_names_that_start_like_formulas_are_neutralised(app, compiled, tmp_path):
    version, unit = compiled
    figures = version.figures_dict()
    names = ["=1+2", "+1", "-1", "@SUM(A1)", "Nguyễn Văn A"]
    figures["officers"] = [
        {"unit": unit.code, "role": "receiving", "officer": n, "n": 3, "mean": 4.0, "satisfied_share": 2 / 3}
        for n in names
    ]
    crafted = ResultVersion.create(
        period=version.period,
        number=version.number + 1,
        figures=json.dumps(figures),
        inputs=version.inputs,
        digest="0" * 64,
        created_by="test",
    )
    path = workbook.workbook_file(crafted, str(tmp_path / "crafted.xlsx"))
    officers = rows_of(openpyxl.load_workbook(path).worksheets[6])[1:]
    assert [r[3].value for r in officers] == ["'=1+2", "'+1", "'-1", "'@SUM(A1)", "Nguyễn Văn A"]
    assert all(r[4].value == 3 and r[6].number_format == "0.0%" for r in officers)

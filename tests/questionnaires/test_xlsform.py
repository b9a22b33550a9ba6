"""Questionnaires in XLSForm: the shipped forms pass the check; anything outside the subset is refused
with its sheet, row (as Excel counts them) and reason; an import is stored once, a changed version is
refused, an export reads back to the same questionnaire; a published version never changes."""

import json
import os

import openpyxl
import pytest

from models import AuditRecord, PublishedVersionChanged, Questionnaire, QuestionnaireVersion

FORMS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "questionnaires", "forms")
HEADER = ["type", "name", "label", "label::English (en)", "required", "relevant", "constraint", "element", "alert"]
GOOD = [
    ["select_one yn", "consent", "Đồng ý?", "Consent?", "yes", "", "", "", ""],
    ["begin_group", "g", "Nhóm", "Group", "", "${consent} = 'yes'", "", "", ""],
    ["integer", "trips", "Số lần?", "Trips?", "yes", "", ". >= 0 and . < 30", "result.trips", ""],
    ["select_one yn", "money", "Đòi tiền?", "Money?", "yes", "", "", "civil_servants", "yes"],
    ["note", "thanks", "Cảm ơn", "Thanks", "", "", "", "", ""],
    ["end_group", "", "", "", "", "", "", "", ""],
    ["text", "idea", "Góp ý", "Idea", "", "${trips} > 2", "", "", ""],
]


@pytest.fixture
def workbook(tmp_path):
    """workbook(survey_rows, header=HEADER, settings=…, choices=…) -> the path of an XLSForm file."""

    def make(rows=GOOD, header=HEADER, settings=("t1", "1", "Thử"), choices=None, name="form.xlsx"):
        book = openpyxl.Workbook()
        survey = book.active
        survey.title = "survey"
        survey.append(header)
        for row in rows:
            survey.append(row)
        sheet = book.create_sheet("choices")
        sheet.append(["list_name", "name", "label", "label::English (en)"])
        for row in choices or [["yn", "yes", "Có", "Yes"], ["yn", "no", "Không", "No"]]:
            sheet.append(row)
        meta = book.create_sheet("settings")
        meta.append(["form_id", "version", "form_title"])
        meta.append(list(settings))
        path = tmp_path / name
        book.save(path)
        return str(path)

    return make


def _check(runner, path):
    result = runner.invoke(args=["questionnaire", "check", path, "--json"])
    return result.exit_code, json.loads(result.output)["errors"]


@pytest.mark.parametrize("name", ["sipas_truc_tiep.xlsx", "sipas_truc_tuyen.xlsx"])
def test_the_shipped_questionnaires_are_valid_and_cover_the_domain(runner, name):
    code, errors = _check(runner, os.path.join(FORMS, name))
    assert (code, errors) == (0, [])
    result = runner.invoke(args=["questionnaire", "import", os.path.join(FORMS, name), "--json"])
    form = json.loads(result.output)
    names = [q["name"] for q in form["questions"]]
    assert names[:2] == ["gioi_thieu", "dong_y"]  # consent first
    elements = {q["element"].partition(".")[0] for q in form["questions"] if q["element"]}
    assert elements == {"access", "procedure", "civil_servants", "result", "feedback", "legal_documents"}
    assert {"cong_chuc_tiep_nhan", "cong_chuc_giai_quyet", "phien_ha", "de_xuat"} <= set(names)
    assert all("${dong_y} = 'co'" in q["relevant"] for q in form["questions"][2:-1])


def test_anything_outside_the_subset_is_refused_with_sheet_row_and_reason(runner, workbook):
    rows = [
        ["geopoint", "where", "Ở đâu", "Where", "", "", "", "", ""],
        [],  # an empty row still counts, as in Excel
        ["integer", "n", "Số", "N", "", "", ". + 1 > 2", "", ""],
        ["text", "t", "Chữ", "T", "", "${nothing} = 'x'", "", "unknown", "yes"],
        ["select_one colours", "c", "Màu", "C", "", "", "", "", ""],
        ["integer", "n", "Lại", "Again", "maybe", "", "", "", ""],
        ["begin_group", "open", "Mở", "Open", "", "", "", "", ""],
    ]
    code, errors = _check(runner, workbook(rows, header=HEADER + ["calculation"]))
    assert code == 2
    by_row = {}
    for e in errors:
        by_row.setdefault((e["sheet"], e["row"]), []).append(e["reason"])
    assert by_row[("survey", 1)] == ["column not supported: calculation"]
    assert by_row[("survey", 2)] == ["question type not supported: geopoint"]
    assert "constraint:" in by_row[("survey", 4)][0]
    reasons = " | ".join(by_row[("survey", 5)])
    assert "unknown element: unknown" in reasons and "alert" in reasons and "unknown questions: nothing" in reasons
    assert by_row[("survey", 6)] == ["choice list not found in the choices sheet: colours"]
    assert any("used twice (also row 4)" in r for r in by_row[("survey", 7)])
    assert any("required must be yes or no" in r for r in by_row[("survey", 7)])
    assert any("never closed" in e["reason"] for e in errors)
    assert Questionnaire.select().count() == 0

    code, errors = _check(runner, workbook(settings=("", "", "")))
    assert code == 2 and {(e["sheet"], e["row"]) for e in errors} == {("settings", 2)}
    result = runner.invoke(args=["questionnaire", "import", workbook(settings=("", "", ""))])
    assert result.exit_code == 2 and Questionnaire.select().count() == 0


def test_a_file_that_is_not_a_workbook_is_refused(runner, tmp_path):
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    code, errors = _check(runner, str(path))
    assert code == 2 and errors[0]["sheet"] is None and errors[0]["reason"]


def test_import_lists_questions_in_form_order_and_is_idempotent(runner, workbook):
    path = workbook()
    result = runner.invoke(args=["questionnaire", "import", path, "--json"])
    assert result.exit_code == 0, result.output
    form = json.loads(result.output)
    assert (form["form_id"], form["version"], form["title"]) == ("t1", "1", "Thử")
    assert form["questions"] == [
        {"name": "consent", "type": "select_one", "required": True, "relevant": None, "element": None,
         "choices": ["yes", "no"]},
        {"name": "trips", "type": "integer", "required": True, "relevant": "${consent} = 'yes'",
         "element": "result.trips", "choices": None},
        {"name": "money", "type": "select_one", "required": True, "relevant": "${consent} = 'yes'",
         "element": "civil_servants", "choices": ["yes", "no"]},
        {"name": "thanks", "type": "note", "required": False, "relevant": "${consent} = 'yes'", "element": None,
         "choices": None},
        {"name": "idea", "type": "text", "required": False, "relevant": "${trips} > 2", "element": None,
         "choices": None},
    ]  # fmt: skip
    records = AuditRecord.select().count()
    again = runner.invoke(args=["questionnaire", "import", path, "--json"])
    assert again.exit_code == 0 and json.loads(again.output) == form
    assert QuestionnaireVersion.select().count() == 1 and AuditRecord.select().count() == records

    changed = [row[:] for row in GOOD]
    changed[2][2] = "Bao nhiêu lần?"
    refused = runner.invoke(args=["questionnaire", "import", workbook(changed, name="changed.xlsx")])
    assert refused.exit_code == 2 and "change the version" in refused.output
    assert QuestionnaireVersion.select().count() == 1
    newer = runner.invoke(
        args=["questionnaire", "import", workbook(changed, settings=("t1", "2", "Thử"), name="v2.xlsx")]
    )
    assert newer.exit_code == 0 and QuestionnaireVersion.select().count() == 2


def test_export_writes_back_the_same_questionnaire(runner, tmp_path):
    runner.invoke(args=["questionnaire", "import", os.path.join(FORMS, "sipas_truc_tiep.xlsx")])
    out = str(tmp_path / "back.xlsx")
    result = runner.invoke(args=["questionnaire", "export", "sipas_truc_tiep", "--version", "2026.1", "-o", out])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["questionnaire", "import", out])
    assert again.exit_code == 0 and "unchanged" in again.output
    sheet = openpyxl.load_workbook(out)["survey"]
    assert [c.value for c in sheet[1]][:3] == ["type", "name", "label::Tiếng Việt (vi)"]
    missing = runner.invoke(args=["questionnaire", "export", "nope", "-o", out])
    assert missing.exit_code == 2


def test_a_published_version_never_changes(runner, workbook):
    runner.invoke(args=["questionnaire", "import", workbook()])
    assert runner.invoke(args=["questionnaire", "publish", "t1", "--version", "1"]).exit_code == 0
    version = QuestionnaireVersion.get()
    assert version.status == "published" and QuestionnaireVersion.current("t1").id == version.id
    version.definition = version.definition.replace("Số lần?", "Bao nhiêu?")
    with pytest.raises(PublishedVersionChanged):
        version.save()
    assert "Số lần?" in QuestionnaireVersion.get_by_id(version.id).definition
    assert runner.invoke(args=["questionnaire", "publish", "t1", "--version", "1"]).exit_code == 2
    assert runner.invoke(args=["questionnaire", "retire", "t1", "--version", "1"]).exit_code == 0
    assert QuestionnaireVersion.current("t1") is None

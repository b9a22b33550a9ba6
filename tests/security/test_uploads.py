"""Every upload (cases, answers, questionnaire) given what no one should be able to slip in: an empty
file, binary garbage, a zip bomb (an .xlsx of 300 KB whose sheet expands to 300 MB, refused from its
directory before anything is expanded), 10,000 columns (CSV and XLSX), a Windows-1258 CSV. Each gets
one clear message and changes nothing: no row, no audit record, no job left running, no upload left
on disk. A UTF-16 CSV with its byte-order mark (Excel's "Unicode text") is read like UTF-8. A request
over MAX_CONTENT_LENGTH gets the "file too large" page."""

import csv
import io
import os
import random
import resource
import time
import unicodedata
import zipfile

import openpyxl
import pytest

from importing.table import ImportRefused, open_table
from models import AuditRecord, Case, ImportRun, Interview, JobRun, JobStatus, Questionnaire, QuestionnaireVersion
from questionnaires import xlsform

TONES = "\u0300\u0301\u0303\u0309\u0323"  # Windows-1258 writes Vietnamese tones as combining marks
CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="survey" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def zip_bomb(megabytes=300):
    """A valid workbook whose one sheet is `megabytes` MB of blanks: a few hundred KB compressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        blank = b" " * (1 << 20)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            sheet.write(b'2006/main"><sheetData>')
            for _ in range(megabytes):
                sheet.write(blank)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def wide_xlsx(columns=10_000):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([f"cot_{i}" for i in range(columns)])
    sheet.append(["x"] * columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def windows_1258(text):
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
            out += base.encode("cp1258") + "".join(p for p in parts if p in TONES).encode("cp1258")
    return out


CASES_HEADER = "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ngay_tra_ket_qua,so_dien_thoai"


@pytest.fixture(scope="session")
def bad_files():
    """{name: (filename, bytes)}: what each upload must refuse."""
    wide = ",".join(f"cot_{i}" for i in range(10_000))
    return {
        "empty": ("trong.csv", b""),
        "garbage": ("rac.csv", random.Random(11).randbytes(8192)),
        "zip bomb": ("bom.xlsx", zip_bomb()),
        "10,000 columns csv": ("rong.csv", (wide + "\n" + wide + "\n").encode()),
        "10,000 columns xlsx": ("rong.xlsx", wide_xlsx()),
        "windows-1258": (
            "cu.csv",
            windows_1258(f"{CASES_HEADER}\nHS-Đ1,X01,1.000001,trực tiếp,01/10/2026,15/10/2026,\n" * 1),
        ),
    }


BAD = ("empty", "garbage", "zip bomb", "10,000 columns csv", "10,000 columns xlsx", "windows-1258")


def unfinished_jobs():
    return JobRun.select().where(JobRun.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))).count()


def refused_once(job):
    """The job refused the file with one line of message, and left no upload behind."""
    job = JobRun.get_by_id(job.id)
    assert job.status == JobStatus.REFUSED, (job.status, job.message, job.error)
    assert job.message and "\n" not in job.message.strip() and "Traceback" not in job.message
    assert not os.path.exists(job.upload)
    return job


@pytest.mark.parametrize("name", BAD)
def test_a_cases_upload_is_refused_with_one_message_and_changes_nothing(
    app, client, auth, users, imported_cases, work_jobs, bad_files, name
):
    filename, data = bad_files[name]
    auth.login("officer")
    before = (Case.select().count(), AuditRecord.select().count())
    response = client.post(
        "/admin/imports/",
        data={"kind": "cases", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    work_jobs()
    job = refused_once(JobRun.select().order_by(JobRun.id.desc()).first())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count('data-testid="import-refused"') == 1
    assert (Case.select().count(), AuditRecord.select().count()) == before
    assert unfinished_jobs() == 0
    assert job.message in page


@pytest.mark.parametrize("name", BAD)
def test_an_answers_upload_is_refused_with_one_message_and_changes_nothing(
    app, client, auth, users, work_jobs, bad_files, name
):
    filename, data = bad_files[name]
    auth.login("supervisor")
    before = (Interview.select().count(), AuditRecord.select().count())
    response = client.post(
        "/admin/interview_imports/", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    work_jobs()
    refused_once(JobRun.select().order_by(JobRun.id.desc()).first())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count('data-testid="import-refused"') == 1
    assert (Interview.select().count(), AuditRecord.select().count()) == before
    assert unfinished_jobs() == 0


@pytest.mark.parametrize("name", BAD + ("utf-16",))
def test_a_questionnaire_upload_is_refused_with_one_message_and_changes_nothing(
    app, client, auth, users, bad_files, name
):
    filename, data = bad_files.get(name) or ("form.csv", "type,name\ninteger,n\n".encode("utf-16"))
    auth.login("officer")
    before = AuditRecord.select().count()
    page = client.post(
        "/admin/questionnaires/upload",
        data={"file": (io.BytesIO(data), filename.replace(".csv", ".xlsx"))},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert page.count("alert-danger") == 1
    assert Questionnaire.select().count() == 0 and QuestionnaireVersion.select().count() == 0
    assert AuditRecord.select().count() == before


def test_the_zip_bomb_is_refused_without_being_expanded(app, bad_files, tmp_path):
    """Refused from the zip's directory: far quicker than reading 300 MB, and in little memory."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bad_files["zip bomb"][1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with app.test_request_context(), pytest.raises(ImportRefused, match="128 MB"):
        open_table(str(path))
    with app.test_request_context(), pytest.raises(xlsform.FormProblems, match="32 MB"):
        xlsform.read(io.BytesIO(bad_files["zip bomb"][1]), file_type=".xlsx")
    assert time.monotonic() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50 * 1024  # KB: nothing was expanded


@pytest.mark.parametrize("delimiter", (",", "\t"))  # Excel's "Unicode text" is tab-separated
def test_a_utf16_cases_file_with_its_bom_is_imported_like_utf8(
    app, client, auth, users, reference_data, work_jobs, fixture_file, delimiter
):
    with open(fixture_file("cases.csv"), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    auth.login("officer")
    response = client.post(
        "/admin/imports/",
        data={"kind": "cases", "file": (io.BytesIO(text.getvalue().encode("utf-16")), "unicode.txt.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    work_jobs()
    run = ImportRun.select().order_by(ImportRun.id.desc()).first()
    assert run.job.status == JobStatus.DONE, run.job.message
    assert (run.created, run.rejected) == (6, 4)  # as the UTF-8 file (the `imported_cases` fixture)
    assert Case.select().count() == 6


def test_a_request_over_the_size_limit_gets_the_file_too_large_page(make_app, users, auth):
    app = make_app(MAX_CONTENT_LENGTH=1024 * 1024)
    client = app.test_client()
    auth.login("officer", client=client)
    before = AuditRecord.select().count()
    response = client.post(
        "/admin/imports/",
        data={"kind": "cases", "file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Tệp lớn hơn mức cho phép 1 MB." in response.get_data(as_text=True)
    assert ImportRun.select().count() == 0 and AuditRecord.select().count() == before
    assert not os.listdir(app.config["UPLOAD_FOLDER"]) if os.path.isdir(app.config["UPLOAD_FOLDER"]) else True

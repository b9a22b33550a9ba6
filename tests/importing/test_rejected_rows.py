"""An import's rejected rows are downloaded from its page as a CSV in the file's own columns, fixed and
imported again; kept encrypted, for those who may import, each download audited, deleted after 7 days."""

import csv
import datetime
import io

import openpyxl
import pytest

import backoffice.imports
import importing.rejected
from importing.rejected import cell_text, csv_lines
from importing.values import parse_datetime
from jobs.schedule import run_recurring
from models import AuditRecord, Case, ImportRun, JobKinds, JobRun, JobStatus, RejectedRows, Unit, now

BOM = "\ufeff"
HEADER = ["Mã hồ sơ", "Mã đơn vị", "Mã thủ tục", "Hình thức nộp", "Ngày tiếp nhận", "Ngày trả kết quả"]
HEADER += ["Họ tên", "Số điện thoại", "Ghi chú nội bộ"]  # the last column is not the importer's
GOOD = [
    ["R-1", "X01", "1.000001", "truc_tiep", "01/10/2026", "02/10/2026", "Nguyễn Văn An", "0912345601", "ok"],
    ["R-2", "S01", "1.000004", "Trực tuyến", "02/10/2026", "", "Trần Thị Bình", "0912345602", ""],
]
BAD = [
    ["R-3", "X99", "1.000001", "truc_tiep", "03/10/2026", "04/10/2026", "Lê Văn Cường", "0912345603", "a;b"],
    ["R-4", "X01", "1.000001", "truc_tiep", "31/02/2026", "", 'Phạm "Bé" Đức', "0912345604", "dòng\nhai"],
    ["R-5", "X01", "1.000001", "qua_zalo", "05/10/2026", "", "Hoàng Thị Em", "0912345605", ""],
    ["", "X01", "1.000001", "truc_tiep", "06/10/2026", "", "Vũ Văn Phúc", "0912345606", "không mã"],
]
FIXES = {"X99": "X02", "31/02/2026": "28/02/2026", "qua_zalo": "truc_tuyen"}
PHONE = "0912345603"  # of a rejected row


def csv_bytes(rows, delimiter=";"):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (BOM + out.getvalue()).encode()


def read_csv(data, delimiter=";"):
    text = data.decode("utf-8")
    assert text.startswith(BOM)  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def fixed(rows):
    """What the user does in Excel: corrects the offending values, and gives the row without a code one."""
    out = [[FIXES.get(value, value) for value in row] for row in rows]
    for i, row in enumerate(out):
        row[0] = row[0] or f"R-FIXED-{i}"
    return out


@pytest.fixture
def import_upload(client, work_jobs):
    """Upload a file through the back office, run its job with a real worker; the ImportRun."""

    def run(kind, name, data):
        response = client.post(
            "/admin/imports/", data={"kind": kind, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
        )
        assert response.status_code == 302
        work_jobs()
        run = ImportRun.select().order_by(ImportRun.id.desc()).first()
        assert run.job.status == JobStatus.DONE, run.job.message
        return run

    return run


@pytest.fixture
def officer(users, auth, reference_data):
    auth.login("officer")


@pytest.fixture
def later(monkeypatch):
    """Move the clock of the import pages and of the rejected rows' deletion `days` ahead."""

    def move(days):
        moved = now() + datetime.timedelta(days=days)
        for module in (importing.rejected, backoffice.imports):
            monkeypatch.setattr(module, "now", lambda: moved)

    return move


def link(run):
    return f"/admin/imports/{run.id}/rejected.csv"


def test_rejected_rows_download_in_the_file_columns_then_import_once_fixed(client, officer, import_upload):
    run = import_upload("cases", "hồ sơ tháng 10.csv", csv_bytes([HEADER, *GOOD, *BAD]))
    assert (run.created, run.rejected) == (2, 4)
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert link(run) in page
    response = client.get(link(run))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "-rejected.csv" in disposition
    assert "h%E1%BB%93%20s%C6%A1%20th%C3%A1ng%2010-rejected.csv" in disposition  # the original name
    rows = read_csv(response.data)
    assert rows == [HEADER, *BAD]  # every column as the user had it, the ignored one too

    again = import_upload("cases", "hồ sơ tháng 10-rejected.csv", csv_bytes([rows[0], *fixed(rows[1:])]))
    assert (again.created, again.rejected) == (4, 0)
    assert Case.get(Case.code == "R-3").unit == Unit.get(Unit.code == "X02")
    assert link(again) not in client.get(f"/admin/imports/{again.id}").get_data(as_text=True)
    assert client.get(link(again)).status_code == 404  # nothing to download


def test_many_rejected_rows_are_stored_in_chunks_and_read_back_in_order(client, officer, import_upload, monkeypatch):
    monkeypatch.setattr(importing.rejected, "CHUNK_CHARS", 500)
    bad = [[f"M-{i}", "X99", "1.000001", "truc_tiep", "01/10/2026", "", "", "", f"#{i}"] for i in range(200)]
    run = import_upload("cases", "many.csv", csv_bytes([HEADER, *GOOD, *bad], delimiter=","))
    assert run.rejected == 200
    assert RejectedRows.select().where(RejectedRows.import_run == run).count() > 10
    assert read_csv(client.get(link(run)).data, delimiter=",") == [HEADER, *bad]  # the file's separator


def test_rows_that_are_not_utf8_are_kept_marked_and_overlong_ones_are_listed(client, officer, import_upload):
    lines = [";".join(HEADER), ";".join(GOOD[0]), ";".join(GOOD[1])]
    data = ("\r\n".join(lines) + "\r\n").encode()
    data += b"R-8;X01;1.000001;truc_tiep;01/10/2026;;Ng" + b"\xff" + "yễn;;\r\n".encode()
    data += b"R-9;X01;1.000001;truc_tiep;01/10/2026;;" + b"x" * 1_100_000 + b";;\r\n"
    run = import_upload("cases", "mixed.csv", data)
    assert (run.created, run.rejected, run.rejected_kept) == (2, 2, 1)
    rows = read_csv(client.get(link(run)).data)
    assert rows == [HEADER, ["R-8", "X01", "1.000001", "truc_tiep", "01/10/2026", "", "Ng\ufffdyễn", "", ""]]
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert 'data-testid="rejected-not-kept"' in page


def test_xlsx_rejected_rows_come_back_as_csv_and_import(client, officer, import_upload, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["MA_HO_SO", "MA_DON_VI", "MA_THU_TUC", "HINH_THUC_NOP", "NGAY_TIEP_NHAN", "SO_DIEN_THOAI", "GHI_CHU"])
    sheet.append(["XL-1", "X01", "1.000001", "Trực tiếp", datetime.datetime(2026, 10, 1, 8, 30), 912345678, None])
    sheet.append(["XL-2", "X99", "1.000001", "Trực tiếp", datetime.datetime(2026, 10, 2, 9, 0), 912345679, "xem lại"])
    sheet.append(["XL-3", "X01", "1.000001", "qua_zalo", datetime.date(2026, 10, 3), None, 1.5])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    run = import_upload("cases", "thang10.xlsx", path.read_bytes())
    assert (run.created, run.rejected) == (1, 2)
    response = client.get(link(run))
    assert "thang10-rejected.csv" in response.headers["Content-Disposition"]
    rows = read_csv(response.data, delimiter=",")
    assert rows == [
        ["MA_HO_SO", "MA_DON_VI", "MA_THU_TUC", "HINH_THUC_NOP", "NGAY_TIEP_NHAN", "SO_DIEN_THOAI", "GHI_CHU"],
        ["XL-2", "X99", "1.000001", "Trực tiếp", "2026-10-02 09:00:00", "912345679", "xem lại"],
        ["XL-3", "X01", "1.000001", "qua_zalo", "2026-10-03 00:00:00", "", "1.5"],
    ]
    again = import_upload("cases", "thang10-rejected.csv", csv_bytes([rows[0], *fixed(rows[1:])], delimiter=","))
    assert (again.created, again.rejected) == (2, 0)
    assert Case.get(Case.code == "XL-2").received_at == datetime.datetime(2026, 10, 2, 9, 0)


def test_units_rejected_after_reading_are_downloaded_in_file_order(client, officer, import_upload):
    rows = [
        ["ma_don_vi", "ten_don_vi", "cap", "ma_don_vi_cha"],
        ["A1", "Phường A", "xa", "ZZ"],  # its parent does not exist: found once the file is read
        ["A2", "Phường B", "thon", "T00"],  # unknown level: found as it is read
        ["A3", "Phường C", "xa", "T00"],
    ]
    run = import_upload("units", "don vi.csv", csv_bytes(rows, delimiter=","))
    assert (run.created, run.rejected) == (1, 2)
    assert read_csv(client.get(link(run)).data, delimiter=",") == rows[:3]


def test_only_those_who_may_import_download_and_forged_ids_get_404(app, client, officer, import_upload, auth):
    run = import_upload("cases", "c.csv", csv_bytes([HEADER, *GOOD, *BAD]))
    for role, status in (("auditor", 403), ("enumerator", 403), ("supervisor", 200), ("admin", 200)):
        other = app.test_client()
        auth.login(role, client=other)
        assert other.get(link(run)).status_code == status, role
    for url in ("/admin/imports/987654/rejected.csv", "/admin/imports/99999999999999999999999/rejected.csv"):
        assert client.get(url).status_code == 404
    assert client.get("/admin/imports/x1/rejected.csv").status_code == 404


def test_stored_rows_are_encrypted(client, officer, import_upload):
    run = import_upload("cases", "c.csv", csv_bytes([HEADER, *GOOD, *BAD]))
    stored = b"".join(bytes(chunk.data) for chunk in RejectedRows.select().where(RejectedRows.import_run == run))
    assert stored
    for clear in (PHONE, "Lê Văn Cường", "R-3", "X99"):
        assert clear.encode() not in stored
    assert PHONE in client.get(link(run)).get_data(as_text=True)  # yet the download has it


def test_each_download_is_in_the_audit_trail_without_personal_data(client, officer, import_upload):
    run = import_upload("cases", "c.csv", csv_bytes([HEADER, *GOOD, *BAD]))
    client.get(link(run))
    client.get(link(run))
    events = list(AuditRecord.select().where(AuditRecord.action == "download_rejected_rows"))
    assert {e.model for e in events} == {"import_run"}
    assert [(e.object_id, e.actor, e.source) for e in events] == [(str(run.id), "officer", "web")] * 2
    trail = " ".join(f"{e.before} {e.after}" for e in events)
    assert "rejected_rows" in trail and PHONE not in trail and "Cường" not in trail


def test_deleted_after_seven_days_by_the_daily_job(app, client, officer, import_upload, later):
    run = import_upload("cases", "c.csv", csv_bytes([HEADER, *GOOD, *BAD]))
    until = ImportRun.get_by_id(run.id).rejected_until
    assert datetime.timedelta(days=6, hours=23) < until - now() <= datetime.timedelta(days=7)
    assert until.strftime("%d/%m/%Y") in client.get(f"/admin/imports/{run.id}").get_data(as_text=True)

    later(days=6)
    with app.app_context():
        run_recurring(JobKinds.IMPORT_PURGE_REJECTED)
    assert client.get(link(run)).status_code == 200  # not yet

    later(days=7)
    with app.app_context():
        run_recurring(JobKinds.IMPORT_PURGE_REJECTED)
    job = JobRun.select().where(JobRun.kind == JobKinds.IMPORT_PURGE_REJECTED).order_by(JobRun.id.desc()).first()
    assert (job.status, job.actor) == (JobStatus.DONE, "scheduler")
    assert RejectedRows.select().where(RejectedRows.import_run == run).count() == 0
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert link(run) not in page and 'data-testid="rejected-download"' in page
    assert until.strftime("%d/%m/%Y") in page  # "deleted on …"
    response = client.get(link(run))
    assert response.status_code == 404 and until.strftime("%d/%m/%Y") in response.get_data(as_text=True)


def test_values_are_written_as_the_importer_reads_them_back():
    moment = datetime.datetime(2026, 10, 2, 9, 5, 7)
    assert cell_text(moment) == "2026-10-02 09:05:07" and parse_datetime(cell_text(moment)) == moment
    assert cell_text(datetime.date(2026, 10, 3)) == "2026-10-03"
    assert cell_text(912345678) == "912345678"
    assert cell_text("Ng\udcffyễn\x00") == "Ng\ufffdyễn\ufffd"  # bytes that were not UTF-8, a NUL
    assert csv_lines([["a;b", 'say "hi"', "x"]], ";") == '"a;b";"say ""hi""";x\r\n'

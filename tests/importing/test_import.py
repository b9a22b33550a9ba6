"""Import of units, procedures and cases from the command line, on both databases."""

import gc
import json

import openpyxl
import pytest

import importing.case_rows
from importing import import_file
from models import AuditRecord, Case, Contact, Procedure, Unit, db

EXPECTED_CASES = {
    "created": 6,
    "updated": 0,
    "unchanged": 0,
    "rejected": [6, 7, 8, 9],  # unknown unit, impossible date, unknown channel, no code
    "warnings": [4, 10],  # invalid e-mail, invalid phone
}


def run_json(runner, kind, path):
    result = runner.invoke(args=["import", kind, path, "--json"])
    return result, json.loads(result.output) if result.output.strip().startswith("{") else None


def test_cases_import_reports_every_row_by_line(runner, reference_data, fixture_file):
    result, report = run_json(runner, "cases", fixture_file("cases.csv"))
    assert result.exit_code == 0
    assert set(report) == {"created", "updated", "unchanged", "rejected", "warnings"}
    assert report["created"] == EXPECTED_CASES["created"]
    assert [r["line"] for r in report["rejected"]] == EXPECTED_CASES["rejected"]
    assert [r["line"] for r in report["warnings"]] == EXPECTED_CASES["warnings"]
    reasons = {r["line"]: r["reason"] for r in report["rejected"]}
    assert "X99" in reasons[6]
    assert all(r["reason"] for r in report["rejected"] + report["warnings"])
    assert Case.select().count() == 6


def test_imported_values_are_normalised(app, runner, reference_data, fixture_file):
    runner.invoke(args=["import", "cases", fixture_file("cases.csv")])
    from models.pii import cipher

    c = cipher()
    first = Case.get(Case.code == "HS-0001")
    assert first.channel == "direct" and first.unit.code == "X01"
    assert first.received_at.isoformat() == "2026-10-01T08:15:00"
    assert not first.is_late
    assert Case.get(Case.code == "HS-0002").is_late  # returned 15/10 after due 10/10
    assert Case.get(Case.code == "HS-0004").returned_at is None
    assert Case.get(Case.code == "HS-0004").channel == "postal"
    phones = {Case.get_by_id(ct.case_id).code: c.decrypt(ct.phone_enc) for ct in Contact.select()}
    assert phones["HS-0002"] == "+84912345679"
    assert phones["HS-0003"] == "+84912345680"
    assert phones["HS-0004"] == "+84912345681"
    assert phones["HS-0010"] == "+842523822123"
    assert phones["HS-0009"] is None  # invalid phone: imported without one


def test_personal_data_is_encrypted_at_rest(app, runner, reference_data, fixture_file):
    runner.invoke(args=["import", "cases", fixture_file("cases.csv")])
    dump = []
    for table in ("contact", "case", "audit_record"):
        for row in db.execute_sql(f'SELECT * FROM "{table}"').fetchall():
            dump.append(
                " ".join(
                    bytes(v).hex() + bytes(v).decode("latin-1") if isinstance(v, (bytes, memoryview)) else str(v)
                    for v in row
                )
            )
    text = "\n".join(dump)
    for secret in ("Nguyễn Văn An", "Nguy", "912345678", "an@example.vn"):
        assert secret not in text
    contact = Contact.get(Contact.case == Case.get(Case.code == "HS-0001"))
    from models.pii import cipher

    assert contact.phone_hash == cipher().lookup_hash("+84912345678")


def test_reimport_is_idempotent_and_a_changed_row_updates(runner, reference_data, tmp_path, fixture_file):
    path = fixture_file("cases.csv")
    run_json(runner, "cases", path)
    audits = AuditRecord.select().count()
    _, again = run_json(runner, "cases", path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 6)
    assert AuditRecord.select().count() == audits  # nothing changed, nothing audited
    changed = tmp_path / "changed.csv"
    text = open(path, encoding="utf-8-sig").read().replace("0912.345.679", "0987654321")
    changed.write_text(text, encoding="utf-8")
    _, third = run_json(runner, "cases", str(changed))
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 5)
    case_record, contact_record = AuditRecord.select().where(AuditRecord.seq > audits).order_by(AuditRecord.seq)
    assert (case_record.action, case_record.model) == ("update", "case")
    assert json.loads(case_record.before) == {"digest": "[redacted]"}  # the fingerprint includes the phone
    assert (contact_record.action, contact_record.model) == ("update", "contact")
    assert json.loads(contact_record.after) == {"phone_enc": "[redacted]", "phone_hash": "[redacted]"}
    for record in (case_record, contact_record):
        assert "987654321" not in record.before + record.after


def test_comma_separated_without_bom_and_english_headers(runner, reference_data, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_code,unit_code,procedure_code,channel,received_at,returned_at,phone\n"
        "E-1,S01,1.000004,online,2026-10-01,2026-10-03,0912345678\n",
        encoding="utf-8",
    )
    _, report = run_json(runner, "cases", str(path))
    assert report["created"] == 1 and not report["rejected"]
    assert Case.get(Case.code == "E-1").channel == "online"


def test_xlsx_with_header_on_first_non_empty_row(runner, reference_data, tmp_path):
    import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(
        ["MA_HO_SO", "MA_DON_VI", "MA_THU_TUC", "HINH_THUC_NOP", "NGAY_TIEP_NHAN", "NGAY_TRA_KET_QUA", "SO_DIEN_THOAI"]
    )
    sheet.append(
        [
            "X-1",
            "X01",
            "1.000001",
            "Trực tiếp",
            datetime.datetime(2026, 10, 1, 8, 0),
            datetime.datetime(2026, 10, 2, 9, 0),
            912345678,
        ]
    )
    sheet.append(["X-2", "X01", "1.000001", "Trực tiếp", "không phải ngày", None, None])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    _, report = run_json(runner, "cases", str(path))
    assert report["created"] == 1
    assert report["rejected"][0]["line"] == 3  # the header counts as 1
    case = Case.get(Case.code == "X-1")
    assert case.returned_at.isoformat() == "2026-10-02T09:00:00"


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "không phải dạng bảng"),
        (b"", "tệp trống"),
        (b"ho_ten;so_dien_thoai\nAn;0912345678\n", "ma_ho_so"),
        ("Mã hồ sơ\n".encode("utf-16"), "ma_don_vi"),  # UTF-16 with its BOM is read: its columns are missing
        (
            "Mã hồ sơ;Mã đơn vị\nHS-1;X01\n".encode("cp1258", "replace") + "Nguyễn\n".encode("cp1258", "replace") * 3,
            "UTF-8",
        ),
        (b"PK\x03\x04garbage-that-is-not-a-zip", "XLSX"),
    ],
)
def test_a_file_that_is_not_a_case_table_is_refused_and_changes_nothing(
    runner, reference_data, tmp_path, content, message
):
    before = (Case.select().count(), AuditRecord.select().count())
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = runner.invoke(args=["import", "cases", str(path)])
    assert result.exit_code == 2
    assert message.lower() in result.output.lower()
    assert len(result.output.strip().splitlines()) == 1
    assert (Case.select().count(), AuditRecord.select().count()) == before


def test_undecodable_row_is_rejected_but_the_rest_imported(runner, reference_data, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(
        b"ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan\n"
        + b"A-1,X01,1.000001,truc_tiep,01/10/2026\n"
        + b"A-2,X01,1.000001,truc_tiep,01/10/2026,Nguy\xe1n\n"
        + b"A-3,X01,1.000001,truc_tiep,01/10/2026\n"
    )
    _, report = run_json(runner, "cases", str(path))
    assert report["created"] == 2
    assert [r["line"] for r in report["rejected"]] == [3]


def test_repeated_code_in_one_file_updates_with_the_later_row(runner, reference_data, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan\n"
        "D-1,X01,1.000001,truc_tiep,01/10/2026\n"
        "D-1,X02,1.000001,truc_tiep,01/10/2026\n",
        encoding="utf-8",
    )
    _, report = run_json(runner, "cases", str(path))
    assert (report["created"], report["updated"]) == (1, 1)
    assert report["warnings"][0]["line"] == 3
    assert Case.get(Case.code == "D-1").unit.code == "X02"


def test_multiline_quoted_field_keeps_line_numbers(runner, reference_data, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ho_ten\n"
        'M-1,X01,1.000001,truc_tiep,01/10/2026,"Nguyễn\nVăn An"\n'
        "M-2,X77,1.000001,truc_tiep,01/10/2026,Lê Văn B\n",
        encoding="utf-8",
    )
    _, report = run_json(runner, "cases", str(path))
    assert report["rejected"][0]["line"] == 4


def test_text_summary_lists_rejected_rows_with_lines(runner, reference_data, fixture_file):
    result = runner.invoke(args=["import", "cases", fixture_file("cases.csv")])
    assert result.exit_code == 0
    assert "tạo mới: 6" in result.output and "bị loại: 4" in result.output
    lines = result.output.splitlines()
    for line in EXPECTED_CASES["rejected"]:
        assert any(text.startswith("Bị loại") and f" {line}:" in text for text in lines)
    for line in EXPECTED_CASES["warnings"]:
        assert any(text.startswith("Cảnh báo") and f" {line}:" in text for text in lines)


def test_units_import_builds_the_hierarchy_whatever_the_row_order(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "unit_code;unit_name;level;parent_code\n"
        "X01;UBND phường A;xa;T00\n"
        "T00;UBND tỉnh;tinh;\n"
        "S01;Sở Tư pháp;Sở;T00\n"
        "X02;UBND xã B;xa;NOPE\n"
        "Y01;Vòng;xa;Y02\n"
        "Y02;Vòng;xa;Y01\n"
        "Z01;Cấp lạ;thon;\n",
        encoding="utf-8",
    )
    _, report = run_json(runner, "units", str(path))
    assert report["created"] == 3
    assert sorted(r["line"] for r in report["rejected"]) == [5, 6, 7, 8]
    assert Unit.get(Unit.code == "X01").parent.code == "T00"
    assert Unit.get(Unit.code == "S01").level.code == "so"
    _, again = run_json(runner, "units", str(path))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_procedures_import_and_update(runner, tmp_path, fixture_file):
    path = fixture_file("procedures.csv")
    _, report = run_json(runner, "procedures", path)
    assert report["created"] == 5
    assert Procedure.get(Procedure.code == "1.000002").immediate_result is True
    assert Procedure.get(Procedure.code == "1.000005").immediate_result is False
    changed = tmp_path / "p.csv"
    changed.write_text(open(path, encoding="utf-8").read().replace("Hộ tịch", "Hộ tịch – khai sinh"), encoding="utf-8")
    _, again = run_json(runner, "procedures", str(changed))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 4)


def test_a_unit_whose_parent_is_rejected_is_rejected_too(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "ma_don_vi,ten_don_vi,cap,ma_don_vi_cha\nA,Cha,tinh,NOPE\nB,Con,xa,A\nC,Cháu,xa,B\n", encoding="utf-8"
    )
    _, report = run_json(runner, "units", str(path))
    assert report["created"] == 0
    assert sorted(r["line"] for r in report["rejected"]) == [2, 3, 4]
    assert Unit.select().count() == 0


def test_a_loop_through_stored_units_is_rejected(runner, reference_data, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("ma_don_vi,ten_don_vi,cap,ma_don_vi_cha\nT00,UBND tỉnh,tinh,X01\n", encoding="utf-8")
    _, report = run_json(runner, "units", str(path))  # X01's stored parent is T00
    assert [r["line"] for r in report["rejected"]] == [2]
    assert Unit.get(Unit.code == "T00").parent is None


def test_a_file_without_some_columns_keeps_what_is_stored(runner, reference_data, tmp_path, fixture_file):
    from models.pii import cipher

    run_json(runner, "cases", fixture_file("cases.csv"))
    path = tmp_path / "fewer.csv"
    path.write_text(
        "ma_ho_so;ma_don_vi;ma_thu_tuc;hinh_thuc_nop;ngay_tiep_nhan\n"
        "HS-0001;X01;1.000001;truc_tiep;01/10/2026 08:15\n"
        "HS-0002;X02;1.000003;truc_tiep;02/10/2026\n",
        encoding="utf-8",
    )
    _, report = run_json(runner, "cases", str(path))
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 1)
    first, second = Case.get(Case.code == "HS-0001"), Case.get(Case.code == "HS-0002")
    assert first.returned_at is not None and second.returned_at is not None
    assert second.unit.code == "X02"  # a present column still updates
    assert cipher().decrypt(Contact.get(Contact.case == first).phone_enc) == "+84912345678"


def test_lateness_of_an_imported_case_counts_a_date_only_deadline_to_its_end(runner, reference_data, tmp_path):
    path = tmp_path / "late.csv"
    path.write_text(
        "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ngay_hen_tra,ngay_tra_ket_qua\n"
        "L-1,X01,1.000001,truc_tiep,01/10/2026,08/10/2026,08/10/2026 16:30\n"
        "L-2,X01,1.000001,truc_tiep,01/10/2026,08/10/2026,09/10/2026 08:00\n",
        encoding="utf-8",
    )
    run_json(runner, "cases", str(path))
    assert Case.get(Case.code == "L-1").is_late is False
    assert Case.get(Case.code == "L-2").is_late is True


def test_long_codes_and_nul_bytes_reject_only_their_row(runner, reference_data, tmp_path):
    """A NUL past the first 64 KiB (where the file was judged a table) rejects its row only."""
    filler = "".join(f"F-{i},X01,1.000001,truc_tiep,01/10/2026,{'Nguyễn Văn A' * 4}\n" for i in range(1500))
    path = tmp_path / "cases.csv"
    path.write_text(
        "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ho_ten\n"
        + filler
        + f"K-2,{'X' * 80},1.000001,truc_tiep,01/10/2026\n"
        "K-3,X01,1.000001,truc_tiep,01/10/2026,Nguy\x00n\n"
        "K-4,X01,1.000001,truc_tiep,01/10/2026\n",
        encoding="utf-8",
    )
    assert path.stat().st_size > 65536
    _, report = run_json(runner, "cases", str(path))
    assert report["created"] == 1501
    assert [r["line"] for r in report["rejected"]] == [1502, 1503]


def test_a_field_over_a_megabyte_rejects_its_row_with_its_line(runner, reference_data, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ho_ten\n"
        "L-1,X01,1.000001,truc_tiep,01/10/2026,Lê Văn A\n"
        f"L-2,X01,1.000001,truc_tiep,01/10/2026,{'x' * (1 << 20 | 5)}\n"
        "L-3,X01,1.000001,truc_tiep,01/10/2026,Trần Thị B\n",
        encoding="utf-8",
    )
    result, report = run_json(runner, "cases", str(path))
    assert result.exit_code == 0
    assert report["created"] == 2
    [rejected] = report["rejected"]
    assert rejected["line"] == 3 and "1.048.576 ký tự" in rejected["reason"]
    assert sorted(c.code for c in Case.select()) == ["L-1", "L-3"]


def test_a_rejected_row_quotes_its_offending_value_but_never_personal_data(app, runner, reference_data, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ho_ten,so_dien_thoai\n"
        "Q-1,X01,1.000001,qua_zalo,01/10/2026,,\n"
        "Q-2,X01,1.000001,truc_tiep,31/02/2026,,\n"
        "Q-3,<script>alert(1)</script>,1.000001,truc_tiep,01/10/2026,,\n"
        "Q-4,X01,1.000001,truc_tiep,01/10/2026,Nguyễn Văn Bí Mật,0123\n",
        encoding="utf-8",
    )
    _, report = run_json(runner, "cases", str(path))
    quoted = {r["line"]: r.get("value") for r in report["rejected"]}
    assert quoted == {2: "qua_zalo", 3: "31/02/2026", 4: "<script>alert(1)</script>"}
    [warning] = report["warnings"]  # the invalid phone: imported without it, and not quoted
    assert warning["line"] == 5 and "value" not in warning
    text = runner.invoke(args=["import", "cases", str(path)]).output
    assert "«qua_zalo»" in text and "0123" not in text and "Bí Mật" not in text


def test_a_quote_left_open_rejects_every_line_it_swallows_each_counted(runner, reference_data, tmp_path):
    path = tmp_path / "cases.csv"
    body = "".join(f"O-{i},X01,1.000001,truc_tiep,01/10/2026,Người {i}\n" for i in range(3, 40))
    path.write_text(
        "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ho_ten\n"
        "O-1,X01,1.000001,truc_tiep,01/10/2026,Lê Văn A\n"
        'O-2,X01,1.000001,truc_tiep,01/10/2026,"Trần ' + "x" * (1 << 20) + "\n" + body,
        encoding="utf-8",
    )
    _, report = run_json(runner, "cases", str(path))
    created = {c.code for c in Case.select()}
    rejected = [r["line"] for r in report["rejected"]]
    assert "O-1" in created
    assert rejected == list(range(3, 3 + len(rejected))) and len(rejected) >= 1
    assert report["created"] + len(rejected) == 1 + 1 + 37  # no line lost without a word


def test_a_value_that_may_be_personal_data_is_never_quoted(runner, reference_data, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "ma_ho_so,ma_don_vi,ma_thu_tuc,ho_ten,hinh_thuc_nop,ngay_tiep_nhan\n"
        "P-1,X01,1.000001,An,an@example.vn,01/10/2026\n"
        "P-2,X01,1.000001,Bình,0912345678,01/10/2026\n"
        "P-3,X01,1.000001,Nguyễn, Văn A,truc_tiep,01/10/2026\n",  # a comma in a name shifts the columns
        encoding="utf-8",
    )
    _, report = run_json(runner, "cases", str(path))
    assert len(report["rejected"]) == 3
    assert all("value" not in r for r in report["rejected"])


def _cases_csv(path, start, count):
    rows = "".join(f"G-{i},X01,1.000001,truc_tiep,01/10/2026,,09{i:08d}\n" for i in range(start, start + count))
    path.write_text(
        "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ngay_tra_ket_qua,so_dien_thoai\n" + rows
    )
    return str(path)


def test_the_cyclic_collector_is_paused_during_an_import_only_and_no_cycles_pile_up(
    app, reference_data, tmp_path, monkeypatch
):
    """An import pauses Python's cyclic garbage collector (importing.collector), so what it leaves
    unreachable must not grow with the file; the collector is on again after, even after a failure."""
    left = {}
    with app.app_context():
        gc.collect()
        gc.disable()  # kept off by the import's own pause: what it leaves is counted below
        try:
            for count in (40, 400):
                report = import_file("cases", _cases_csv(tmp_path / f"c{count}.csv", count * 10, count))
                assert report.created == count
                left[count] = gc.collect()
        finally:
            gc.enable()
        assert left[400] <= left[40] + 5, left  # ten times the rows, not ten times the cycles
        states = []
        import_file(
            "cases", _cases_csv(tmp_path / "c.csv", 90_000, 30), progress=lambda *a: states.append(gc.isenabled())
        )
        assert states and not any(states)  # off while the file is read and written
        assert gc.isenabled()

        def failing(self, line, values, report):
            raise ValueError("broken")

        monkeypatch.setattr(importing.case_rows.CaseParser, "parse", failing)
        with pytest.raises(ValueError, match="broken"):
            import_file("cases", _cases_csv(tmp_path / "f.csv", 95_000, 30))
        assert gc.isenabled()

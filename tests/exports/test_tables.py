"""Tables written row by row: what a spreadsheet user opens is what was written, never a formula."""

import csv
import io
import os

import openpyxl

from exports import cell, csv_chunks, file_chunks, xlsx_file

ROWS = [["HS-1", '=HYPERLINK("http://x")', 3], ["HS-2", "Đã trả", None], ["HS-3", "-1+2", -4]]


def test_csv_has_a_byte_order_mark_and_text_that_would_run_as_a_formula_is_written_as_text():
    data = b"".join(csv_chunks(["Mã hồ sơ", "Ghi chú", "Số"], ROWS))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Mã hồ sơ", "Ghi chú", "Số"]
    assert rows[1] == ["HS-1", '\'=HYPERLINK("http://x")', "3"]
    assert rows[2] == ["HS-2", "Đã trả", ""]
    assert rows[3] == ["HS-3", "'-1+2", "-4"]  # a negative number stays a number


def test_a_long_csv_comes_in_chunks():
    chunks = list(csv_chunks(["n"], ([i] for i in range(2000))))
    assert len(chunks) > 3
    assert len(list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))) == 2001


def test_xlsx_keeps_numbers_and_defuses_formulas_and_its_file_is_removed_once_sent():
    path = xlsx_file(["Mã hồ sơ", "Ghi chú", "Số"], ROWS, title="Mẫu: 2026/11")
    data = b"".join(file_chunks(path))
    assert not os.path.exists(path)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "Mẫu  2026 11"
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1] == ["HS-1", '\'=HYPERLINK("http://x")', 3]
    assert values[3] == ["HS-3", "'-1+2", -4]
    assert sheet["B2"].data_type == "s"  # text, not a formula


def test_cell():
    assert cell(None) == "" and cell(0) == 0 and cell("@SUM(A1)") == "'@SUM(A1)" and cell("Hà Nội") == "Hà Nội"

"""CSV and XLSX writers that hold one batch of rows at a time, so an export of any length stays small
in memory; text a spreadsheet would run as a formula is written as text."""

import csv
import io
import os
import tempfile

from openpyxl import Workbook

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
MIMETYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel and LibreOffice read as a formula
CSV_BATCH = 500  # rows per chunk of a streamed CSV
CHUNK_BYTES = 64 * 1024


def cell(value):
    """A value as written in a cell: None as empty, text starting like a formula behind an apostrophe
    (OWASP's advice against formula injection), anything else unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(headers, rows):
    """The table as UTF-8 CSV with a byte-order mark (so that Excel reads Vietnamese), in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([str(h) for h in headers])
    for count, row in enumerate(rows, 1):
        writer.writerow([cell(v) for v in row])
        if count % CSV_BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_file(headers, rows, title="Sheet1"):
    """Write the table to a new temporary .xlsx file and return its path (openpyxl's write-only mode
    streams rows to disk as they come); the caller removes the file."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    handle, path = tempfile.mkstemp(prefix="sipas-export-", suffix=".xlsx")
    os.close(handle)
    try:
        book.save(path)
    except BaseException:
        os.remove(path)
        raise
    return path


def _sheet_title(title):
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in str(title)).strip()
    return (cleaned or "Sheet1")[:31]


def file_chunks(path):
    """A file's bytes in chunks, the file removed once read (or when the download is abandoned)."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.remove(path)

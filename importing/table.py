"""Read a CSV (UTF-8 with or without BOM, or UTF-16 with its BOM as Excel's "Unicode text"; `,`, `;` or
a tab) or XLSX file as header + rows, streamed. Refused whole, before a row is read: an empty file, one
that is not text, an XLSX that would expand past XLSX_MAX_EXPANDED, a header of more than MAX_COLUMNS."""

import codecs
import csv
import datetime
import io
import os
import re
import unicodedata

from flask_babel import gettext as _

from uploads import NotAWorkbook, TooLarge, check_workbook, is_zip

FIELD_LIMIT = 1 << 20  # characters of one CSV field; a row with a longer one is rejected
csv.field_size_limit(FIELD_LIMIT)
TOO_LONG = ("<a field longer than the limit>",)  # yielded by rows() instead of a row's values
XLSX_MAX_EXPANDED = 128 * 1024 * 1024  # bytes of XML an XLSX may expand to (a month of cases: a few tens of MB)
MAX_COLUMNS = 500  # columns of a header: the one-stop system's exports have a few dozen
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
DELIMITERS = (",", ";", "\t")
# Bytes that Windows-1258 (the legacy Vietnamese code page) uses for ă â đ ơ ư and the five tone marks,
# and that are never UTF-8 on their own: two of them among a file's stray bytes name its encoding.
WINDOWS_1258_MARKS = frozenset(b"\xc3\xe3\xc2\xe2\xd0\xf0\xd5\xf5\xdd\xfd\xcc\xec\xde\xd2\xf2")


class NotText(list):
    """The values of a row that is not text (bytes that are not UTF-8, kept as surrogates, or a NUL)."""


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was changed."""


def normalize_header(text):
    """`Mã hồ sơ`, `MA_HO_SO`, `ma ho so` -> `mahoso`."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", text.lower())


def match_columns(header, spec):
    """Map field names to column indexes. spec: {field: (required, alias, …)}."""
    positions = {}
    for index, name in enumerate(header):
        key = normalize_header(name)
        if key and key not in positions:
            positions[key] = index
    found, missing = {}, []
    for field, (required, *aliases) in spec.items():
        for alias in aliases:
            if normalize_header(alias) in positions:
                found[field] = positions[normalize_header(alias)]
                break
        else:
            if required:
                missing.append(f"{aliases[0]} ({aliases[1]})")
    if missing:
        raise ImportRefused(
            _(
                "The file has no column %(cols)s. Expected the columns described in "
                "the import formats; nothing was imported.",
                cols=", ".join(missing),
            )
        )
    return found


def _looks_like_utf8(sample, complete):
    """UTF-8 with at most a few stray bytes (those rows are rejected one by one), header clean."""
    text = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(sample, final=complete)
    lines = text.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the sample may end inside a line

    def bad(line):
        return any("\udc80" <= ch <= "\udcff" for ch in line)

    header = next((line for line in lines if line.strip()), "")
    return not bad(header) and sum(map(bad, lines)) * 2 <= len(lines)


def _looks_like_windows_1258(sample, complete):
    text = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(sample, final=complete)
    stray = [ord(ch) - 0xDC00 for ch in text if "\udc80" <= ch <= "\udcff"]
    return sum(byte in WINDOWS_1258_MARKS for byte in stray) >= 2


def open_table(path):
    with open(path, "rb") as f:
        head = f.read(8)
    if not head:
        raise ImportRefused(_("The file is empty; nothing was imported."))
    if is_zip(head):
        try:
            check_workbook(path, XLSX_MAX_EXPANDED)
        except NotAWorkbook:
            raise ImportRefused(_("This file is not a readable XLSX workbook; nothing was imported.")) from None
        except TooLarge:
            raise ImportRefused(
                _(
                    "Opened, this workbook would take more than %(mb)d MB: it was refused unread (a damaged "
                    "or malicious file). Save it again, or as CSV UTF-8; nothing was imported.",
                    mb=XLSX_MAX_EXPANDED // (1024 * 1024),
                )
            ) from None
        return XlsxTable(path)
    return CsvTable(path)


def _check_width(header):
    """Refuse a header wider than MAX_COLUMNS (empty cells at its end, as spreadsheets leave, not counted)."""
    width = len(header)
    while width and not str(header[width - 1]).strip():
        width -= 1
    if width > MAX_COLUMNS:
        raise ImportRefused(
            _(
                "The file has %(n)d columns, more than the %(max)d a file of this system can have; "
                "nothing was imported.",
                n=width,
                max=MAX_COLUMNS,
            )
        )


class CsvTable:
    def __init__(self, path):
        self.path = path
        self.size = os.path.getsize(path)
        with open(path, "rb") as f:
            sample = f.read(65536)
        if sample.startswith(UTF16_BOMS) and not sample.startswith(codecs.BOM_UTF32_LE):
            # Excel's "Unicode text": decoded as it is (a bad pair of bytes reads as U+FFFD)
            encoding, errors = "utf-16", "replace"
        else:
            if b"\x00" in sample:
                raise ImportRefused(_("This file is not a table (CSV or XLSX); nothing was imported."))
            if _looks_like_windows_1258(sample, complete=len(sample) < 65536):
                raise ImportRefused(
                    _(
                        "The file is in the legacy Vietnamese encoding Windows-1258 (or another one that is not "
                        "UTF-8). Save it as CSV UTF-8 or XLSX; nothing was imported."
                    )
                )
            if not _looks_like_utf8(sample, complete=len(sample) < 65536):
                raise ImportRefused(
                    _("The file is not UTF-8 text. Save it as CSV UTF-8 or XLSX; nothing was imported.")
                )
            encoding, errors = "utf-8-sig", "surrogateescape"
        self._raw = open(path, "rb")
        self._text = io.TextIOWrapper(self._raw, encoding=encoding, errors=errors, newline="")
        self.header_line = 0
        first = ""
        while not first.strip():
            first = self._text.readline()
            self.header_line += 1
            if not first:
                self.close()
                raise ImportRefused(_("The file is empty; nothing was imported."))
        self.delimiter = max(DELIMITERS, key=first.count)  # `,` on a tie (the first of the most frequent)
        self.header = next(csv.reader([first], delimiter=self.delimiter))
        try:
            _check_width(self.header)
        except ImportRefused:
            self.close()
            raise
        self._reader = csv.reader(self._text, delimiter=self.delimiter)

    def rows(self):
        """Yield (line, values), where line counts the header line as 1; values is a NotText for a row that
        is not text, TOO_LONG for a row with a field over FIELD_LIMIT characters."""
        reader = self._reader
        consumed = 0
        while True:
            first_line = consumed + 2  # the record's first line, after the header
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error:  # a field over the limit (or a quote left open): the reader goes on with the
                # next line; every line it read for that record is rejected, each counted
                consumed = reader.line_num
                for line in range(first_line, max(consumed, first_line - 1) + 2):
                    yield line, TOO_LONG
                continue
            consumed = reader.line_num
            joined = "".join(values)
            if joined.strip():
                try:
                    joined.encode("utf-8")
                    if "\x00" in joined:  # a NUL is never text (and PostgreSQL refuses it)
                        values = NotText(values)
                except UnicodeEncodeError:  # undecodable bytes, kept as surrogates
                    values = NotText(values)
                yield first_line, values

    def fraction_done(self):
        try:
            return min(self._raw.tell() / self.size, 1.0) if self.size else 1.0
        except (ValueError, OSError):
            return 1.0

    def close(self):
        self._raw.close()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value
    return str(value)


class XlsxTable:
    def __init__(self, path):
        import openpyxl

        # Opened as a file: openpyxl refuses a path without an .xlsx extension (an upload's is none)
        self._file = open(path, "rb")
        try:
            self._book = openpyxl.load_workbook(self._file, read_only=True, data_only=True)
            sheet = self._book.worksheets[0]
        except Exception:
            self._file.close()
            raise ImportRefused(_("This file is not a readable XLSX workbook; nothing was imported.")) from None
        self._rows = sheet.iter_rows(values_only=True)
        self.size = os.path.getsize(path)
        self.total = sheet.max_row or 0
        self.header_line = 0
        self.header = None
        for values in self._rows:
            self.header_line += 1
            if any(v not in (None, "") for v in values):
                self.header = [_cell(v) for v in values]
                break
        if self.header is None:
            self.close()
            raise ImportRefused(_("The file is empty; nothing was imported."))
        try:
            _check_width(self.header)
        except ImportRefused:
            self.close()
            raise
        self._row = self.header_line

    def rows(self):
        for values in self._rows:
            self._row += 1
            cells = [_cell(v) for v in values]
            if not any(c != "" and (not isinstance(c, str) or c.strip()) for c in cells):
                continue
            yield self._row - self.header_line + 1, cells

    def fraction_done(self):
        return min(self._row / self.total, 1.0) if self.total else 1.0

    def close(self):
        self._book.close()
        self._file.close()

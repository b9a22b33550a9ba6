"""Checks of an uploaded workbook made before any parser opens it. An XLSX file is a zip: a few hundred
kilobytes may expand to gigabytes of XML (a "zip bomb") that openpyxl or pyxform would read into
memory. The sizes its directory declares bound what can come out of it (Python's zipfile stops at the
declared size, and fails on a part that claims less than it holds), so they are summed and the file is
refused unread above a limit."""

import zipfile

ZIP_MAGIC = b"PK\x03\x04"


class NotAWorkbook(ValueError):
    """The file is not a zip (so not an XLSX workbook), or its directory is unreadable."""


class TooLarge(ValueError):
    """Opened, the workbook would expand past the limit; `expanded` is what its parts declare."""

    def __init__(self, expanded, limit):
        super().__init__(f"the workbook would expand to {expanded} bytes, over the limit of {limit}")
        self.expanded, self.limit = expanded, limit


def is_zip(head):
    return bytes(head[:4]) == ZIP_MAGIC


def expanded_size(source):
    """The bytes the parts of the zip `source` (a path or a seekable binary file) declare once expanded."""
    position = source.tell() if hasattr(source, "tell") else None
    try:
        with zipfile.ZipFile(source) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise NotAWorkbook(str(exc)) from exc
    finally:
        if position is not None:
            source.seek(position)


def check_workbook(source, limit):
    """Raise TooLarge when the workbook `source` would expand past `limit` bytes, NotAWorkbook when it
    is not a zip; return its expanded size otherwise."""
    size = expanded_size(source)
    if size > limit:
        raise TooLarge(size, limit)
    return size

"""Import of the one-stop system's exports: units, procedures and cases (see FORMATS.md)."""

import hashlib

from .cases import CaseImporter
from .reference import import_procedures, import_units
from .report import ImportReport
from .table import ImportRefused, open_table

KINDS = ("units", "procedures", "cases")


def _forget(values):
    pass


def import_file(kind, path, progress=None, rejected=None):
    """Import one file; return an ImportReport. Raises ImportRefused for an unreadable file.
    `rejected` (a RejectedRowsKeeper), if given, keeps the rejected rows in the file's columns."""
    if kind not in KINDS:
        raise ValueError(f"Unknown import kind: {kind}")
    table = open_table(path)
    try:
        report = ImportReport()
        keep = _forget
        if rejected is not None:
            rejected.start(table.header, getattr(table, "delimiter", ","))
            keep = rejected.keep
        if kind == "cases":
            return CaseImporter(table, report, progress, keep).run()
        if kind == "units":
            return import_units(table, report, progress, keep)
        return import_procedures(table, report, progress, keep)
    finally:
        table.close()


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


__all__ = ["ImportRefused", "ImportReport", "KINDS", "import_file", "file_sha256"]

"""Tables (allocation, sample, assignments, lists, later results) written as CSV or XLSX, row by row."""

from .tables import CSV, FORMATS, MIMETYPES, XLSX, cell, csv_chunks, file_chunks, xlsx_file

__all__ = ["CSV", "FORMATS", "MIMETYPES", "XLSX", "cell", "csv_chunks", "file_chunks", "xlsx_file"]

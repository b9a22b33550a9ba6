"""An import's rejected rows, kept to be downloaded, fixed and imported again: the file's own header and
each rejected row's values in the file's columns, as CSV lines encrypted in chunks (RejectedRows) so
that memory stays bounded whatever the file's size; deleted once they expire."""

import csv
import datetime
import io

from models import RejectedRows, db, now

from .table import TOO_LONG

CHUNK_CHARS = 1 << 20  # CSV text per stored chunk (about 1 MB)
HEADER_CHUNK = 0
NOT_TEXT = "\ufffd"  # stands for each byte that is not UTF-8, and for a NUL


def cell_text(value):
    """A value as the CSV writes it: the importer reads it back as it read the original."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    # undecodable bytes (kept as surrogates by the reader) and NULs become U+FFFD: the row stays
    # downloadable, and shows where it must be fixed
    if "\x00" in text:
        text = text.replace("\x00", NOT_TEXT)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join(NOT_TEXT if "\udc80" <= ch <= "\udcff" else ch for ch in text)
    return text


def csv_lines(rows, delimiter=","):
    """The rows (lists of values) as CSV text, lines ending in CRLF as Excel writes them."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([cell_text(v) for v in values] for values in rows)
    return out.getvalue()


def keepable(values):
    """Whether a rejected row's values can be kept: not for a row whose field was over the reader's
    limit or whose quote was left open (the reader could not split it into values)."""
    return values is not TOO_LONG and values is not None


class RejectedRowsKeeper:
    """Collects an import's rejected rows and stores them, encrypted, a chunk at a time."""

    def __init__(self, run_id, cipher, expires_at):
        self.run_id = run_id
        self.cipher = cipher
        self.expires_at = expires_at
        self.kept = 0
        self._chunk = HEADER_CHUNK
        self._rows = 0
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def start(self, header, delimiter=","):
        """The file's header, as the user had it (called once the file is open); rows are written with
        the file's separator."""
        self._writer = csv.writer(self._buffer, delimiter=delimiter, lineterminator="\r\n")
        self._store(csv_lines([header], delimiter), 0)

    def keep(self, values):
        """Keep one rejected row's values (in file order); rows that cannot be kept are skipped."""
        if not keepable(values):
            return
        self._writer.writerow([cell_text(v) for v in values])
        self._rows += 1
        self.kept += 1
        if self._buffer.tell() >= CHUNK_CHARS:
            self.flush()

    def flush(self):
        if self._rows:
            self._store(self._buffer.getvalue(), self._rows)
            self._buffer.seek(0)
            self._buffer.truncate()
            self._rows = 0

    def _store(self, text, rows):
        with db.atomic():
            RejectedRows.create(
                import_run=self.run_id,
                chunk=self._chunk,
                data=self.cipher.encrypt(text),
                rows=rows,
                expires_at=self.expires_at,
            )
        self._chunk += 1

    def finish(self):
        """Store what is left; return the number of rows kept (none kept: nothing is stored)."""
        self.flush()
        if not self.kept:
            discard(self.run_id)  # the header alone is nothing to download
        return self.kept

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:  # the import failed or was refused: nothing is offered
            discard(self.run_id)
        return False


def discard(run_id):
    """Delete a run's kept rows."""
    with db.atomic():
        RejectedRows.delete().where(RejectedRows.import_run == run_id).execute()


def stored_text(run, cipher):
    """The kept CSV text of a run, chunk by chunk (header first), decrypted one chunk at a time."""
    for pk in RejectedRows.chunk_ids(run):
        chunk = RejectedRows.get_or_none(RejectedRows.id == pk)
        if chunk is not None:
            yield cipher.decrypt(chunk.data)


def purge_expired(at=None):
    """Delete every kept row whose time has come; return the number of chunks deleted."""
    at = at or now()
    with db.atomic():
        return RejectedRows.delete().where(RejectedRows.expires_at <= at).execute()

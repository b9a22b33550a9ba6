"""Fast inserts of many rows: executemany on SQLite, COPY on PostgreSQL (audited tables refuse them
unless written through models.audited)."""

import contextlib
import datetime
import io
import itertools

from .base import check_write, db, is_postgres

LOADING_CHECKPOINT_PAGES = 100_000  # SQLite pages (4 KiB): a bulk load's write-ahead log stays under 400 MB


def _csv_field(value):
    """A field for COPY … (FORMAT csv): None (and "", as csv.writer wrote it) is NULL, bytes are bytea hex."""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"' if value else ""
    if value is None:
        return ""
    if isinstance(value, (bytes, memoryview)):
        return "\\x" + bytes(value).hex()
    return str(value)  # a number, a boolean, a datetime (isoformat with a space)


class _CsvStream:
    """CSV text of the rows for COPY, made as it is read: the server inserts the rows sent while
    the next ones are made (by hand: csv.writer takes three times as long)."""

    def __init__(self, rows, line=None):
        self._lines = map(line or _copy_line, rows)

    def read(self, size=-1):
        return "".join(itertools.islice(self._lines, 200))


def _copy_line(row):
    return ",".join(map(_csv_field, row)) + "\n"


copy_line, csv_field = _copy_line, _csv_field  # a row's line, and a value's field, of COPY … (FORMAT csv)


def _sqlite_row(row, stamp=datetime.datetime):
    return tuple([str(v) if type(v) is stamp else v for v in row])


def row_encoder():
    """A function: a row -> what the database takes (a COPY line on PostgreSQL; on SQLite the row, its
    datetimes as the text the adapter would write: a row made in the import's helper then crosses to
    the importer as plain strings, cheaper to pickle than datetimes)."""
    return _copy_line if is_postgres() else _sqlite_row


class Encoded:
    """Rows already turned into what the database takes (COPY text on PostgreSQL), so that the work is
    done before, and outside, the transaction that sends them."""

    def __init__(self, rows):
        self.data = "".join([_copy_line(row) for row in rows]) if is_postgres() else rows

    @classmethod
    def of_encoded(cls, encoded):
        """Rows each made by `row_encoder()`."""
        self = cls.__new__(cls)
        self.data = "".join(encoded) if is_postgres() else encoded
        return self

    def __bool__(self):
        return bool(self.data)


def insert_rows(model, columns, rows, line=None):
    """Insert tuples (a list, an iterable consumed as the rows are sent, or Encoded rows) into the
    model's table; call inside a transaction. Audited models raise UnauditedWrite: use models.audited.
    `line` (PostgreSQL): a function making a row's COPY line, the same text as `copy_line`'s, faster
    for rows of a known shape."""
    check_write(model)
    if not rows:
        return
    table = model._meta.table_name
    cols = ", ".join(f'"{c}"' for c in columns)
    if is_postgres():
        source = io.StringIO(rows.data) if isinstance(rows, Encoded) else _CsvStream(rows, line)
        with db.cursor() as cur:
            cur.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN WITH (FORMAT csv)', source, size=1 << 20)
    else:
        marks = ", ".join("?" * len(columns))
        data = rows.data if isinstance(rows, Encoded) else rows
        db.cursor().executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', data)


def reserve_ids(model, count):
    """Allocate `count` primary keys for rows inserted with explicit ids."""
    table = model._meta.table_name
    if is_postgres():
        cur = db.execute_sql(
            f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, %s)", (count,)
        )
        return [r[0] for r in cur.fetchall()]
    start = db.execute_sql(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"').fetchone()[0] + 1
    return list(range(start, start + count))


@contextlib.contextmanager
def loading():
    """A bulk load of many transactions. SQLite: its write-ahead log is copied into the database every
    LOADING_CHECKPOINT_PAGES and at the end, instead of after every transaction (which copies the
    pages of the growing indexes again and again); readers are never blocked. PostgreSQL: nothing."""
    if is_postgres():
        yield
        return
    (previous,) = db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()
    db.execute_sql(f"PRAGMA wal_autocheckpoint = {LOADING_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA wal_autocheckpoint = {int(previous)}")
        db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")

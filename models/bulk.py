"""Fast inserts of many rows: executemany on SQLite, COPY on PostgreSQL (audited tables refuse them
unless written through models.audited)."""

import io
import itertools

from peewee import DateField, DateTimeField

from .base import check_write, db, is_postgres


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

    def __init__(self, rows):
        self._lines = (",".join(map(_csv_field, row)) + "\n" for row in rows)

    def read(self, size=-1):
        return "".join(itertools.islice(self._lines, 200))


def with_text_times(model, columns, rows):
    """The rows with their date and time values as text (`2026-10-01 08:00:00`, as peewee stores them),
    converted once for both the database and the audit trail."""
    times = [i for i, c in enumerate(columns) if isinstance(model._meta.columns[c], (DateTimeField, DateField))]
    if not times:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i in times:
            if row[i] is not None:
                row[i] = str(row[i])
        out.append(row)
    return out


class Encoded:
    """Rows already turned into what the database takes (COPY text on PostgreSQL), so that the work is
    done before, and outside, the transaction that sends them."""

    def __init__(self, rows):
        self.data = "".join([",".join(map(_csv_field, row)) + "\n" for row in rows]) if is_postgres() else rows

    def __bool__(self):
        return bool(self.data)


def insert_rows(model, columns, rows):
    """Insert tuples (a list, an iterable consumed as the rows are sent, or Encoded rows) into the
    model's table; call inside a transaction. Audited models raise UnauditedWrite: use models.audited."""
    check_write(model)
    if not rows:
        return
    table = model._meta.table_name
    cols = ", ".join(f'"{c}"' for c in columns)
    if is_postgres():
        source = io.StringIO(rows.data) if isinstance(rows, Encoded) else _CsvStream(rows)
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

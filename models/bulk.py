"""Fast bulk inserts: executemany on SQLite, COPY on PostgreSQL."""
import csv
import io

from .base import db, is_postgres

_BINARY = {bytes, memoryview}


def _binary_columns(rows):
    """Indexes of the columns holding bytes."""
    return [i for i, column in enumerate(zip(*rows)) if not _BINARY.isdisjoint(map(type, column))]


def _copy_rows(rows):
    """Rows for COPY … (FORMAT csv): bytes as bytea hex; the csv writer writes None as NULL and
    a datetime as str(), i.e. isoformat(sep=" ")."""
    binary = _binary_columns(rows)
    if not binary:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i in binary:
            if row[i] is not None:
                row[i] = "\\x" + bytes(row[i]).hex()
        out.append(row)
    return out


def insert_rows(table, columns, rows):
    """Insert tuples into `table`; call inside a transaction."""
    if not rows:
        return
    if is_postgres():
        buf = io.StringIO()
        csv.writer(buf).writerows(_copy_rows(rows))
        buf.seek(0)
        cols = ", ".join(f'"{c}"' for c in columns)
        with db.cursor() as cur:
            cur.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN WITH (FORMAT csv)', buf)
    else:
        marks = ", ".join("?" * len(columns))
        cols = ", ".join(f'"{c}"' for c in columns)
        db.cursor().executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)


def reserve_ids(model, count):
    """Allocate `count` primary keys for rows inserted with explicit ids."""
    table = model._meta.table_name
    if is_postgres():
        cur = db.execute_sql(
            f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, %s)", (count,))
        return [r[0] for r in cur.fetchall()]
    start = db.execute_sql(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"').fetchone()[0] + 1
    return list(range(start, start + count))

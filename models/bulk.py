"""Fast bulk inserts: executemany on SQLite, COPY on PostgreSQL."""
import csv
import datetime
import io

from .base import db, is_postgres


def _copy_value(value):
    if isinstance(value, (bytes, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return value


def insert_rows(table, columns, rows):
    """Insert tuples into `table`; call inside a transaction."""
    if not rows:
        return
    if is_postgres():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerows([[_copy_value(v) for v in row] for row in rows])
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

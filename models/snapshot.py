"""Large reads spread over several PostgreSQL connections that share one snapshot (as `pg_dump --jobs`
does), so that a read the planner cannot run in parallel itself (a LATERAL query per unit, say) uses
more than one of the server's cores, and sees the database exactly as a single query would."""

import queue
import threading

import psycopg2

from .base import db, is_postgres

READERS = 2  # connections reading at once: this one and READERS - 1 opened for the read
_END = object()


def can_spread():
    """True when reads can be spread: PostgreSQL, outside any transaction (a caller's transaction
    has its own snapshot, which READ COMMITTED would not keep from one query to the next)."""
    return is_postgres() and not db.transaction_depth() and READERS > 1


def set_local(cursor, settings):
    """Settings ({name: value}) for the rest of this transaction only (`set_config(…, true)`)."""
    if settings:
        items = list(settings.items())
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in items), [x for item in items for x in item]
        )


def spread_reads(statements, settings=None):
    """Yield the rows (a list) of each (sql, params) of `statements`, in the order they complete, read
    by READERS connections at once from one REPEATABLE READ snapshot; `settings` (planner settings:
    {name: value}) hold for these reads alone. Only when `can_spread()`; the caller's connection is
    busy until the last rows are yielded."""
    if not can_spread():
        raise RuntimeError("spread_reads needs PostgreSQL outside a transaction (see can_spread)")
    statements = list(statements)
    with db.atomic(isolation_level="REPEATABLE READ"):
        cursor = db.cursor()
        set_local(cursor, settings)  # the transaction's first statement: its snapshot is taken here
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        connections = [db.connection()]
        try:
            for _ in range(min(READERS, len(statements)) - 1):
                connections.append(_joined(snapshot, settings))
            yield from _read(connections, statements)
        finally:
            for other in connections[1:]:
                other.close()  # its read-only transaction ends with it


def _joined(snapshot, settings):
    """A new connection in a read-only transaction on `snapshot`."""
    database = db.obj
    connection = psycopg2.connect(dbname=database.database, **database.connect_params)
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION SNAPSHOT %s", (snapshot,))
            set_local(cursor, settings)
    except BaseException:
        connection.close()
        raise
    return connection


def _read(connections, statements):
    """One thread per connection takes the next statement until none is left (statements of unequal
    cost share out evenly); the rows come back here, to the caller's thread."""
    work, done, stop = queue.SimpleQueue(), queue.SimpleQueue(), threading.Event()
    for statement in statements:
        work.put(statement)

    def read(connection):
        try:
            with connection.cursor() as cursor:
                while not stop.is_set():
                    try:
                        sql, params = work.get_nowait()
                    except queue.Empty:
                        break
                    cursor.execute(sql, params)
                    done.put(cursor.fetchall())
        except BaseException as exc:  # raised again in the caller's thread
            done.put(exc)
        finally:
            done.put(_END)

    threads = [threading.Thread(target=read, args=(c,), name="snapshot-reader", daemon=True) for c in connections]
    for thread in threads:
        thread.start()
    try:
        ended = 0
        while ended < len(threads):
            item = done.get()
            if item is _END:
                ended += 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield item
    finally:
        stop.set()  # on an error or an early stop, each thread ends after its current statement
        for thread in threads:
            thread.join()

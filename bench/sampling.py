"""Benchmark of a month's sampling (allocation, draw, assignment) against a raw read of its frame.

Usage: .venv/bin/python bench/sampling.py N [--total T] [--repeat R] [--profile DIR]

Builds, per database, a scratch database holding N cases returned in 2026-10 over 300 units of
Zipf-like sizes and 200 procedures in 20 fields (the strata), all eligible for phone interviews
(channel direct, not immediate, each with a phone hash), and 40 phone enumerators (raw bulk
inserts, not timed). Then times, in an app context, the command line itself
(`flask sample allocate --period 2026-10 --total T`, `sample draw --period 2026-10 --seed S`,
`sample assign --period 2026-10`, through `app.test_cli_runner()`), against a raw query on the
driver's cursor that reads the same N rows' ids, units and strata (fetched into Python).
Each side runs R times (the period's sampling is reset between runs, not timed) and the best
time counts; ratio = sampling seconds ÷ raw seconds. PostgreSQL is ANALYZEd after the fill, as
autovacuum would; SQLite is left as an import leaves it. PostgreSQL: env BENCH_POSTGRES_URL
(default postgresql://postgres@127.0.0.1:5432/test), on which a scratch database is made and dropped.
"""

import argparse
import collections
import cProfile
import csv
import io
import itertools
import logging
import os
import pstats
import random
import shutil
import sqlite3
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


from scratch import PG_URL, pg_available, scratch_url  # noqa: E402
from scratch import pg_admin as _pg_admin  # noqa: E402
from scratch import pg_connect as _pg_connect  # noqa: E402

PG_NAME = "sipas_bench_sampling"
KEYS = {"SECRET_KEY": "bench-secret-key-" + "s" * 40, "PII_KEY": "bench-pii-key-" + "p" * 40}
MONTH = "2026-10"
UNITS, FIELDS, PROCEDURES, ENUMERATORS = 300, 20, 200, 40
RAW_SQL = """SELECT c.id, c.unit_id, p.field FROM "case" c JOIN "procedure" p ON p.id = c.procedure_id
WHERE c.returned_at >= '2026-10-01' AND c.returned_at < '2026-11-01'"""
# Rows written by a run, deleted (not timed) before the next one; audit records are append-only and stay
RESET_SQL = [
    'DELETE FROM "assignment_event"',
    'DELETE FROM "assignment"',
    'DELETE FROM "sample_case"',
    'DELETE FROM "allocation"',
    'DELETE FROM "period"',
]


# --- databases --------------------------------------------------------------------------------

# --- the data, with raw bulk inserts (not timed) ----------------------------------------------


def _zipf_cumulative(count, exponent, rng):
    """Cumulative weights of `count` items whose sizes fall off like 1/rank^exponent, in shuffled order."""
    weights = [1 / (rank**exponent) for rank in range(1, count + 1)]
    rng.shuffle(weights)
    return list(itertools.accumulate(weights))


def tables(n, level_ids, seed=2026):
    """{table: (columns, rows)} in insertion order; cases and contacts are generated lazily."""
    rng = random.Random(seed)
    stamp = "2026-09-01 08:00:00"
    units = [
        (i, f"BENCH{i:03d}", f"Đơn vị {i:03d}", level_ids["so" if i <= 30 else "xa"], None, True, stamp, stamp)
        for i in range(1, UNITS + 1)
    ]
    procedures = [
        (i, f"P{i:04d}", f"Thủ tục {i:04d}", f"Lĩnh vực {(i - 1) % FIELDS + 1:02d}", False, stamp, stamp)
        for i in range(1, PROCEDURES + 1)
    ]
    users = [
        (
            i,
            f"enum{i:02d}",
            f"Điều tra viên {i:02d}",
            "enumerator",
            "bench-not-a-real-hash",
            True,
            0,
            None,
            None,
            stamp,
            stamp,
        )
        for i in range(1, ENUMERATORS + 1)
    ]
    profiles = [(i, True, False, True) for i in range(1, ENUMERATORS + 1)]
    unit_weights = _zipf_cumulative(UNITS, 1.0, rng)
    procedure_weights = _zipf_cumulative(PROCEDURES, 0.7, rng)
    unit_of = rng.choices(range(1, UNITS + 1), cum_weights=unit_weights, k=n)
    procedure_of = rng.choices(range(1, PROCEDURES + 1), cum_weights=procedure_weights, k=n)
    seconds = [rng.randrange(31 * 86400) for _ in range(n)]

    def cases():
        for i in range(n):
            s = seconds[i]
            day, rest = divmod(s, 86400)
            returned = f"2026-10-{day + 1:02d} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"
            received = f"2026-09-{day % 28 + 1:02d} 08:00:00"
            yield (
                i + 1,
                f"BENCH-{i + 1:08d}",
                unit_of[i],
                procedure_of[i],
                "direct",
                received,
                None,
                returned,
                False,
                True,
                None,
                None,
                f"{i + 1:032x}",
                stamp,
                stamp,
            )

    def contacts():
        for i in range(n):  # unique phone hashes: a bijection of the case id onto 128 bits
            yield (i + 1, None, None, None, f"{(i + 1) * 0x9E3779B97F4A7C15F39CC0605CEDC835 % (1 << 128):032x}")

    return {
        "unit": (("id", "code", "name", "level_id", "parent_id", "active", "created_at", "updated_at"), units),
        "procedure": (("id", "code", "name", "field", "immediate_result", "created_at", "updated_at"), procedures),
        "user": (
            (
                "id",
                "username",
                "full_name",
                "role",
                "password_hash",
                "active",
                "failed_logins",
                "locked_until",
                "last_login_at",
                "created_at",
                "updated_at",
            ),
            users,
        ),
        "enumerator_profile": (("user_id", "phone", "f2f", "available"), profiles),
        "case": (
            (
                "id",
                "code",
                "unit_id",
                "procedure_id",
                "channel",
                "received_at",
                "due_at",
                "returned_at",
                "is_late",
                "has_phone",
                "receiving_officer",
                "handling_officer",
                "digest",
                "created_at",
                "updated_at",
            ),
            cases(),
        ),
        "contact": (("case_id", "name_enc", "phone_enc", "email_enc", "phone_hash"), contacts()),
    }


def _chunks(rows, size=100_000):
    it = iter(rows)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def fill_sqlite(url, n):
    conn = sqlite3.connect(url.split("sqlite:///", 1)[1], isolation_level=None)
    levels = dict(conn.execute("SELECT code, id FROM unit_level").fetchall())
    conn.execute("BEGIN")
    for table, (columns, rows) in tables(n, levels).items():
        sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        for chunk in _chunks(rows):
            conn.executemany(sql, chunk)
    conn.execute("COMMIT")
    conn.close()


def fill_postgres(url, n):
    conn = _pg_connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT code, id FROM unit_level")
        levels = dict(cur.fetchall())
        for table, (columns, rows) in tables(n, levels).items():
            for chunk in _chunks(rows):
                buf = io.StringIO()
                csv.writer(buf).writerows(chunk)
                buf.seek(0)
                cur.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN WITH (FORMAT csv)', buf)
        for table in ("unit", "procedure", "user", "case"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            )
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()


# --- timing -----------------------------------------------------------------------------------


class Breakdown:
    """Wall time per (step, part), by wrapping the functions the command line calls (a few calls each)."""

    STEPS = (
        ("sampling.service", "allocate_period", "allocate"),
        ("sampling.service", "draw", "draw"),
        ("sampling.assignment", "assign_period", "assign"),
    )
    PARTS = (
        ("sampling.service", "build_frame", "frame read"),
        ("sampling.service", "_frame_draw", "draw order"),
        ("sampling.service", "_phone_hashes", "phone hashes"),
        ("sampling.service", "insert_rows", "insert sample_case"),
        ("sampling.assignment", "insert_rows", "insert assignment+event"),
        ("models.audit", "record_many", "audit records"),
    )

    def __init__(self):
        self.seconds = collections.Counter()
        self.calls = collections.Counter()
        self.step = None

    def install(self):
        import importlib

        for module, name, label in self.STEPS + self.PARTS:
            mod = importlib.import_module(module)
            func = getattr(mod, name)
            func = getattr(func, "__wrapped__", func)  # installed once more for the next database
            setattr(mod, name, self._wrap(func, label, (module, name, label) in self.STEPS))

    def _wrap(self, func, label, is_step):
        def wrapper(*args, **kwargs):
            outer = self.step
            if is_step:
                self.step = label
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                key = (self.step or "cli", label)
                self.seconds[key] += time.perf_counter() - started
                self.calls[key] += 1
                self.step = outer

        wrapper.__wrapped__ = func
        return wrapper

    def reset(self):
        self.seconds.clear()
        self.calls.clear()

    def lines(self, step_seconds):
        out = []
        for _module, _name, step in self.STEPS:
            total = self.seconds[(step, step)]
            parts = [
                (label, self.seconds[(step, label)], self.calls[(step, label)])
                for _m, _n, label in self.PARTS
                if self.calls[(step, label)]
            ]
            rest = total - sum(s for _l, s, _c in parts)
            detail = ", ".join(f"{label} {s:.2f} s" + (f" ({c}×)" if c > 1 else "") for label, s, c in parts)
            out.append(
                f"  {step:<9}{step_seconds[step]:7.2f} s (command line {step_seconds[step] - total:.2f} s, "
                f"{'; '.join(filter(None, [detail, f'other {rest:.2f} s']))})"
            )
        return out


def invoke(runner, *args):
    result = runner.invoke(args=list(args))
    if result.exit_code != 0:
        raise RuntimeError(f"`flask {' '.join(args)}` exited {result.exit_code}: {result.output}{result.exception!r}")
    return result.output


def reset(db):
    with db.atomic():
        for sql in RESET_SQL:
            db.execute_sql(sql)


def raw_read(db):
    """Seconds for the driver's cursor to read the N rows' ids, units and strata into Python."""
    started = time.perf_counter()
    cur = db.connection().cursor()
    cur.execute(RAW_SQL)
    rows = cur.fetchall()
    seconds = time.perf_counter() - started
    cur.close()
    return seconds, len(rows)


def sampling_run(runner, total, seed):
    """Seconds per step of the command line's allocate, draw and assign."""
    seconds = {}
    for step, args in (("allocate", ("--total", str(total))), ("draw", ("--seed", seed)), ("assign", ())):
        started = time.perf_counter()
        invoke(runner, "sample", step, "--period", MONTH, *args)
        seconds[step] = time.perf_counter() - started
    return seconds


def bench(backend, n, folder, args):
    print(f"[{backend}] building {n:,} cases …", flush=True)
    started = time.perf_counter()
    url = scratch_url(backend, folder, PG_NAME)
    (fill_sqlite if backend == "sqlite" else fill_postgres)(url, n)
    print(f"[{backend}] built in {time.perf_counter() - started:.1f} s (not timed)", flush=True)

    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    from core import create_app
    from models import Assignment, SampleCase, db

    app = create_app({"DATABASE_URL": url, **KEYS})
    runner = app.test_cli_runner()
    breakdown = Breakdown()
    breakdown.install()
    best, best_raw, best_parts, rows = None, None, None, None
    for rep in range(args.repeat):
        with app.app_context():
            reset(db)
            raw_seconds, rows = raw_read(db)
            db.close()
        best_raw = min(best_raw or raw_seconds, raw_seconds)
        breakdown.reset()
        seconds = sampling_run(runner, args.total, args.seed)
        took = sum(seconds.values())
        print(
            f"[{backend}] run {rep + 1}: sampling {took:.2f} s "
            f"({', '.join(f'{k} {v:.2f} s' for k, v in seconds.items())}); raw read {raw_seconds:.2f} s "
            f"({rows:,} rows)",
            flush=True,
        )
        if best is None or took < sum(best.values()):
            best, best_parts = seconds, (breakdown.seconds.copy(), breakdown.calls.copy())
    breakdown.seconds, breakdown.calls = best_parts
    with app.app_context():
        sample = SampleCase.select().count()
        issued = SampleCase.select().where(SampleCase.status == "issued").count()
        assignments = Assignment.select().count()
        db.close()
    took = sum(best.values())
    print(
        f"[{backend}] best of {args.repeat}: sampling {took:.2f} s, raw read {best_raw:.2f} s; "
        f"sample {sample:,} ({issued:,} issued), {assignments:,} assignments; breakdown:",
        flush=True,
    )
    print("\n".join(breakdown.lines(best)), flush=True)
    if args.profile:
        with app.app_context():
            reset(db)
            db.close()
        path = os.path.join(args.profile, f"sampling_{backend}.prof")
        profiler = cProfile.Profile()
        profiler.runcall(sampling_run, runner, args.total, args.seed)
        profiler.dump_stats(path)
        print(f"[{backend}] profile of one more run: {path}", flush=True)
        pstats.Stats(path).sort_stats("cumulative").print_stats(30)
        pstats.Stats(path).sort_stats("tottime").print_stats(20)
    if backend == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            path = url.split("sqlite:///", 1)[1] + suffix
            if os.path.exists(path):
                os.remove(path)
    return (
        f"BENCH sampling {backend} ratio={took / best_raw:.3f} seconds={took:.3f} raw_seconds={best_raw:.3f} "
        f"allocate_seconds={best['allocate']:.3f} draw_seconds={best['draw']:.3f} "
        f"assign_seconds={best['assign']:.3f} n={n} total={args.total} sample={sample} issued={issued} "
        f"assignments={assignments}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--total", type=int, default=1200, help="interviews to allocate (default 1200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, the best counts (default 3)")
    parser.add_argument("--seed", default="bench-2026-10")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        action="append",
        help="only this database (may be repeated; default both)",
    )
    parser.add_argument("--profile", metavar="DIR", help="also profile one more run, saving DIR/sampling_<db>.prof")
    args = parser.parse_args()
    logging.getLogger("peewee.migrations").setLevel(logging.WARNING)
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
    backends = args.backend or ["sqlite", "postgresql"]
    folder = tempfile.mkdtemp(prefix="sipas_bench_sampling_")
    lines = []
    try:
        for backend in backends:
            if backend == "postgresql":
                available = pg_available()
                if available is not True:
                    print(
                        f"NOTE: PostgreSQL not reachable at {PG_URL} ({available}); "
                        f"set BENCH_POSTGRES_URL. Only SQLite was measured.",
                        flush=True,
                    )
                    continue
            lines.append(bench(backend, args.n, folder, args))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

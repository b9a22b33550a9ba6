"""Benchmark of the back office's list pages and exports on a million cases, against a bare page.

Usage: .venv/bin/python bench/backoffice_pages.py N [--total T] [--repeat R] [--backend B] [--profile DIR] [--keep]

Builds, per database, a scratch database (raw bulk inserts, not timed) holding N cases returned over
2026-01..2026-10 (a tenth of them in 2026-10; 3 % not returned yet) in 300 units of Zipf-like sizes,
200 procedures in 20 fields, each case with its contact (name and phone encrypted with the app's
cipher, `models.pii.PiiCipher`, and the phone's keyed hash; 5 % without a phone), 40 phone enumerators,
and the audit records an import writes: one "create" per case and one per contact (states made by
`models.audit.state_encoder`, chained by the chain's own code, `models.audit._chain`), plus those of
the units, procedures and enumerators. Then, through the app itself: `flask sample allocate --period
2026-10 --total T` (T = 1250: a drawn sample of ~5,000 cases), `sample draw`, `sample assign`
(`app.test_cli_runner()`), and an admin saved as a `User` (audited) who signs in through `/login`.
PostgreSQL is ANALYZEd after the fill (VACUUM ANALYZE) and again after the sampling commands, as
autovacuum would (it is off on the bench server); SQLite is left as an import leaves it.

Timed through the app's test client (`app.test_client()`, the whole body read): the list pages of
cases, of the drawn sample (filtered to the period), of the assignments, of the audit trail and the
allocation table, against the bare page: the list of units covered face to face (`/admin/coverage/`,
a Flask-Admin model list over an empty table: same layout, menu, sign-in and role checks, no data).
Each page is read once to warm up, then R times, pages taken in turn so that the machine's noise
falls on all of them alike; best and median are printed; ratio = page's best ÷ bare page's best.
A trivial route (`/bench/bare`, a six-word template, registered on the app by this script) and the
back-office home (`/admin/`, which counts the cases) are printed for reference, not in the ratio.

Each export (CSV and XLSX of the cases, the sample, the assignments, the audit trail and the
allocation) runs in a fresh child process which signs in, reads the bare page, then the export with
`buffered=False`, consuming the body chunk by chunk (`response.iter_encoded()`) and keeping only its
length: the child's peak resident memory (VmHWM of /proc/self/status) is the export's peak memory,
the app's own (imports, sign-in, first page: its RSS before the export is printed beside it)
included. Targets (issue 7): every list page ≤ 5 × the bare page; every export's peak < 300 MB.
PostgreSQL: env BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), on which a scratch database is made and dropped.
"""

import argparse
import cProfile
import csv
import datetime
import io
import itertools
import json
import logging
import os
import pstats
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


from scratch import PG_URL, pg_available, scratch_url  # noqa: E402
from scratch import pg_admin as _pg_admin  # noqa: E402
from scratch import pg_connect as _pg_connect  # noqa: E402

PG_NAME = "sipas_bench_pages"
KEYS = {"SECRET_KEY": "bench-secret-key-" + "s" * 40, "PII_KEY": "bench-pii-key-" + "p" * 40}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
MONTH = "2026-10"
UNITS, FIELDS, PROCEDURES, ENUMERATORS = 300, 20, 200, 40
ADMIN, ADMIN_PASSWORD = "bench-admin", "bench-admin-password-2026"
ACTOR = ("cli:bench", "system", "cli")  # who the bulk-inserted records say wrote them (an import from the command line)
CHUNK = 50_000
BARE = "/admin/coverage/"
REFERENCE = {"trivial": "/bench/bare", "home": "/admin/"}
TARGET_RATIO, TARGET_MB = 5, 300


def list_pages(period_id):
    return {
        "cases": "/admin/cases/",
        "sample": f"/admin/sample/?flt0_0={period_id}",
        "assignments": f"/admin/assignments/?period={MONTH}",
        "audit": "/admin/audit/",
        "sampling": f"/admin/sampling/?period={MONTH}",
    }


def exports(period_id):
    out = {}
    for fmt in ("csv", "xlsx"):
        out[f"cases_{fmt}"] = f"/admin/cases/export/{fmt}/"
        out[f"sample_{fmt}"] = f"/admin/sample/export/{fmt}/?flt0_0={period_id}"
        out[f"assignments_{fmt}"] = f"/admin/assignments/export/{fmt}?period={MONTH}"
        out[f"audit_{fmt}"] = f"/admin/audit/export/{fmt}/"
        out[f"sampling_{fmt}"] = f"/admin/sampling/export/{fmt}?period={MONTH}"
    return out


# --- the data, with raw bulk inserts (not timed) ----------------------------------------------


def _zipf_cumulative(count, exponent, rng):
    weights = [1 / (rank**exponent) for rank in range(1, count + 1)]
    rng.shuffle(weights)
    return list(itertools.accumulate(weights))


COLUMNS = {
    "unit": ("id", "code", "name", "level_id", "parent_id", "active", "created_at", "updated_at"),
    "procedure": ("id", "code", "name", "field", "immediate_result", "created_at", "updated_at"),
    "user": (
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
    "enumerator_profile": ("user_id", "phone", "f2f", "available"),
    "case": (
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
    "contact": ("case_id", "name_enc", "phone_enc", "email_enc", "phone_hash"),
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc"]
PREFIXES = ["91", "94", "88", "83", "84", "85", "81", "82", "96", "97", "98", "86", "32", "33", "70", "77"]


class Data:
    """The tables in insertion order, cases and contacts generated lazily a chunk at a time, and the
    audit records of every row (chained as they are made)."""

    def __init__(self, n, level_ids, seed=2026):
        from models import audit, pii

        self.n = n
        self.rng = rng = random.Random(seed)
        self.cipher = pii.PiiCipher(KEYS["PII_KEY"])
        self.audit = audit
        self.at = datetime.datetime(2026, 11, 2, 8, 0, 0)
        stamp = "2026-01-01 08:00:00"
        self.small = {
            "unit": [
                (i, f"BENCH{i:03d}", f"Đơn vị {i:03d}", level_ids["so" if i <= 30 else "xa"], None, True, stamp, stamp)
                for i in range(1, UNITS + 1)
            ],
            "procedure": [
                (i, f"P{i:04d}", f"Thủ tục {i:04d}", f"Lĩnh vực {(i - 1) % FIELDS + 1:02d}", i % 10 == 0, stamp, stamp)
                for i in range(1, PROCEDURES + 1)
            ],
            "user": [
                (i, f"enum{i:02d}", f"Điều tra viên {i:02d}", "enumerator", "bench-not-a-real-hash", True, 0, None)
                + (None, stamp, stamp)
                for i in range(1, ENUMERATORS + 1)
            ],
            "enumerator_profile": [(i, True, False, True) for i in range(1, ENUMERATORS + 1)],
        }
        self.unit_weights = _zipf_cumulative(UNITS, 1.0, rng)
        self.procedure_weights = _zipf_cumulative(PROCEDURES, 0.7, rng)
        self.encoders = {}
        for table, columns in COLUMNS.items():
            redacted = {"digest"} if table == "case" else set()
            redacted |= {"name_enc", "phone_enc", "email_enc", "phone_hash"} if table == "contact" else set()
            redacted |= {"password_hash"} if table == "user" else set()
            state_columns = [c for c in columns if c != "updated_at"]  # audit_ignored
            keep = [columns.index(c) for c in state_columns]
            encode = audit.state_encoder(state_columns, redacted)
            self.encoders[table] = (encode, keep)
        self.pending = []  # audit entries of the rows made, waiting to be chained
        self.chain = self._chain()
        self.audit_count = 0

    def _chain(self):
        head = (0, self.audit.GENESIS)
        while True:
            entries, self.pending = self.pending, []
            records = list(self.audit._chain(entries, head, ACTOR, self.at))
            if records:
                head = (records[-1][0], records[-1][-1])
            self.audit_count += len(records)
            yield records

    def _audited(self, table, rows):
        encode, keep = self.encoders[table]
        for row in rows:
            self.pending.append(("create", table, str(row[0]), None, encode([row[i] for i in keep])))
        return rows

    def audit_records(self):
        """The chained records of the rows made since the last call."""
        return next(self.chain)

    def small_tables(self):
        for table, rows in self.small.items():
            yield table, self._audited(table, rows)

    def case_chunks(self):
        """(cases, contacts) of CHUNK cases at a time, their audit entries pending."""
        rng, cipher = self.rng, self.cipher
        start = datetime.datetime(2026, 1, 1)
        span = (datetime.datetime(2026, 11, 1) - start).total_seconds()
        second, day = datetime.timedelta(seconds=1), datetime.timedelta(days=1)
        for first in range(0, self.n, CHUNK):
            count = min(CHUNK, self.n - first)
            units = rng.choices(range(1, UNITS + 1), cum_weights=self.unit_weights, k=count)
            procs = rng.choices(range(1, PROCEDURES + 1), cum_weights=self.procedure_weights, k=count)
            cases, contacts = [], []
            for k in range(count):
                i = first + k + 1
                r = rng.random()
                returned = start + second * int(rng.random() * span)
                received = returned - day * rng.randrange(1, 25) - second * rng.randrange(36000)
                due = received + day * 15
                if r < 0.03:
                    returned = None  # not returned yet
                channel = "direct" if r < 0.72 else ("online" if r < 0.96 else "postal")
                created = f"2026-{returned.month + 1 if returned else 11:02d}-02 06:00:00"  # imported monthly
                phone = None if rng.random() < 0.05 else f"+84{rng.choice(PREFIXES)}{rng.randrange(10_000_000):07d}"
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                code = f"000.00.{units[k]:03d}.H{i % 50 + 10}-{received:%y%m%d}-{i:07d}"
                cases.append(
                    (
                        i,
                        code,
                        units[k],
                        procs[k],
                        channel,
                        str(received),
                        str(due),
                        None if returned is None else str(returned),
                        returned is not None and returned > due,
                        phone is not None,
                        f"CB{i % 397:04d}",
                        f"CB{i % 389:04d}",
                        cipher.digest((code, name, phone)),
                        created,
                        created,
                    )
                )
                contacts.append(
                    (i, cipher.encrypt(name), cipher.encrypt(phone) if phone else None, None, cipher.lookup_hash(phone))
                )
            yield self._audited("case", cases), self._audited("contact", contacts)


AUDIT_COLUMNS = (
    "seq",
    "at",
    "actor",
    "role",
    "source",
    "action",
    "model",
    "object_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)


def fill_sqlite(url, n):
    conn = sqlite3.connect(url.split("sqlite:///", 1)[1], isolation_level=None)
    levels = dict(conn.execute("SELECT code, id FROM unit_level").fetchall())
    data = Data(n, levels)

    def insert(table, columns, rows):
        sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        conn.executemany(sql, rows)

    def insert_audit():
        records = [(r[0], str(r[1]), *r[2:]) for r in data.audit_records()]
        insert("audit_record", AUDIT_COLUMNS, records)

    conn.execute("BEGIN")
    for table, rows in data.small_tables():
        insert(table, COLUMNS[table], rows)
    insert_audit()
    for cases, contacts in data.case_chunks():
        insert("case", COLUMNS["case"], cases)
        insert("contact", COLUMNS["contact"], contacts)
        insert_audit()
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return data.audit_count


def _copy(cur, table, columns, rows):
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow(["\\x" + v.hex() if type(v) is bytes else v for v in row])
    buf.seek(0)
    cur.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN WITH (FORMAT csv)', buf)


def fill_postgres(url, n):
    conn = _pg_connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT code, id FROM unit_level")
        data = Data(n, dict(cur.fetchall()))
        for table, rows in data.small_tables():
            _copy(cur, table, COLUMNS[table], rows)
        _copy(cur, "audit_record", AUDIT_COLUMNS, data.audit_records())
        for cases, contacts in data.case_chunks():
            _copy(cur, "case", COLUMNS["case"], cases)
            _copy(cur, "contact", COLUMNS["contact"], contacts)
            _copy(cur, "audit_record", AUDIT_COLUMNS, data.audit_records())
        for table in ("unit", "procedure", "user", "case"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            )
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()
    return data.audit_count


# --- the app ----------------------------------------------------------------------------------


def make_app(url, folder):
    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    from flask import render_template_string

    from core import create_app

    app = create_app(
        {
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": os.path.join(folder, "uploads"),
            **KEYS,
        }
    )
    app.add_url_rule(
        REFERENCE["trivial"],
        "bench_bare",
        lambda: render_template_string("<!doctype html><p>{{ text }}</p>", text="Trang trống của bài đo."),
    )
    return app


def signed_in(app):
    client = app.test_client()
    response = client.post("/login", data={"username": ADMIN, "password": ADMIN_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed: {response.status_code} {response.get_data(as_text=True)[:300]}")
    return client


def get(client, path):
    response = client.get(path)
    body = response.get_data()
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code} {body[:300]!r}")
    return len(body)


def invoke(runner, *args):
    result = runner.invoke(args=list(args))
    if result.exit_code != 0:
        raise RuntimeError(f"`flask {' '.join(args)}` exited {result.exit_code}: {result.output}{result.exception!r}")
    return result.output


def prepare(app, total):
    """The month's sampling by the command line, and the admin; returns figures of the data."""
    from models import Assignment, AuditRecord, Period, Role, Roles, SampleCase, User, db

    runner = app.test_cli_runner()
    invoke(runner, "sample", "allocate", "--period", MONTH, "--total", str(total))
    invoke(runner, "sample", "draw", "--period", MONTH, "--seed", "bench-pages-2026-10")
    invoke(runner, "sample", "assign", "--period", MONTH)
    with app.app_context():
        from models import audit

        with audit.acting_as(*ACTOR):
            admin = User(username=ADMIN, full_name="Quản trị bài đo", role=Role.get_by_id(Roles.ADMIN))
            admin.set_password(ADMIN_PASSWORD)
            admin.save()
        period = Period.get(Period.month == MONTH)
        figures = {
            "period_id": period.id,
            "sample": SampleCase.select().where(SampleCase.period == period).count(),
            "assignments": Assignment.select().count(),
            "audit_records": AuditRecord.select().count(),
        }
        db.close()
    return figures


# --- the export in a child process ------------------------------------------------------------


def _memory(key):
    """MB of this process's resident memory now (VmRSS) or at its peak (VmHWM), from /proc/self/status.
    Not getrusage's ru_maxrss: after fork and exec, that keeps the parent's peak (the bench's, which
    built the data) when it is higher."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {key} in /proc/self/status")


def child_export(url, folder, path):
    logging.getLogger("peewee.migrations").setLevel(logging.WARNING)
    app = make_app(url, folder)
    client = signed_in(app)
    get(client, BARE)
    base_mb = _memory("VmRSS")
    started = time.perf_counter()
    response = client.get(path, buffered=False)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code} {response.get_data()[:300]!r}")
    size, lines, chunks = 0, 0, 0
    for chunk in response.iter_encoded():
        size += len(chunk)
        lines += chunk.count(b"\n")
        chunks += 1
    response.close()
    seconds = time.perf_counter() - started
    peak_mb = _memory("VmHWM")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "bytes": size,
                "lines": lines,
                "chunks": chunks,
                "base_mb": base_mb,
                "peak_mb": peak_mb,
            }
        )
    )


def run_export(url, folder, path):
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child-export", url, folder, path],
        stdout=subprocess.PIPE,
        check=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- main -------------------------------------------------------------------------------------


def bench(backend, n, folder, args):
    print(f"[{backend}] building {n:,} cases …", flush=True)
    started = time.perf_counter()
    url = scratch_url(backend, folder, PG_NAME)
    (fill_sqlite if backend == "sqlite" else fill_postgres)(url, n)
    print(f"[{backend}] filled in {time.perf_counter() - started:.1f} s (not timed)", flush=True)
    app = make_app(url, folder)
    started = time.perf_counter()
    figures = prepare(app, args.total)
    if backend == "postgresql":  # the sample and assignments just written: as autovacuum would (off here)
        conn = _pg_connect(url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("ANALYZE")
        conn.close()
    print(
        f"[{backend}] allocate, draw, assign in {time.perf_counter() - started:.1f} s (not timed): "
        f"sample {figures['sample']:,}, {figures['assignments']:,} assignments, "
        f"{figures['audit_records']:,} audit records",
        flush=True,
    )
    client = signed_in(app)
    pages = {"bare": BARE, **REFERENCE, **list_pages(figures["period_id"])}
    sizes = {name: get(client, path) for name, path in pages.items()}  # warm-up
    times = {name: [] for name in pages}
    for _rep in range(args.repeat):
        for name, path in pages.items():
            t0 = time.perf_counter()
            get(client, path)
            times[name].append(time.perf_counter() - t0)
    bare = min(times["bare"])
    ratios = {}
    print(f"[{backend}] pages (best / median of {args.repeat}, ms; ratio of bests to the bare page):", flush=True)
    for name, path in pages.items():
        best, median = min(times[name]), statistics.median(times[name])
        ratio = best / bare
        if name in list_pages(0):
            ratios[name] = ratio
        mark = "" if name not in ratios else ("  ok" if ratio <= TARGET_RATIO else "  MISSES ≤ 5")
        print(
            f"  {name:<12}{best * 1000:8.1f} {median * 1000:8.1f}  ×{ratio:6.2f}  {sizes[name] / 1024:7.0f} KB  "
            f"{path}{mark}",
            flush=True,
        )
    if args.profile:
        for name, path in list_pages(figures["period_id"]).items():
            target = os.path.join(args.profile, f"page_{name}_{backend}.prof")
            profiler = cProfile.Profile()
            profiler.runcall(get, client, path)
            profiler.dump_stats(target)
            print(f"[{backend}] profile of {path}: {target}", flush=True)
            pstats.Stats(target).sort_stats("cumulative").print_stats(25)
    peaks = {}
    print(f"[{backend}] exports (each in a fresh child process):", flush=True)
    for name, path in exports(figures["period_id"]).items():
        result = run_export(url, folder, path)
        peaks[name] = result["peak_mb"]
        rows = f"{result['lines'] - 1:,} rows" if name.endswith("csv") else f"{result['chunks']} chunks"
        mark = "ok" if result["peak_mb"] < TARGET_MB else "MISSES < 300 MB"
        print(
            f"  {name:<17}{result['seconds']:7.2f} s  {result['bytes'] / 1e6:6.1f} MB  {rows:>14}  "
            f"peak {result['peak_mb']:5.0f} MB (app before it {result['base_mb']:.0f} MB)  {mark}",
            flush=True,
        )
    if args.keep:
        print(f"[{backend}] kept: {url}", flush=True)
    elif backend == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            path = url.split("sqlite:///", 1)[1] + suffix
            if os.path.exists(path):
                os.remove(path)
    worst = max(ratios, key=ratios.get)
    return (
        f"BENCH backoffice_pages {backend} ratio={ratios[worst]:.2f} worst={worst} "
        + " ".join(f"{k}_ratio={v:.2f}" for k, v in ratios.items())
        + f" bare_ms={bare * 1000:.1f} export_peak_mb={max(peaks.values()):.0f} "
        + " ".join(f"{k}_mb={v:.0f}" for k, v in peaks.items())
        + f" n={n} sample={figures['sample']} audit_records={figures['audit_records']} repeat={args.repeat}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--total", type=int, default=1250, help="interviews to allocate (default 1250: ~5,000 drawn)")
    parser.add_argument("--repeat", type=int, default=7, help="timed reads of each page (default 7)")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql"), action="append", help="only this database (default both)"
    )
    parser.add_argument("--profile", metavar="DIR", help="also profile one read of each list page into DIR")
    parser.add_argument("--keep", metavar="DIR", help="keep the scratch databases (SQLite in DIR) for inspection")
    parser.add_argument("--child-export", nargs=3, metavar=("URL", "FOLDER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_export:
        return child_export(*args.child_export)
    logging.getLogger("peewee.migrations").setLevel(logging.WARNING)
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
    folder = args.keep or tempfile.mkdtemp(prefix="sipas_bench_pages_")
    lines = []
    try:
        for backend in args.backend or ["sqlite", "postgresql"]:
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
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

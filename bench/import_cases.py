"""Benchmark of the case import against the raw database inserting the same rows.

Usage: .venv/bin/python bench/import_cases.py N

Generates N cases in the import format (streamed to a temporary file, not timed), imports them
through the command line's code path (`import_file("cases", path)` in an app context, in a child
process whose peak RSS is measured), then times the raw database inserting exactly the rows the
import wrote (case, contact, audit_record) into a second database migrated the same way:
`executemany` in one transaction on SQLite, `COPY` in one transaction on PostgreSQL.
ratio = import rows/s ÷ raw rows/s, rows = N cases. PostgreSQL: env BENCH_POSTGRES_URL
(default postgresql://postgres@127.0.0.1:5432/test), on which scratch databases are made and dropped.
"""

import argparse
import csv
import datetime
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


from scratch import PG_URL, pg_available, scratch_url  # noqa: E402
from scratch import pg_admin as _pg_admin  # noqa: E402
from scratch import pg_connect as _pg_connect  # noqa: E402

from demo import data as demo_data  # noqa: E402

PG_NAMES = ("sipas_bench", "sipas_bench_raw")
TABLES = ("case", "contact", "audit_record")  # the tables a case import writes, in insertion order
KEYS = {"SECRET_KEY": "bench-secret-key-" + "s" * 40, "PII_KEY": "bench-pii-key-" + "p" * 40}
HEADER = [
    "Mã hồ sơ",
    "Mã đơn vị",
    "Mã thủ tục",
    "Hình thức nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày trả kết quả",
    "Họ tên",
    "Số điện thoại",
    "Email",
    "Cán bộ tiếp nhận",
    "Cán bộ xử lý",
]
CHANNELS = (
    ["truc_tiep"] * 5
    + ["Trực tiếp"] * 3
    + ["direct", "truc_tuyen", "truc_tuyen", "Trực tuyến", "online", "buu_chinh", "Bưu chính công ích"]
)


# --- generation -------------------------------------------------------------------------------


def _date(dt, style):
    if style < 0.7:
        return f"{dt.day:02d}/{dt.month:02d}/{dt.year} {dt.hour:02d}:{dt.minute:02d}"
    if style < 0.9:
        return f"{dt.year}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:00"
    return f"{dt.day:02d}/{dt.month:02d}/{dt.year}"


def _phone(rng):
    r = rng.random()
    if r < 0.05:
        return ""
    digits = rng.choice(demo_data.MOBILE_PREFIX) + f"{rng.randrange(10_000_000):07d}"
    if r < 0.07:
        return digits[:-2]  # invalid: a warning, imported without a phone
    if r < 0.55:
        return digits
    if r < 0.7:
        return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    if r < 0.85:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if r < 0.95:
        return f"+84 {digits[1:4]} {digits[4:7]} {digits[7:]}"
    return "84" + digits[1:]


def case_rows(n, unit_rows, procedure_rows, seed=2026):
    """N case rows, generated lazily: about 0.1 % rejected (unknown unit), 2 % invalid phones."""
    rng = random.Random(seed)
    by_kind = {}
    for p in procedure_rows:
        by_kind.setdefault(p[5], []).append(p)
    units = [(u[0], by_kind["so" if u[2] in ("so", "tinh") else u[2]]) for u in unit_rows]
    names = [
        f"{f} {m} {g}"
        for f in demo_data.FAMILY
        for m, g in [(m, g) for m in demo_data.MIDDLE_M for g in demo_data.GIVEN_M]
        + [(m, g) for m in demo_data.MIDDLE_F for g in demo_data.GIVEN_F]
    ]
    names += [c.format(t, p) for c in demo_data.COMPANY for t in demo_data.TRADE for p in demo_data.PLACE]
    officers = [f"CB{i:04d}" for i in range(1, 400)]
    start = datetime.datetime(2026, 1, 1, 7)
    minutes = datetime.timedelta(minutes=1)
    for i in range(n):
        unit, procs = rng.choice(units)
        proc = rng.choice(procs)
        received = start + minutes * rng.randrange(180 * 24 * 60)
        due = received + datetime.timedelta(days=proc[4] * 7 // 5)
        r = rng.random()
        if proc[3]:
            returned = received + minutes * rng.randrange(10, 90)
        elif r < 0.08:
            returned = None
        elif r < 0.2:
            returned = due + minutes * rng.randrange(60, 14400)
        else:
            returned = received + (due - received) * (0.3 + 0.7 * rng.random())
        style = rng.random()
        name = rng.choice(names)
        email = f"{name.rsplit(' ', 1)[-1].lower()}{rng.randrange(1000)}@example.vn" if rng.random() < 0.2 else ""
        yield (
            f"000.00.{unit}.H{rng.randrange(10, 60)}-{received:%y%m%d}-{i + 1:07d}",
            unit if rng.random() >= 0.001 else "X999",
            proc[0],
            rng.choice(CHANNELS),
            _date(received, style),
            _date(due, style),
            _date(returned, style) if returned else "",
            name,
            _phone(rng),
            email,
            rng.choice(officers),
            rng.choice(officers),
        )


def generate(folder, n):
    """Write units.csv, procedures.csv and cases.csv (streamed); return their paths."""
    rng = random.Random(2026)
    unit_rows, procedure_rows = demo_data.units(rng), demo_data.procedures(rng)
    paths = {k: os.path.join(folder, f"{k}.csv") for k in ("units", "procedures", "cases")}
    demo_data.write_csv(paths["units"], ["ma_don_vi", "ten_don_vi", "cap", "ma_don_vi_cha"], unit_rows)
    demo_data.write_csv(
        paths["procedures"],
        ["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "tra_ket_qua_ngay"],
        [(c, name, f, "x" if imm else "") for c, name, f, imm, _d, _k in procedure_rows],
    )
    with open(paths["cases"], "w", newline="", encoding="utf-8-sig", buffering=1 << 20) as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(case_rows(n, unit_rows, procedure_rows))
    return paths


# --- databases --------------------------------------------------------------------------------


def drop_pg_databases():
    for name in PG_NAMES:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the import, in a child process -----------------------------------------------------------


def child(url, folder):
    """Import the reference lists, then time the case import; print a JSON line of figures."""
    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    from core import create_app
    from importing import import_file
    from models import AuditRecord, db

    app = create_app({"DATABASE_URL": url, "SIPAS_ENV": "development", **KEYS})
    with app.app_context():
        for kind in ("units", "procedures"):
            import_file(kind, os.path.join(folder, f"{kind}.csv"))
        first_seq = AuditRecord.select(AuditRecord.seq).order_by(AuditRecord.seq.desc()).scalar() or 0
        started = time.perf_counter()
        report = import_file("cases", os.path.join(folder, "cases.csv"))
        seconds = time.perf_counter() - started
        db.close()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "first_seq": first_seq,
                "created": report.created,
                "updated": report.updated,
                "rejected": report.rejected_total,
                "warnings": report.warnings_total,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run_import(url, folder):
    if url.startswith("postgres"):
        _pg_admin("CHECKPOINT")  # start both timings with no dirty buffers
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", url, folder],
        stdout=subprocess.PIPE,
        check=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- the raw baseline -------------------------------------------------------------------------


def _conditions(first_seq):
    """Per table, the WHERE selecting the rows written by the case import."""
    return {"case": "", "contact": "", "audit_record": f"WHERE seq > {int(first_seq)}"}


def raw_sqlite(src_url, dst_url, first_seq, chunk=20_000):
    """Seconds for executemany of the import's rows into `dst`, in one transaction."""
    from models.base import SQLITE_PRAGMAS

    src = sqlite3.connect(src_url.split("sqlite:///", 1)[1])
    dst = sqlite3.connect(dst_url.split("sqlite:///", 1)[1], isolation_level=None)
    for key, value in SQLITE_PRAGMAS.items():
        dst.execute(f"PRAGMA {key} = {value}")
    # The reference rows and earlier audit records, not timed
    for table, where in (("unit", ""), ("procedure", ""), ("audit_record", f"WHERE seq <= {int(first_seq)}")):
        rows = src.execute(f'SELECT * FROM "{table}" {where} ORDER BY id').fetchall()
        dst.execute("BEGIN")
        if rows:
            dst.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(rows[0]))})', rows)
        dst.execute("COMMIT")
    seconds, count = 0.0, 0
    where = _conditions(first_seq)
    started = time.perf_counter()
    dst.execute("BEGIN")
    seconds += time.perf_counter() - started
    for table in TABLES:
        cur = src.execute(f'SELECT * FROM "{table}" {where[table]}')
        marks = ", ".join("?" * len(cur.description))
        sql = f'INSERT INTO "{table}" VALUES ({marks})'
        while rows := cur.fetchmany(chunk):
            started = time.perf_counter()
            dst.executemany(sql, rows)
            seconds += time.perf_counter() - started
            count += len(rows)
    started = time.perf_counter()
    dst.execute("COMMIT")
    seconds += time.perf_counter() - started
    src.close()
    dst.close()
    return seconds, count


def raw_postgres(src_url, dst_url, first_seq, folder):
    """Seconds for COPY of the import's rows into `dst`, in one transaction (dumped first, not timed)."""
    src, dst = _pg_connect(src_url), _pg_connect(dst_url)
    where = _conditions(first_seq)
    dumps = []
    with src.cursor() as cur:
        for table, cond in [("unit", ""), ("procedure", ""), ("audit_record", f"WHERE seq <= {int(first_seq)}")] + [
            (t, where[t]) for t in TABLES
        ]:
            path = os.path.join(folder, f"raw_{len(dumps)}_{table}.copy")
            with open(path, "w", encoding="utf-8") as f:
                cur.copy_expert(f'COPY (SELECT * FROM "{table}" {cond} ORDER BY 1) TO STDOUT', f)
            dumps.append((table, path))
    src.close()
    _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAMES[0]}" WITH (FORCE)')  # no autovacuum of it meanwhile

    def load(items):
        count = 0
        with dst.cursor() as cur:
            for table, path in items:
                with open(path, encoding="utf-8") as f:
                    cur.copy_expert(f'COPY "{table}" FROM STDIN', f, size=1 << 20)
                count += cur.rowcount
        dst.commit()
        return count

    load(dumps[:3])  # the reference rows, not timed
    _pg_admin("CHECKPOINT")
    started = time.perf_counter()
    count = load(dumps[3:])
    seconds = time.perf_counter() - started
    dst.close()
    for _table, path in dumps:
        os.remove(path)
    return seconds, count


# --- main -------------------------------------------------------------------------------------


def bench(backend, n, folder):
    print(f"[{backend}] importing {n:,} cases …", flush=True)
    url = scratch_url(backend, folder, PG_NAMES[0])
    result = run_import(url, folder)
    rate = n / result["seconds"]
    print(
        f"[{backend}] import: {result['seconds']:.1f} s, {rate:,.0f} rows/s, created {result['created']:,}, "
        f"rejected {result['rejected']:,}, warnings {result['warnings']:,}, "
        f"peak RSS {result['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    raw_url = scratch_url(backend, folder, PG_NAMES[1])
    if backend == "sqlite":
        raw_seconds, raw_count = raw_sqlite(url, raw_url, result["first_seq"])
    else:
        raw_seconds, raw_count = raw_postgres(url, raw_url, result["first_seq"], folder)
    raw_rate = n / raw_seconds
    method = "executemany" if backend == "sqlite" else "COPY"
    print(
        f"[{backend}] raw {method}: {raw_count:,} rows (case + contact + audit_record) in {raw_seconds:.1f} s, "
        f"{raw_rate:,.0f} cases/s",
        flush=True,
    )
    for name in PG_NAMES if backend == "sqlite" else ():
        for suffix in ("", "-wal", "-shm"):
            path = os.path.join(folder, f"{name}.db{suffix}")
            if os.path.exists(path):
                os.remove(path)
    return (
        f"BENCH import_cases {backend} ratio={rate / raw_rate:.3f} rows_per_s={rate:.0f} "
        f"raw_rows_per_s={raw_rate:.0f} peak_rss_mb={result['peak_rss_mb']:.0f} n={n}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    folder = tempfile.mkdtemp(prefix="sipas_bench_")
    try:
        started = time.perf_counter()
        generate(folder, args.n)
        size = os.path.getsize(os.path.join(folder, "cases.csv"))
        print(
            f"generated {args.n:,} cases ({size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s (not timed)",
            flush=True,
        )
        lines = [bench("sqlite", args.n, folder)]
        available = pg_available()
        if available is True:
            try:
                lines.append(bench("postgresql", args.n, folder))
            finally:
                drop_pg_databases()
        else:
            print(
                f"NOTE: PostgreSQL not reachable at {PG_URL} ({available}); "
                f"set BENCH_POSTGRES_URL. Only SQLite was measured.",
                flush=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

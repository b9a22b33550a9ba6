"""Benchmark of a month's compilation of results against one raw GROUP BY over the same answers.

Usage: .venv/bin/python bench/compile.py [N] [--repeat R] [--backend sqlite|postgresql]

Builds, per database, a scratch database holding N approved interviews (default 100,000) of 25
answers each (the shipped in-person form's questions, ratings drawn on 1-5 and "no opinion", plus
text answers) over 300 units, with their answer rows (raw bulk inserts, not timed; the questionnaire
imported and published through the app). Then times the command line's code path
(`flask results compile --period 2026-10`, through `app.test_cli_runner()`; the period's versions
deleted between runs, not timed) against one raw query on the driver's cursor: count and mean per
unit and question over the same answer rows of the month's approved interviews (fetched into
Python). Each side runs R times, the best counts; ratio = compile seconds ÷ raw seconds.
"""

import argparse
import csv
import io
import itertools
import json
import logging
import os
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

PG_NAME = "sipas_bench_compile"
KEYS = {"SECRET_KEY": "bench-secret-key-" + "c" * 40, "PII_KEY": "bench-pii-key-" + "q" * 40}
MONTH, UNITS, ANSWERS = "2026-10", 300, 25
FORM = os.path.join(ROOT, "questionnaires", "forms", "sipas_truc_tiep.xlsx")
RAW_SQL = """SELECT c.unit_id, a.question, COUNT(*),
       AVG(CASE WHEN a.value IN ('1', '2', '3', '4', '5') THEN CAST(a.value AS INTEGER) END)
FROM answer a
JOIN interview i ON i.id = a.interview_id
JOIN "case" c ON c.id = i.case_id
WHERE i.status = 'approved' AND c.returned_at >= '2026-10-01' AND c.returned_at < '2026-11-01'
GROUP BY c.unit_id, a.question"""
RATINGS = ["5"] * 30 + ["4"] * 40 + ["3"] * 18 + ["2"] * 5 + ["1"] * 2 + ["khong_y_kien"] * 5


def answer_values(definition, rng):
    """25 answers: every question of the form (ratings drawn), then text answers up to 25."""
    from questionnaires.xlsform import questions

    out = {}
    for q in questions(definition):
        if q["type"] == "note":
            continue
        names = [c["name"] for c in definition["choices"].get(q.get("list") or "", [])]
        out[q["name"]] = rng.choice(RATINGS) if "5" in names else (rng.choice(names) if names else "1")
    for extra in range(ANSWERS - len(out)):
        out[f"ghi_chu_{extra + 1}"] = "Ý kiến khác"
    return dict(itertools.islice(out.items(), ANSWERS))


def tables(n, level_id, version_id, definition, seed=2026, months=(MONTH,)):
    """The rows of the units, a procedure, and n cases with their approved interviews and answers; case i
    returned in months[i % len(months)]."""
    rng = random.Random(seed)
    stamp = "2026-10-01 08:00:00"
    units = [(i, f"BENCH{i:03d}", f"Đơn vị {i:03d}", level_id, None, True, stamp, stamp) for i in range(1, UNITS + 1)]
    procedures = [(1, "P0001", "Thủ tục", "Lĩnh vực", False, stamp, stamp)]
    unit_of = [rng.randint(1, UNITS) for _ in range(n)]
    answers_of = [answer_values(definition, rng) for _ in range(n)]

    def cases():
        for i in range(n):
            day = i % 28 + 1
            returned = f"{months[i % len(months)]}-{day:02d} 10:00:00"
            yield (
                i + 1,
                f"BENCH-{i + 1:08d}",
                unit_of[i],
                1,
                "direct",
                stamp,
                returned,
                False,
                False,
                f"{i:032x}",
                stamp,
                stamp,
            )

    def interviews():
        for i in range(n):
            text = json.dumps(answers_of[i], ensure_ascii=False, sort_keys=True)
            yield (i + 1, i + 1, version_id, "phone", "approved", text, i + 1, stamp, stamp, stamp)

    def answers():
        for i in range(n):
            for name, value in answers_of[i].items():
                yield (i + 1, name, value)

    return {
        "unit": (("id", "code", "name", "level_id", "parent_id", "active", "created_at", "updated_at"), units),
        "procedure": (("id", "code", "name", "field", "immediate_result", "created_at", "updated_at"), procedures),
        "case": (
            (
                "id",
                "code",
                "unit_id",
                "procedure_id",
                "channel",
                "received_at",
                "returned_at",
                "is_late",
                "has_phone",
                "digest",
                "created_at",
                "updated_at",
            ),
            cases(),
        ),
        "interview": (
            (
                "id",
                "case_id",
                "version_id",
                "channel",
                "status",
                "answers",
                "complete_case_id",
                "started_at",
                "saved_at",
                "ended_at",
            ),
            interviews(),
        ),
        "answer": (("interview_id", "question", "value"), answers()),
    }


def _chunks(rows, size=100_000):
    it = iter(rows)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def fill(backend, url, n, version_id, definition, months=(MONTH,)):
    if backend == "sqlite":
        conn = sqlite3.connect(url.split("sqlite:///", 1)[1], isolation_level=None)
        level = conn.execute("SELECT id FROM unit_level WHERE code = 'xa'").fetchone()[0]
        conn.execute("BEGIN")
        for table, (columns, rows) in tables(n, level, version_id, definition, months=months).items():
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            for chunk in _chunks(rows):
                conn.executemany(sql, chunk)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.close()
        return
    conn = _pg_connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM unit_level WHERE code = 'xa'")
        level = cur.fetchone()[0]
        for table, (columns, rows) in tables(n, level, version_id, definition, months=months).items():
            for chunk in _chunks(rows):
                buf = io.StringIO()
                csv.writer(buf).writerows(chunk)
                buf.seek(0)
                cur.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN WITH (FORMAT csv)', buf)
        for table in ("unit", "procedure", "case", "interview", "answer"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            )
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()


def raw_group_by(db):
    started = time.perf_counter()
    cur = db.connection().cursor()
    cur.execute(RAW_SQL)
    rows = cur.fetchall()
    cur.close()
    return time.perf_counter() - started, len(rows)


def bench(backend, n, folder, repeat):
    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    from core import create_app
    from models import Period, ResultVersion, audit, db
    from questionnaires import service as questionnaires

    print(f"[{backend}] building {n:,} interviews …", flush=True)
    started = time.perf_counter()
    url = scratch_url(backend, folder, PG_NAME)
    app = create_app({"DATABASE_URL": url, **KEYS})
    with app.app_context(), audit.acting_as("bench", "system", "cli"):
        version, _created = questionnaires.import_form(FORM)
        questionnaires.publish(version)
        Period.for_month(MONTH)
        version_id, definition = version.id, version.definition_dict()
        db.close()
    fill(backend, url, n, version_id, definition)
    print(f"[{backend}] built in {time.perf_counter() - started:.1f} s (not timed)", flush=True)
    runner = app.test_cli_runner()
    best = best_raw = None
    for rep in range(repeat):
        with app.app_context():
            db.execute_sql('DELETE FROM "result_version"')  # the runs' versions (not timed)
            raw_seconds, groups = raw_group_by(db)
            db.close()
        started = time.perf_counter()
        result = runner.invoke(args=["results", "compile", "--period", MONTH, "--json"])
        seconds = time.perf_counter() - started
        if result.exit_code != 0:
            raise RuntimeError(result.output + repr(result.exception))
        print(
            f"[{backend}] run {rep + 1}: compile {seconds:.2f} s; raw GROUP BY {raw_seconds:.2f} s ({groups:,} groups)",
            flush=True,
        )
        best = min(best or seconds, seconds)
        best_raw = min(best_raw or raw_seconds, raw_seconds)
    with app.app_context():
        figures = ResultVersion.select().order_by(ResultVersion.id.desc()).first().figures_dict()
        completed = figures["province"]["completed"]
        db.close()
    if completed != n:
        raise RuntimeError(f"the compilation counted {completed} interviews, not {n}")
    if backend == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    return (
        f"BENCH compile {backend} ratio={best / best_raw:.3f} seconds={best:.3f} raw_seconds={best_raw:.3f} "
        f"interviews={n} answers={n * ANSWERS} units={UNITS}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    logging.getLogger("peewee.migrations").setLevel(logging.WARNING)
    folder = tempfile.mkdtemp(prefix="sipas_bench_compile_")
    lines = []
    try:
        for backend in args.backend or ["sqlite", "postgresql"]:
            if backend == "postgresql" and pg_available() is not True:
                print(f"NOTE: PostgreSQL not reachable at {PG_URL}; only SQLite was measured.", flush=True)
                continue
            lines.append(bench(backend, args.n, folder, args.repeat))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

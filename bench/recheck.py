"""Benchmark of the re-check work over a month: every fabrication flag computed (and, next to it, any
other timed step) against a raw read of the same rows.

Usage: .venv/bin/python bench/recheck.py [N] [--repeat R] [--backend sqlite|postgresql]

Builds, per database, a scratch database holding N approved interviews (default 100,000) of the
shipped in-person form (25 answers each, with their answer rows) over 300 units, by 400 enumerators
working ten interviews a day from 08:00 (the sample, its assignments, call attempts before 60 % of
the phone completes, the phone shown before the others, the contacts' phone hashes): raw bulk
inserts, not timed. A few of them are made suspicious on purpose: too short (2 %), outside working
hours (1 %), a burst of ten in fifty minutes (one enumerator in fifty, one day), no attempt and the
phone never shown (0.5 %), a phone shared by two cases (0.5 %); the rest of the flags come from the
drawn answers (the same rating down the civil servants' four questions).

Then times each step of STEPS through `app.test_cli_runner()`: `flags`, `flask flags compute
--period 2026-10` (the period's flags deleted before each run, not timed), then `draw`, `flask
rechecks draw --period 2026-10 --seed bench-recheck` (10 % of each enumerator's approved interviews
plus every flagged one, dealt to 8 auditors; the period's draw deleted before each run, not timed),
against RAW: the columns they need, read once on the driver's cursor (the interviews with their
case, contact and whether an attempt or a phone reveal exists; the answers of the straight-line
questions; the draw's frame in work order and the flagged interviews). Each runs R times, the best
counts; ratio = the steps' seconds together ÷ raw seconds. A step is a function (app, runner) ->
(seconds, {figure: value}).
"""

import argparse
import csv
import datetime
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

from compile import answer_values  # noqa: E402
from scratch import PG_URL, pg_available, scratch_url  # noqa: E402
from scratch import pg_admin as _pg_admin  # noqa: E402
from scratch import pg_connect as _pg_connect  # noqa: E402

PG_NAME = "sipas_bench_recheck"
KEYS = {"SECRET_KEY": "bench-secret-key-" + "r" * 40, "PII_KEY": "bench-pii-key-" + "k" * 40}
MONTH, UNITS, ENUMERATORS, PER_DAY, AUDITORS = "2026-10", 300, 400, 10, 8
FORM = os.path.join(ROOT, "questionnaires", "forms", "sipas_truc_tiep.xlsx")
STAMP = "2026-10-01 08:00:00"
FIELDWORK_STARTS = datetime.date(2026, 11, 2)  # a Monday: the month's cases are interviewed in November
STRAIGHT = ("cong_chuc_tiep_nhan", "cong_chuc_giai_quyet", "thai_do", "nang_luc")  # the civil servants
WHERE = (
    "i.complete_case_id IS NOT NULL AND c.returned_at >= '2026-10-01 00:00:00' "
    "AND c.returned_at < '2026-11-01 00:00:00'"
)
RAW = {
    "interviews": f"""SELECT i.id, c.returned_at, c.code, i.enumerator_id, i.channel, i.source, i.started_at,
       i.ended_at, i.duration_seconds, i.version_id, ct.phone_hash,
       (EXISTS (SELECT 1 FROM call_attempt a WHERE a.assignment_id = i.assignment_id)
        OR EXISTS (SELECT 1 FROM audit_record r WHERE action = 'reveal_phone' AND r.model = 'contact'
                   AND r.object_id = CAST(i.case_id AS VARCHAR)))
FROM interview i
JOIN "case" c ON c.id = i.case_id
LEFT JOIN contact ct ON ct.case_id = c.id
WHERE {WHERE}""",
    "answers": f"""SELECT a.interview_id, a.question, a.value
FROM answer a
JOIN interview i ON i.id = a.interview_id
JOIN "case" c ON c.id = i.case_id
WHERE {WHERE} AND i.channel NOT IN ('web', 'counter', 'kiosk')
  AND a.question IN ({", ".join(f"'{q}'" for q in STRAIGHT)}) AND a.value IN ('1', '2', '3', '4', '5')""",
    # the re-check draw's frame: the approved interviews led by an enumerator, in work order, and the flagged
    "recheck_frame": f"""SELECT i.id, i.enumerator_id, COALESCE(i.ended_at, i.started_at)
FROM interview i
JOIN "case" c ON c.id = i.case_id
WHERE {WHERE} AND i.status = 'approved' AND i.enumerator_id IS NOT NULL AND i.channel NOT IN ('web', 'counter', 'kiosk')
ORDER BY i.enumerator_id, COALESCE(i.ended_at, i.started_at), i.id""",
    "flagged": "SELECT DISTINCT interview_id FROM interview_flag",
}


def _day(index):
    """The index-th working day of the fieldwork (Monday to Saturday)."""
    weeks, rest = divmod(index, 6)
    return FIELDWORK_STARTS + datetime.timedelta(days=7 * weeks + rest)


def _text(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def plan(n, definition, seed=2026):
    """The rows of every table, generated once: {table: (columns, rows)}; and the planted anomalies."""
    rng = random.Random(seed)
    planted = {"too_short": 0, "off_hours": 0, "burst_days": 0, "no_attempt": 0, "shared_phone": 0}
    units = [(i, f"BENCH{i:03d}", f"Đơn vị {i:03d}", None, None, True, STAMP, STAMP) for i in range(1, UNITS + 1)]
    procedures = [(1, "P0001", "Thủ tục", "Lĩnh vực", False, STAMP, STAMP)]
    users = [
        (1000 + e, f"dtv{e:03d}", f"Điều tra viên {e:03d}", "enumerator", "x", True, 0, STAMP, STAMP)
        for e in range(ENUMERATORS)
    ]
    cases, contacts, samples, assignments, attempts, reveals, interviews, answers = ([] for _ in range(8))
    for i in range(n):
        cid = i + 1
        unit = rng.randint(1, UNITS)
        returned = f"{MONTH}-{i % 28 + 1:02d} 10:00:00"
        cases.append(
            (cid, f"BENCH-{cid:08d}", unit, 1, "direct", STAMP, returned, False, True, f"{i:032x}", STAMP, STAMP)
        )
        phone = f"{cid:032x}"
        if i % 200 == 199:  # 0.5 %: the phone of the case before
            phone, planted["shared_phone"] = f"{cid - 1:032x}", planted["shared_phone"] + 2
        contacts.append((cid, phone))
        mode = "phone" if rng.random() < 0.85 else "f2f"
        samples.append((cid, 1, cid, unit, mode, f"{unit}|{mode}", cid, f"{cid:016x}", "issued", STAMP, phone))
        enumerator, k = i % ENUMERATORS, i // ENUMERATORS
        day, slot = divmod(k, PER_DAY)
        start = datetime.datetime.combine(_day(day), datetime.time(8)) + datetime.timedelta(
            minutes=50 * slot + rng.randint(0, 10)
        )
        seconds = rng.randint(480, 900)
        if enumerator % 50 == 0 and day == 3:  # a burst: the day's ten in fifty minutes
            start = datetime.datetime.combine(_day(day), datetime.time(9)) + datetime.timedelta(minutes=5 * slot)
            seconds = 240
            planted["burst_days"] += slot == 0
        roll = rng.random()
        if roll < 0.02:
            seconds, planted["too_short"] = rng.randint(40, 170), planted["too_short"] + 1
        elif roll < 0.03:
            start, planted["off_hours"] = start.replace(hour=20, minute=30), planted["off_hours"] + 1
        end = start + datetime.timedelta(seconds=seconds)
        tried = 0
        if mode == "phone":
            roll = rng.random()
            if roll < 0.6:
                tried = rng.randint(1, 2)
                for t in range(tried):
                    attempts.append((cid, 1000 + enumerator, "3.13", _text(start - datetime.timedelta(hours=t + 1))))
            elif roll < 0.995:
                reveals.append((cid, _text(start)))
            else:
                planted["no_attempt"] += 1
        assignments.append((cid, cid, 1000 + enumerator, "closed", "1.1", tried, _text(start), _text(end)))
        values = answer_values(definition, rng)
        interviews.append(
            (
                cid,
                cid,
                cid,
                mode,
                1000 + enumerator,
                "approved",
                json.dumps(values, ensure_ascii=False, sort_keys=True),
                cid,
                _text(start),
                _text(end),
                _text(end),
                seconds,
            )
        )
        answers.extend((cid, name, value) for name, value in values.items())
    tables = {
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
                "created_at",
                "updated_at",
            ),
            users,
        ),
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
            cases,
        ),
        "contact": (("case_id", "phone_hash"), contacts),
        "sample_case": (
            (
                "id",
                "period_id",
                "case_id",
                "unit_id",
                "mode",
                "stratum",
                "rank",
                "draw_key",
                "status",
                "issued_at",
                "phone_hash",
            ),
            samples,
        ),
        "assignment": (
            ("id", "sample_id", "enumerator_id", "status", "outcome", "attempt_count", "created_at", "updated_at"),
            assignments,
        ),
        "call_attempt": (("assignment_id", "enumerator_id", "disposition_code", "at"), attempts),
        "interview": (
            (
                "id",
                "case_id",
                "assignment_id",
                "channel",
                "enumerator_id",
                "status",
                "answers",
                "complete_case_id",
                "started_at",
                "saved_at",
                "ended_at",
                "duration_seconds",
            ),
            interviews,
        ),
        "answer": (("interview_id", "question", "value"), answers),
    }
    return tables, reveals, planted


def _reveal_rows(reveals, first_seq):
    """The phone reveals as the audit trail writes them (their hashes are not a chain: not verified)."""
    for offset, (case_id, at) in enumerate(reveals):
        yield (
            first_seq + offset,
            at,
            "bench",
            "enumerator",
            "web",
            "reveal_phone",
            "contact",
            str(case_id),
            "0" * 64,
            "0" * 64,
        )


REVEAL_COLUMNS = ("seq", "at", "actor", "role", "source", "action", "model", "object_id", "prev_hash", "hash")


def _chunks(rows, size=50_000):
    it = iter(rows)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def fill(backend, url, tables, reveals, level_id, period_id, version_id):
    tables["unit"] = (tables["unit"][0], [(*u[:3], level_id, *u[4:]) for u in tables["unit"][1]])
    tables["sample_case"] = (tables["sample_case"][0], [(s[0], period_id, *s[2:]) for s in tables["sample_case"][1]])
    columns, rows = tables["interview"]
    tables["interview"] = (columns + ("version_id",), [(*r, version_id) for r in rows])
    if backend == "sqlite":
        conn = sqlite3.connect(url.split("sqlite:///", 1)[1], isolation_level=None)
        first_seq = (conn.execute("SELECT MAX(seq) FROM audit_record").fetchone()[0] or 0) + 1
        conn.execute("BEGIN")
        for table, (columns, rows) in [
            *tables.items(),
            ("audit_record", (REVEAL_COLUMNS, _reveal_rows(reveals, first_seq))),
        ]:
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            for chunk in _chunks(rows):
                conn.executemany(sql, chunk)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.close()
        return
    conn = _pg_connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT MAX(seq) FROM audit_record")
        first_seq = (cur.fetchone()[0] or 0) + 1
        for table, (columns, rows) in [
            *tables.items(),
            ("audit_record", (REVEAL_COLUMNS, _reveal_rows(reveals, first_seq))),
        ]:
            for chunk in _chunks(rows):
                buf = io.StringIO()
                csv.writer(buf).writerows(chunk)
                buf.seek(0)
                cur.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN WITH (FORMAT csv)', buf)
        for table in ("unit", "procedure", "user", "case", "sample_case", "assignment", "call_attempt", "interview"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            )
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()


def raw_read(db):
    """RAW's queries on the driver's cursor, every row fetched into Python: (seconds, {query: rows})."""
    started = time.perf_counter()
    counts = {}
    cur = db.connection().cursor()
    for name, sql in RAW.items():
        cur.execute(sql)
        counts[name] = len(cur.fetchall())
    cur.close()
    return time.perf_counter() - started, counts


def step_flags(app, runner):
    """`flags compute` through the command line's code path, the period's flags deleted first (not timed)."""
    from models import db

    with app.app_context():
        db.execute_sql("DELETE FROM interview_flag")
        db.close()
    started = time.perf_counter()
    result = runner.invoke(args=["flags", "compute", "--period", MONTH, "--json"])
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(result.output + repr(result.exception))
    report = json.loads(result.output)
    return seconds, {"flags": sum(report["flags"].values()), **{f"flags_{k}": v for k, v in report["flags"].items()}}


def step_draw(app, runner):
    """`rechecks draw` through the command line's code path (10 % of each enumerator's approved
    interviews, earliest work first, plus every flagged one), the period's draw removed first (not
    timed: raw deletes of the bench's own rows)."""
    from models import db

    with app.app_context():
        db.execute_sql("DELETE FROM recheck_case")
        db.execute_sql("DELETE FROM recheck_draw")
        db.close()
    started = time.perf_counter()
    result = runner.invoke(args=["rechecks", "draw", "--period", MONTH, "--seed", "bench-recheck", "--json"])
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(result.output + repr(result.exception))
    return seconds, {"rechecks": json.loads(result.output)["cases"]}


STEPS = [("flags", step_flags), ("draw", step_draw)]  # (name, step), timed in turn


def bench(backend, n, folder, repeat):
    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    from core import create_app
    from models import Period, Roles, UnitLevel, User, audit, db
    from questionnaires import service as questionnaires

    print(f"[{backend}] building {n:,} interviews …", flush=True)
    started = time.perf_counter()
    url = scratch_url(backend, folder, PG_NAME)
    app = create_app({"DATABASE_URL": url, **KEYS})
    with app.app_context(), audit.acting_as("bench", "system", "cli"):
        version, _created = questionnaires.import_form(FORM)
        questionnaires.publish(version)
        period = Period.for_month(MONTH)
        for k in range(AUDITORS):  # the re-check cases are dealt to the active auditors
            auditor = User(username=f"bench-auditor-{k}", full_name=f"Phúc tra {k}", role=Roles.AUDITOR)
            auditor.set_password(f"bench-auditor-password-{k}")
            auditor.save()
        version_id, definition, period_id = version.id, version.definition_dict(), period.id
        level_id = UnitLevel.get(UnitLevel.code == "xa").id
        db.close()
    tables, reveals, planted = plan(n, definition)
    fill(backend, url, tables, reveals, level_id, period_id, version_id)
    del tables, reveals
    print(f"[{backend}] built in {time.perf_counter() - started:.1f} s (not timed); planted {planted}", flush=True)
    runner = app.test_cli_runner()
    best = {name: None for name, _step in STEPS}
    best_raw, figures = None, {}
    for rep in range(repeat):
        with app.app_context():
            raw_seconds, rows = raw_read(db)
            db.close()
        best_raw = min(best_raw or raw_seconds, raw_seconds)
        line = [f"raw {raw_seconds:.2f} s ({', '.join(f'{k} {v:,}' for k, v in rows.items())})"]
        for name, step in STEPS:
            seconds, figures[name] = step(app, runner)
            best[name] = min(best[name] or seconds, seconds)
            line.append(f"{name} {seconds:.2f} s")
        print(f"[{backend}] run {rep + 1}: " + "; ".join(line), flush=True)
    if rows["interviews"] != n:
        raise RuntimeError(f"the raw read found {rows['interviews']} complete interviews, not {n}")
    print(f"[{backend}] figures: {figures}", flush=True)
    if backend == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    total = sum(best.values())
    steps = " ".join(f"{name}_seconds={seconds:.3f}" for name, seconds in best.items())
    counted = " ".join(f"{k}={v}" for step in figures.values() for k, v in sorted(step.items()))
    return (
        f"BENCH recheck {backend} ratio={total / best_raw:.3f} {steps} raw_seconds={best_raw:.3f} "
        f"interviews={n} enumerators={ENUMERATORS} {counted}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    logging.getLogger("peewee.migrations").setLevel(logging.WARNING)
    folder = tempfile.mkdtemp(prefix="sipas_bench_recheck_")
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

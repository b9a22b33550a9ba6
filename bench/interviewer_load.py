"""Load test of the interviewer app under its production server on PostgreSQL, beside a bare endpoint.

Usage: .venv/bin/python bench/interviewer_load.py [--clients 50] [--seconds 30] [--cases 20000]
       [--per-enumerator 30] [--saves 4] [--workers 2] [--profile N] [--keep]

Builds a scratch PostgreSQL database (BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test; made and dropped here), migrated, and loaded through the
app's own code, not timed: the demo province's units, procedures and N cases (`demo.data`, imported
by `importing.import_file` as `demo load` does), the two shipped questionnaires published and given
to cases (`demo.fieldwork.publish_questionnaires`), one enumerator per client (phone, with a password
and a profile), and last month allocated, drawn and assigned (`sampling.service`,
`sampling.assignment`) so that each has at least 20 open phone assignments (online and postal cases
are excluded by the default rules: every phone case gets the in-person form `sipas_truc_tiep`).

Then it serves the app with gunicorn as `flask serve` does (sync workers, `--workers 2`, one thread
each, `--timeout 120`, an access log), on `bench/interviewer_app.py`: `core.create_app()` plus
`POST /bench/insert`, one row inserted in a transaction (SIPAS_ENV=production). Each client signs in
at /login (CSRF token read from the form) and then, with a new loopback connection per request
(gunicorn's sync workers close each one), runs these phases for the same bounded time each:
  bare   POST /bench/insert, again and again;
  save   POST /interviewer/i/<id>/answers on its own open interview (JSON, X-CSRFToken), three
         answers a time whose values change each time, so every save writes (and is audited);
  flow   the enumerator's round: the list, an assignment, a no-answer attempt (3.13) on the next
         one, start the interview (→ its page), save answers `--saves` times (the questionnaire in
         parts), submit the complete answers (tests/factories.py's COMPLETE_ANSWERS);
  bare   again, so that the bare figure brackets the others (the machine's load drifts).
Prints each step's requests per second (completed within the phase's time) and median and 95th
percentile latency; the bytes of the list, an assignment and an interview page on first load (HTML
plus every stylesheet, script and image they link); then checks the database: each successful
submit is exactly one complete interview (`complete_case` set), no case has two, every submitted
assignment is closed as 1.1. Ends with
`BENCH interviewer_load postgresql ratio=<save rps ÷ bare rps> save_rps=… bare_rps=… errors=… max_page_kb=…`.
`--profile N` then saves N times in-process (Flask's test client on the same database) under
cProfile and prints the SQL of one save and the top functions, with the bare insert beside it.
"""

import argparse
import collections
import datetime
import json
import math
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from loadkit import (  # noqa: E402
    COMPLETE_ANSWERS,
    KEYS,
    PAGE_LIMIT_KB,
    HttpClient,
    Recorder,
    Unexpected,
    Waits,
    free_port,
    parse,
    profile_steps,
    run_clients,
    start_server,
    stats,
    stop_server,
    worker_trouble,
)
from scratch import PG_URL, pg_admin, pg_available, pg_connect, scratch_url  # noqa: E402

PG_NAME = "sipas_bench_interviewer"
PASSWORD = "bench-enumerator-2026"
NO_ANSWER = "3.13"
FORM_ID = "sipas_truc_tiep"
RATED = ["co_so_vat_chat", "thong_tin_tien_ich", "niem_yet", "dung_quy_dinh", "thai_do", "van_ban"]
FLOW_STEPS = ("list", "assignment", "attempt", "start", "interview page", "save", "submit")


# --- the data, through the app's own code (not timed) ----------------------------------------


def last_month(today):
    index = today.year * 12 + today.month - 2
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def build(app, folder, args):
    """Import the demo province, publish the forms, make the enumerators, sample last month; returns
    {username: [open phone assignment ids, in call order]}."""
    from interviewer_app import PING_TABLE_SQL

    from demo import data as demo_data
    from demo.fieldwork import publish_questionnaires
    from importing import import_file
    from models import (
        Assignment,
        AssignmentStatus,
        EnumeratorProfile,
        Period,
        Role,
        Roles,
        SampleCase,
        User,
        audit,
        db,
    )
    from sampling import assignment as assigning
    from sampling import service as sampling

    today = datetime.date.today()
    month = last_month(today)
    with app.app_context(), audit.acting_as("bench", "system", "cli"):
        db.connect(reuse_if_open=True)
        paths = demo_data.write_province(folder, case_count=args.cases, today=today)
        for kind in ("units", "procedures", "cases"):
            report = import_file(kind, paths[kind])
            print(f"  import {kind}: {report.created} created, {report.rejected_total} rejected", flush=True)
        publish_questionnaires()
        role = Role.get_by_id(Roles.ENUMERATOR)
        hashed = User()
        hashed.set_password(PASSWORD)  # one scrypt hash, shared: 50 would take a while
        for i in range(1, args.clients + 1):
            user = User(username=f"bench{i:02d}", full_name=f"Điều tra viên {i:02d}", role=role)
            user.password_hash = hashed.password_hash
            user.save()
            EnumeratorProfile.create(user=user, phone=True, f2f=False)
        period = Period.get_or_none(Period.month == month) or Period.create(month=month)
        period.settings = '{"minimum": 3}'
        period.save()
        total = math.ceil(args.per_enumerator * args.clients * 0.5)  # issued = quota ÷ 50 % (phone)
        sampling.allocate_period(period, total)
        sampling.draw(Period.get_by_id(period.id), f"bench-{month}")
        assigning.assign_period(Period.get_by_id(period.id))
        db.execute_sql(PING_TABLE_SQL)
        pools = collections.defaultdict(list)
        rows = (
            Assignment.select(Assignment.id, User.username)
            .join(SampleCase)
            .switch(Assignment)
            .join(User, on=(Assignment.enumerator == User.id))
            .where((Assignment.status == AssignmentStatus.OPEN) & (SampleCase.mode == "phone"))
            .order_by(Assignment.id)
            .tuples()
        )
        for assignment_id, username in rows:
            pools[username].append(assignment_id)
        print(
            f"  {month}: quota {total}, {sum(map(len, pools.values()))} open phone assignments over "
            f"{len(pools)} enumerators ({min(map(len, pools.values()))}–{max(map(len, pools.values()))} each)",
            flush=True,
        )
        db.close()
    conn = pg_connect(app.config["DATABASE_URL"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()
    short = [u for u in (f"bench{i:02d}" for i in range(1, args.clients + 1)) if len(pools[u]) < 20]
    if short:
        raise SystemExit(f"fewer than 20 open phone assignments for {short}: raise --cases")
    return pools


# --- the clients ------------------------------------------------------------------------------


class Client(HttpClient):
    """One enumerator: signs in, then works through its open phone assignments."""

    def __init__(self, port, username, pool, record):
        super().__init__(port, username, record)
        self.username, self.pool = username, pool
        self.next = 0  # index in pool of the next assignment to interview
        self.submitted, self.started = [], []
        self.save_interview = None

    def check(self, step, body, status, data):
        if step != "save":
            return None
        # no errors, and every answer sent kept as sent (not dropped by a skip rule)
        reply = json.loads(data)
        sent = json.loads(body)["answers"]
        kept = reply.get("saved", {})
        dropped = {k: (v, kept.get(k)) for k, v in sent.items() if k not in kept or str(kept[k]) != str(v)}
        if reply.get("errors") or dropped:
            return f"errors {reply.get('errors')}, not kept as sent (sent, kept): {dropped}"
        return None

    def sign_in(self):
        _s, _m, page = self.request("GET", "/login")
        self.csrf = parse(page).csrf
        body = urllib.parse.urlencode({"csrf_token": self.csrf, "username": self.username, "password": PASSWORD})
        status, _m, _d = self.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise SystemExit(f"{self.username} could not sign in: {status}")
        status, _m, page = self.request("GET", "/interviewer/")
        self.csrf = parse(page).csrf or self.csrf
        if status != 200:
            raise SystemExit(f"{self.username}: /interviewer/ answered {status}")

    def start_interview(self, assignment_id, phase="prep"):
        _s, msg, _d = self.timed(
            phase, "start", "POST", f"/interviewer/a/{assignment_id}/interview", 302, *self.form({})
        )
        path = urllib.parse.urlsplit(msg["Location"]).path
        if not path.startswith("/interviewer/i/"):
            self.record(phase, "start", time.perf_counter(), time.perf_counter(), "redirect " + path)
            raise Unexpected(f"start redirected to {path}")
        interview_id = int(path.rsplit("/", 1)[1])
        self.started.append(interview_id)
        return interview_id

    def submit(self, interview_id, phase):
        _s, msg, _d = self.timed(
            phase, "submit", "POST", f"/interviewer/i/{interview_id}/submit", 302, *self.form(COMPLETE_ANSWERS)
        )
        if urllib.parse.urlsplit(msg["Location"]).path != "/interviewer/":
            raise Unexpected(f"submit redirected to {msg['Location']}")
        self.submitted.append(interview_id)

    def save(self, interview_id, answers, phase):
        body = json.dumps({"answers": answers})
        self.timed(
            phase,
            "save",
            "POST",
            f"/interviewer/i/{interview_id}/answers",
            200,
            body,
            {"Content-Type": "application/json", "X-CSRFToken": self.csrf},
        )

    # phases: each loops until the deadline

    # phases: each loops until the deadline
    def saves(self, phase, deadline):
        i = 0
        while time.perf_counter() < deadline:
            i += 1
            names = [RATED[(i + k) % len(RATED)] for k in range(3)]
            self.save(self.save_interview, {n: str(1 + (i + k) % 5) for k, n in enumerate(names)}, phase)

    def flow(self, phase, deadline, parts):
        names = list(COMPLETE_ANSWERS)
        chunks = [names[k * len(names) // parts : (k + 1) * len(names) // parts] for k in range(parts)]
        while time.perf_counter() < deadline and self.next < len(self.pool):
            a = self.pool[self.next]
            b = self.pool[self.next + 1] if self.next + 1 < len(self.pool) else a
            self.next += 1
            self.timed(phase, "list", "GET", "/interviewer/", 200)
            if time.perf_counter() >= deadline:
                break
            self.timed(phase, "assignment", "GET", f"/interviewer/a/{a}", 200)
            if time.perf_counter() >= deadline:
                break
            self.timed(phase, "attempt", "POST", f"/interviewer/a/{b}/attempt", 302, *self.form({"outcome": NO_ANSWER}))
            if time.perf_counter() >= deadline:
                break
            interview_id = self.start_interview(a, phase)
            self.timed(phase, "interview page", "GET", f"/interviewer/i/{interview_id}", 200)
            for chunk in chunks:
                if time.perf_counter() >= deadline:
                    return
                self.save(interview_id, {n: COMPLETE_ANSWERS[n] for n in chunk}, phase)
            if time.perf_counter() >= deadline:
                return
            self.submit(interview_id, phase)


# --- figures ----------------------------------------------------------------------------------


def page_bytes(client):
    """{page: (html bytes, asset bytes, [assets])} on first load: the list, an assignment, an interview."""
    return {
        name: client.page_bytes(path)
        for name, path in (
            ("/interviewer/", "/interviewer/"),
            ("/interviewer/a/<id>", f"/interviewer/a/{client.pool[0]}"),
            ("/interviewer/i/<id>", f"/interviewer/i/{client.save_interview}"),
        )
    }


def check_database(url, clients, recorder):
    """The database against what the clients were told: returns (problems, figures)."""
    submitted = {i for c in clients for i in c.submitted}
    names = tuple(c.username for c in clients)
    conn = pg_connect(url)
    with conn.cursor() as cur:
        cur.execute(
            'SELECT i.id FROM interview i JOIN "user" u ON u.id = i.enumerator_id '
            "WHERE u.username IN %s AND i.complete_case_id IS NOT NULL",
            (names,),
        )
        complete = {r[0] for r in cur.fetchall()}
        cur.execute(
            "SELECT case_id, count(*) FROM interview WHERE status IN ('submitted', 'approved') "
            "GROUP BY case_id HAVING count(*) > 1"
        )
        doubled_cases = cur.fetchall()
        cur.execute(
            'SELECT count(*) FROM assignment a JOIN "user" u ON u.id = a.enumerator_id '
            "WHERE u.username IN %s AND a.status = 'closed' AND a.outcome = '1.1'",
            (names,),
        )
        closed_complete = cur.fetchone()[0]
        cur.execute(
            'SELECT count(*) FROM interview i JOIN "user" u ON u.id = i.enumerator_id '
            "WHERE u.username IN %s AND i.status = 'in_progress'",
            (names,),
        )
        in_progress = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM bench_ping")
        pings = cur.fetchone()[0]
    conn.close()
    bare_ok = sum(1 for r in recorder.rows if r[1] == "bare insert" and not r[4])
    problems = []
    if complete - submitted:
        problems.append(f"{len(complete - submitted)} complete interviews no client submitted (doubled)")
    if submitted - complete:
        problems.append(f"{len(submitted - complete)} submitted interviews not complete in the database (lost)")
    if doubled_cases:
        problems.append(f"{len(doubled_cases)} cases with two completes")
    if closed_complete != len(submitted):
        problems.append(f"{closed_complete} assignments closed as 1.1 for {len(submitted)} submits")
    if pings != bare_ok:
        problems.append(f"{pings} bench_ping rows for {bare_ok} bare inserts answered")
    started = {i for c in clients for i in c.started}
    return problems, {
        "submitted": len(submitted),
        "complete": len(complete),
        "closed_1_1": closed_complete,
        "started": len(started),
        "in_progress": in_progress,
        "bare_rows": pings,
    }


# --- profile of one save, in-process ----------------------------------------------------------


def profile(url, folder, username, assignment_id, count):
    from interviewer_app import add_bare_route

    from core import create_app

    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    app = add_bare_route(create_app({"DATABASE_URL": url, **KEYS}))
    client = app.test_client()
    page = client.get("/login").data
    csrf = parse(page).csrf
    assert (
        client.post("/login", data={"csrf_token": csrf, "username": username, "password": PASSWORD}).status_code == 302
    )
    csrf = parse(client.get("/interviewer/").data).csrf
    location = client.post(f"/interviewer/a/{assignment_id}/interview", data={"csrf_token": csrf}).headers["Location"]
    interview_id = int(urllib.parse.urlsplit(location).path.rsplit("/", 1)[1])
    headers = {"X-CSRFToken": csrf}
    consent = {"answers": {"dong_y": "co", "dung_ho_so": "co"}}
    assert client.post(f"/interviewer/i/{interview_id}/answers", json=consent, headers=headers).status_code == 200

    def save(i):
        names = [RATED[(i + k) % len(RATED)] for k in range(3)]
        answers = {n: str(1 + (i + k) % 5) for k, n in enumerate(names)}
        r = client.post(f"/interviewer/i/{interview_id}/answers", json={"answers": answers}, headers=headers)
        assert r.status_code == 200 and all(str(r.json["saved"].get(k)) == v for k, v in answers.items()), r.data

    def bare(_i):
        assert client.post("/bench/insert", headers=headers).status_code == 200

    profile_steps(folder, (("save", save), ("bare insert", bare)), count)


# --- main -------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="simulated enumerators (default 50)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase (default 30)")
    parser.add_argument("--cases", type=int, default=20_000, help="demo cases imported (default 20000)")
    parser.add_argument("--per-enumerator", type=int, default=30, help="issued phone cases per enumerator (default 30)")
    parser.add_argument("--saves", type=int, default=4, help="answer saves per interview in the flow (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as `flask serve`)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile N saves in-process after")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    available = pg_available()
    if available is not True:
        print(f"PostgreSQL unreachable at {PG_URL}: {available}")
        print("BENCH interviewer_load postgresql skipped=unreachable")
        return 1
    folder = tempfile.mkdtemp(prefix="sipas-bench-interviewer-")
    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    server = None
    try:
        print(f"[postgresql] building: {args.cases:,} demo cases, {args.clients} enumerators …", flush=True)
        started = time.perf_counter()
        url = scratch_url("postgresql", folder, PG_NAME)
        from core import create_app

        app = create_app({"DATABASE_URL": url, **KEYS})
        pools = build(app, folder, args)
        print(f"[postgresql] built in {time.perf_counter() - started:.1f} s (not timed)", flush=True)

        port = free_port()
        server, log_path = start_server(url, folder, port, args.workers)
        print(
            f"[postgresql] gunicorn on 127.0.0.1:{port}: {args.workers} sync workers, 1 thread each, "
            f"timeout 120, access log (as `flask serve`), SIPAS_ENV=production",
            flush=True,
        )
        recorder = Recorder()
        clients = [Client(port, u, pools[u], recorder) for u in sorted(pools)[: args.clients]]
        started = time.perf_counter()
        threads = [threading.Thread(target=c.sign_in) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for c in clients:  # the interview each saves on in the save phase (its first assignment), consent given
            c.save_interview = c.start_interview(c.pool[0])
            c.save(c.save_interview, {"dong_y": "co", "dung_ho_so": "co"}, "prep")
            c.next = 1
        recorder.rows.clear()
        print(f"[postgresql] {len(clients)} clients signed in ({time.perf_counter() - started:.1f} s)", flush=True)
        pages = page_bytes(clients[0])

        def submit_saved(client, phase, deadline):
            client.submit(client.save_interview, phase)

        phases = [
            ("bare", Client.bare),
            ("save", Client.saves),
            ("flow", lambda c, p, d: c.flow(p, d, args.saves)),
            ("bare2", Client.bare),
        ]
        waits = Waits(url)
        waits.thread.start()
        windows = run_clients(clients, phases, args.seconds, recorder, waits)
        waits.stopping.set()
        # the save phase's interviews submitted too (not timed): every interview ends accounted for
        run_clients(clients, [("close", submit_saved)], 0, recorder)
        stop_server(server)
        server = None

        print(
            f"\n[postgresql] {len(clients)} clients, {args.seconds:.0f} s a phase; "
            "rps = requests done in the phase's time"
        )
        print(f"  {'phase':<6} {'step':<15} {'requests':>8} {'rps':>8} {'median ms':>10} {'p95 ms':>8} {'errors':>6}")
        by = collections.defaultdict(list)
        for row in recorder.rows:
            by[(row[0], row[1])].append(row)
        figures = {}
        for phase, _a in phases:
            start, deadline, cpu, _load = windows[phase]
            steps = ("bare insert",) if phase.startswith("bare") else ("save",) if phase == "save" else FLOW_STEPS
            for step in steps:
                figures[(phase, step)] = stats(by[(phase, step)], start, deadline)
            rows = [r for r in recorder.rows if r[0] == phase]
            figures[(phase, "all")] = stats(rows, start, deadline)
            for step in (*steps, "all") if phase == "flow" else steps:
                n, rps, med, p95, err = figures[(phase, step)]
                print(f"  {phase:<6} {step:<15} {n:>8} {rps:>8.1f} {med:>10.1f} {p95:>8.1f} {err:>6}")
            print(
                f"  {phase:<6} (the clients' own CPU: {cpu / args.seconds:.0%} of a core; "
                f"load average {_load:.1f} at the start)"
            )
        print("  the database's sessions (pg_stat_activity every 0.1 s; at most one per gunicorn worker):")
        for line in waits.lines():
            print(line)
        errors = sum(1 for r in recorder.rows if r[4])
        server_errors = sum(1 for r in recorder.rows if r[4] and r[4][:1] == "5")
        for message in recorder.messages[:10]:
            print("  error:", message)

        bare_n = figures[("bare", "bare insert")][0] + figures[("bare2", "bare insert")][0]
        bare_rps = bare_n / (2 * args.seconds)
        save_rps = figures[("save", "save")][1]
        flow_saves = figures[("flow", "save")][1]
        print(
            f"\n  bare insert {bare_rps:.1f} rps (before {figures[('bare', 'bare insert')][1]:.1f}, "
            f"after {figures[('bare2', 'bare insert')][1]:.1f}); answer save alone {save_rps:.1f} rps; "
            f"in the flow {figures[('flow', 'all')][1]:.1f} rps in all, of which saves {flow_saves:.1f}; "
            f"{len({i for c in clients for i in c.submitted})} interviews submitted"
        )

        print("\n  page bytes on first load (HTML + linked assets):")
        max_kb = 0
        for name, (html_bytes, asset_bytes, assets) in pages.items():
            kb = (html_bytes + asset_bytes) / 1024
            max_kb = max(max_kb, kb)
            listed = ", ".join(f"{href} {n:,} B" + ("" if s == 200 else f" ({s})") for href, n, s in assets)
            print(f"  {name:<22} {kb:6.1f} KB = HTML {html_bytes:,} B + {asset_bytes:,} B ({listed or 'no assets'})")

        problems, db_figures = check_database(url, clients, recorder)
        print(
            "\n  database: "
            + ", ".join(f"{k} {v}" for k, v in db_figures.items())
            + ("; " + "; ".join(problems) if problems else "; every submit is one complete, no case has two")
        )
        trouble = worker_trouble(log_path)
        if trouble:
            print("  gunicorn:", *trouble[:5], sep="\n    ")

        ratio = save_rps / bare_rps if bare_rps else 0.0
        met = ratio >= 0.5 and errors == 0 and not problems and max_kb <= PAGE_LIMIT_KB
        print(
            f"  targets: ratio {ratio:.3f} (≥ 0.5), errors {errors} (0), "
            f"database {'ok' if not problems else 'NOT ok'}, "
            f"largest page {max_kb:.1f} KB (≤ {PAGE_LIMIT_KB}): {'met' if met else 'NOT met'}"
        )
        if args.profile:
            user = clients[-1]
            profile(
                url,
                folder,
                user.username,
                user.pool[user.next] if user.next < len(user.pool) else user.pool[-1],
                args.profile,
            )
        print(
            f"BENCH interviewer_load postgresql ratio={ratio:.3f} save_rps={save_rps:.1f} bare_rps={bare_rps:.1f} "
            f"errors={errors} server_errors={server_errors} max_page_kb={max_kb:.1f} "
            f"flow_rps={figures[('flow', 'all')][1]:.1f} flow_save_rps={flow_saves:.1f} "
            f"submitted={db_figures['submitted']} complete={db_figures['complete']} lost_or_doubled={len(problems)} "
            f"clients={len(clients)} seconds={args.seconds:g} workers={args.workers}"
        )
        return 0
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep:
            pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

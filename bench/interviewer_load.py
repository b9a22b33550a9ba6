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
import cProfile
import datetime
import html.parser
import http.client
import http.cookies
import io
import json
import logging
import math
import os
import pstats
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from scratch import PG_URL, pg_admin, pg_available, pg_connect, scratch_url  # noqa: E402

PG_NAME = "sipas_bench_interviewer"
KEYS = {"SECRET_KEY": "bench-secret-key-" + "s" * 40, "PII_KEY": "bench-pii-key-" + "p" * 40}
PASSWORD = "bench-enumerator-2026"
NO_ANSWER = "3.13"
FORM_ID = "sipas_truc_tiep"
PAGE_LIMIT_KB = 100
# A complete set of answers for the shipped in-person form (tests/factories.py's COMPLETE_ANSWERS)
COMPLETE_ANSWERS = {
    "dong_y": "co",
    "dung_ho_so": "co",
    "co_so_vat_chat": "4",
    "thong_tin_tien_ich": "5",
    "niem_yet": "4",
    "dung_quy_dinh": "3",
    "cong_chuc_tiep_nhan": "5",
    "cong_chuc_giai_quyet": "4",
    "thai_do": "5",
    "nang_luc": "khong_y_kien",
    "phien_ha": "khong",
    "dung_hen": "som_dung_hen",
    "ket_qua_chinh_xac": "5",
    "so_lan_di_lai": "1",
    "da_gop_y": "khong",
    "kenh_gop_y": "3",
    "van_ban": "4",
    "hai_long_chung": "4",
}
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


# --- the server -------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url, folder, port, workers):
    env = dict(os.environ, DATABASE_URL=url, SIPAS_ENV="production", SIPAS_INSTANCE=os.path.join(folder, "instance"))
    env.update(KEYS)
    env.pop("REDIS_URL", None)
    log = open(os.path.join(folder, "gunicorn.log"), "wb")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--access-logfile",
        os.path.join(folder, "access.log"),
        "--chdir",
        os.path.join(ROOT, "bench"),
        "interviewer_app:build()",
    ]
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped:\n" + open(log.name, encoding="utf-8", errors="replace").read())
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                conn.close()
                return server, log.name
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- the clients ------------------------------------------------------------------------------


class Links(html.parser.HTMLParser):
    """Stylesheets, scripts, icons and images a page loads, and its first csrf_token."""

    def __init__(self):
        super().__init__()
        self.assets, self.csrf = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (
            tag == "link"
            and a.get("href")
            and ({"stylesheet", "icon", "preload", "modulepreload"} & set((a.get("rel") or "").split()))
        ):
            self.assets.append(a["href"])
        elif tag in ("script", "img") and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "input" and a.get("name") == "csrf_token" and self.csrf is None:
            self.csrf = a.get("value")


def parse(body):
    links = Links()
    links.feed(body.decode("utf-8", "replace"))
    return links


class Unexpected(Exception):
    pass


class Client:
    """One enumerator: a cookie jar and a new connection per request (as a sync worker wants)."""

    def __init__(self, port, username, pool, record):
        self.port, self.username, self.pool, self.record = port, username, pool, record
        self.cookies = {}
        self.csrf = None
        self.next = 0  # index in pool of the next assignment to interview
        self.submitted, self.started = [], []
        self.save_interview = None

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        h = {"User-Agent": "sipas-bench/1", "Accept": "*/*"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        h.update(headers or {})
        try:
            conn.request(method, path, body, h)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        for value in resp.msg.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[key] = morsel.value
                else:
                    self.cookies.pop(key, None)
        return resp.status, resp.msg, data

    def timed(self, phase, step, method, path, expect, body=None, headers=None):
        """A request whose time and status are recorded; returns (status, headers, body) or raises Unexpected."""
        started = time.perf_counter()
        try:
            status, msg, data = self.request(method, path, body, headers)
        except OSError as exc:
            self.record(phase, step, started, time.perf_counter(), f"{type(exc).__name__}")
            raise Unexpected(f"{step}: {exc!r}") from exc
        ended = time.perf_counter()
        ok = status == expect
        if ok and step == "save":  # no errors, and every answer sent kept as sent (not dropped by a skip rule)
            reply = json.loads(data)
            sent = json.loads(body)["answers"]
            kept = reply.get("saved", {})
            dropped = {k: (v, kept.get(k)) for k, v in sent.items() if k not in kept or str(kept[k]) != str(v)}
            ok = not reply.get("errors") and not dropped
            data = data if ok else f"errors {reply.get('errors')}, not kept as sent (sent, kept): {dropped}".encode()
        self.record(phase, step, started, ended, None if ok else f"{status}")
        if not ok:
            raise Unexpected(f"{step} {method} {path}: {status} {data[:300]!r}")
        return status, msg, data

    def form(self, fields):
        return urllib.parse.urlencode({**fields, "csrf_token": self.csrf}), {
            "Content-Type": "application/x-www-form-urlencoded"
        }

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
    def bare(self, phase, deadline):
        headers = {"X-CSRFToken": self.csrf, "Content-Length": "0"}
        while time.perf_counter() < deadline:
            self.timed(phase, "bare insert", "POST", "/bench/insert", 200, b"", headers)

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


class Recorder:
    def __init__(self):
        self.rows = []  # (phase, step, started, ended, error or None)
        self.lock = threading.Lock()
        self.messages = []

    def __call__(self, phase, step, started, ended, error):
        with self.lock:
            self.rows.append((phase, step, started, ended, error))


class Waits:
    """What the app's database sessions are doing, sampled every 0.1 s from pg_stat_activity: per phase,
    the mean number of active sessions, and of those waiting, by wait event (e.g. Lock/advisory, the
    audit chain's lock)."""

    def __init__(self, url):
        self.url, self.phase, self.samples = url, None, collections.defaultdict(collections.Counter)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        conn = pg_connect(self.url)
        conn.autocommit = True
        with conn.cursor() as cur:
            while not self.stopping.wait(0.1):
                phase = self.phase
                if phase is None:
                    continue
                cur.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                )
                counts = self.samples[phase]
                counts["samples"] += 1
                for state, kind, event in cur.fetchall():
                    if state == "idle in transaction":  # between statements, the app's Python at work
                        counts["in transaction"] += 1
                    if state == "active":
                        counts["active"] += 1
                        if kind and kind != "Client":
                            counts[f"{kind}/{event}"] += 1
        conn.close()

    def lines(self):
        for phase, counts in self.samples.items():
            n = counts["samples"] or 1
            waits = sorted(((k, v) for k, v in counts.items() if "/" in k), key=lambda kv: -kv[1])[:4]
            described = ", ".join(f"{k} {v / n:.2f}" for k, v in waits) or "none"
            yield (
                f"  {phase:<6} sessions running a statement {counts['active'] / n:.2f} on average, idle inside a "
                f"transaction {counts['in transaction'] / n:.2f}; waiting (of those running): {described}"
            )


def run_clients(clients, phases, seconds, args, recorder, waits=None):
    """Run the phases, all clients together, each for `seconds`; returns {phase: (start, deadline, cpu, load)}."""
    ready = threading.Barrier(len(clients) + 1)
    go = threading.Barrier(len(clients) + 1)
    windows = {}
    current = {}

    def work(client):
        for phase, action in phases:
            ready.wait()
            go.wait()
            try:
                action(client, phase, current["deadline"])
            except Unexpected as exc:
                with recorder.lock:
                    recorder.messages.append(f"{client.username} {phase}: {exc}")
            except Exception as exc:  # noqa: BLE001 — reported, never hidden
                with recorder.lock:
                    recorder.messages.append(f"{client.username} {phase}: {exc!r}")

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    for phase, _action in phases:
        ready.wait()
        load = os.getloadavg()[0]
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        current["deadline"] = start + seconds
        if waits:
            waits.phase = phase
        go.wait()
        time.sleep(seconds)
        if waits:
            waits.phase = None
        used = resource.getrusage(resource.RUSAGE_SELF)
        cpu = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
        windows[phase] = (start, current["deadline"], cpu, load)
        print(f"  phase {phase}: done (load average {load:.1f} at its start)", flush=True)
    for t in threads:
        t.join()
    return windows


# --- figures ----------------------------------------------------------------------------------


def stats(rows, start, deadline):
    """(count completed in time, rps, median ms, p95 ms, errors) of one step's rows."""
    done = [r for r in rows if r[3] <= deadline]
    latencies = sorted((r[3] - r[2]) * 1000 for r in rows)
    errors = sum(1 for r in rows if r[4])
    if not latencies:
        return 0, 0.0, float("nan"), float("nan"), errors
    p95 = statistics.quantiles(latencies, n=20, method="inclusive")[18] if len(latencies) > 1 else latencies[0]
    return len(done), len(done) / (deadline - start), statistics.median(latencies), p95, errors


def page_bytes(client):
    """{page: (html bytes, asset bytes, [assets])} on first load: the list, an assignment, an interview."""
    out = {}
    a = client.pool[0]
    interview_id = client.save_interview
    for name, path in (
        ("/interviewer/", "/interviewer/"),
        ("/interviewer/a/<id>", f"/interviewer/a/{a}"),
        ("/interviewer/i/<id>", f"/interviewer/i/{interview_id}"),
    ):
        status, _m, body = client.request("GET", path)
        assert status == 200, (path, status)
        assets, total = [], 0
        for href in dict.fromkeys(parse(body).assets):
            target = urllib.parse.urljoin(path, href)
            s, _m, data = client.request("GET", target)
            assets.append((href, len(data), s))
            total += len(data)
        out[name] = (len(body), total, assets)
    return out


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


class _Queries(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        if isinstance(record.msg, tuple):
            self.sql.append(record.msg[0])


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

    logger = logging.getLogger("peewee")
    for label, func in (("save", save), ("bare insert", bare)):
        for i in range(5):  # warm
            func(i)
        handler = _Queries()
        logger.addHandler(handler)
        level, propagate = logger.level, logger.propagate
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        func(count + 1)
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
        print(f"\n[profile] SQL of one {label} request ({len(handler.sql)} statements):")
        for sql in handler.sql:
            print("   ", sql[:160])
        started = time.perf_counter()
        for i in range(count):
            func(i)
        wall = (time.perf_counter() - started) / count
        print(f"[profile] {label}: {wall * 1000:.2f} ms a request in-process, one at a time ({count} requests)")
        profiler = cProfile.Profile()
        profiler.runcall(lambda f=func: [f(i) for i in range(count)])
        path = os.path.join(folder, f"{label.replace(' ', '_')}.prof")
        profiler.dump_stats(path)
        out = io.StringIO()
        pstats.Stats(path, stream=out).sort_stats("cumulative").print_stats(25)
        pstats.Stats(path, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue())


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
        windows = run_clients(clients, phases, args.seconds, args, recorder, waits)
        waits.stopping.set()
        # the save phase's interviews submitted too (not timed): every interview ends accounted for
        run_clients(clients, [("close", submit_saved)], 0, args, recorder)
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
        with open(log_path, encoding="utf-8", errors="replace") as f:
            worker_trouble = [line.strip() for line in f if "WORKER TIMEOUT" in line or "Traceback" in line]
        if worker_trouble:
            print("  gunicorn:", *worker_trouble[:5], sep="\n    ")

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

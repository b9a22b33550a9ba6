"""What the load benches share (bench/interviewer_load.py, bench/public_survey_load.py): the app
served by gunicorn as `flask serve` runs it, HTTP clients on loopback with a cookie jar, phases run
by every client together for a bounded time, the figures of each step, the database's sessions."""

import collections
import html.parser
import http.client
import http.cookies
import logging
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

from scratch import pg_connect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A complete set of answers for the shipped in-person form, for both load benches (the tests have
# theirs in tests/factories.py: a bench does not import the tests)
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
KEYS = {"SECRET_KEY": "bench-secret-key-" + "s" * 40, "PII_KEY": "bench-pii-key-" + "p" * 40}
PAGE_LIMIT_KB = 100
TOKEN_PATH_RE = re.compile(r"/s/[^/?#]+")  # a survey token: never printed


# --- the server -------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url, folder, port, workers, env=None, probe="/login"):
    """gunicorn on `bench/interviewer_app.py` as `flask serve` runs `run:app` (sync workers, one thread
    each, timeout 120, the access log through core.logs.RedactingLogger); `env` added to the
    environment (REDIS_URL is dropped unless given there). Returns (process, log path)."""
    environ = dict(
        os.environ,
        DATABASE_URL=url,
        SIPAS_ENV="production",
        SIPAS_INSTANCE=os.path.join(folder, "instance"),
        PYTHONPATH=os.pathsep.join((ROOT, os.path.join(ROOT, "bench"))),  # the app's packages before bench/
    )
    environ.update(KEYS)
    environ.pop("REDIS_URL", None)
    environ.update(env or {})
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
        "--logger-class",
        "core.logs.RedactingLogger",
        "--chdir",
        ROOT,
        "interviewer_app:build()",
    ]
    server = subprocess.Popen(command, env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped:\n" + open(log.name, encoding="utf-8", errors="replace").read())
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", probe)
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


def worker_trouble(log_path):
    """gunicorn's log lines that tell of a worker timed out or a traceback."""
    with open(log_path, encoding="utf-8", errors="replace") as f:
        return [line.strip() for line in f if "WORKER TIMEOUT" in line or "Traceback" in line]


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


def shown(path):
    """A path as the bench prints it: without its query, a survey token redacted."""
    return TOKEN_PATH_RE.sub("/s/…", path.split("?")[0])


class HttpClient:
    """One simulated user: a cookie jar and a new connection per request (gunicorn's sync workers
    close each one), from `source` (a loopback address: the server sees it as the client's)."""

    def __init__(self, port, name, record, source="127.0.0.1"):
        self.port, self.name, self.record, self.source = port, name, record, source
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120, source_address=(self.source, 0))
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

    def check(self, step, body, status, data):
        """None if a response with the expected status is right, else why not (subclasses look closer)."""
        return None

    def timed(self, phase, step, method, path, expect, body=None, headers=None):
        """A request whose time and status (`expect`: one or a tuple) are recorded; returns (status,
        headers, body) or raises Unexpected."""
        started = time.perf_counter()
        try:
            status, msg, data = self.request(method, path, body, headers)
        except OSError as exc:
            self.record(phase, step, started, time.perf_counter(), f"{type(exc).__name__}")
            raise Unexpected(f"{step} {method} {shown(path)}: {exc!r}") from exc
        ended = time.perf_counter()
        wrong = None if status in (expect if isinstance(expect, tuple) else (expect,)) else f"{status} {data[:300]!r}"
        wrong = wrong or self.check(step, body, status, data)
        self.record(phase, step, started, ended, None if wrong is None else f"{status}")
        if wrong is not None:
            raise Unexpected(f"{step} {method} {shown(path)}: {wrong}")
        return status, msg, data

    def form(self, fields):
        return urllib.parse.urlencode({**fields, "csrf_token": self.csrf}, doseq=True), {
            "Content-Type": "application/x-www-form-urlencoded"
        }

    def bare(self, phase, deadline):
        """The bare endpoint, again and again until the deadline."""
        headers = {"X-CSRFToken": self.csrf, "Content-Length": "0"}
        while time.perf_counter() < deadline:
            self.timed(phase, "bare insert", "POST", "/bench/insert", 200, b"", headers)

    def page_bytes(self, path):
        """(html bytes, asset bytes, [(href, bytes, status)]) of a page on first load."""
        status, _m, body = self.request("GET", path)
        assert status == 200, (path, status)
        assets, total = [], 0
        for href in dict.fromkeys(parse(body).assets):
            s, _m, data = self.request("GET", urllib.parse.urljoin(path, href))
            assets.append((href, len(data), s))
            total += len(data)
        return len(body), total, assets


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


def run_clients(clients, phases, seconds, recorder, waits=None):
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
                    recorder.messages.append(f"{client.name} {phase}: {exc}")
            except Exception as exc:  # noqa: BLE001 — reported, never hidden
                with recorder.lock:
                    recorder.messages.append(f"{client.name} {phase}: {exc!r}")

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


def in_parallel(function, items):
    """function(item) for every item, each in a thread; waits for all."""
    threads = [threading.Thread(target=function, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


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


class Queries(logging.Handler):
    """The SQL peewee logs while attached (`with Queries() as q: …; q.sql`)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        if isinstance(record.msg, tuple):
            self.sql.append(record.msg[0])

    def __enter__(self):
        logger = logging.getLogger("peewee")
        self._saved = logger.level, logger.propagate
        logger.addHandler(self)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        return self

    def __exit__(self, *exc):
        logger = logging.getLogger("peewee")
        logger.removeHandler(self)
        logger.setLevel(self._saved[0])
        logger.propagate = self._saved[1]


def profile_steps(folder, steps, count):
    """Each (label, function(i)) of `steps` in-process, one call at a time: warmed 5 times, the SQL of
    one call (peewee's log), the mean time of `count` calls, then `count` under cProfile (top
    functions by cumulative and own time)."""
    import cProfile
    import io
    import pstats

    for label, func in steps:
        for i in range(5):  # warm
            func(i)
        with Queries() as handler:
            func(count + 1)
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

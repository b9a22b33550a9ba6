"""Load test of the respondent's pages (one-time survey links) under the production server on
PostgreSQL, beside a bare endpoint of the same app.

Usage: .venv/bin/python bench/public_survey_load.py [--respondents 200] [--seconds 30] [--cases 20000]
       [--links 3] [--workers 2] [--profile N] [--keep]

Builds a scratch PostgreSQL database (BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test; made and dropped here), migrated and loaded through the
app's own code, not timed: the demo province's units, procedures and N cases (`demo.data`, imported by
`importing.import_file`), the two shipped questionnaires published and given to cases by `FormRule`,
mode "self" included (`demo.fieldwork.publish_questionnaires`: in-person dossiers get
`sipas_truc_tiep`), and one e-mail link per in-person case used (`SurveyLink`, `links.service.mark_sent`,
a token from `links.tokens.mint`; tokens stay in memory, never printed): per respondent one for the
save phase and `--links` for the flow.

Then it serves the app with gunicorn as `flask serve` does (sync workers, `--workers 2`, one thread
each, `--timeout 120`, the access log through `core.logs.RedactingLogger`, a private redis-server for
REDIS_URL, so the rate limits count in Redis), on `bench/interviewer_app.py`: `core.create_app()` plus
`POST /bench/insert`, one row inserted in a transaction (SIPAS_ENV=production). Each respondent is a
thread with its own loopback address (127.0.0.2, 127.0.0.3, …: gunicorn sees it as the client's
address, which the rate limits key on, as 200 citizens' phones would be) and a new connection per
request. Phases of the same bounded time, all respondents together:
  bare    POST /bench/insert (X-CSRFToken of the respondent's session), again and again;
  answers POST /survey of pages 3 and 4 (the rating pages) in turn on the respondent's own link,
          consent given beforehand, values changing every time so every post writes (and is
          audited), each answered 302 to the next page (as a browser posts a page);
  flow    the respondent's whole survey, link after link: GET /s/<token> (302 → /survey), GET
          /survey, then page by page POST /survey (CSRF token and the page's answers,
          tests/factories.py's COMPLETE_ANSWERS) → 302 → GET /survey?p=…, and the last page's
          submission (→ the thank-you page); respondents start the phase spread over the 8 pages
          (respondent i at page i mod 8), as people arrive at different times;
  bare    again, so that the bare figure brackets the others (the machine's load drifts).
Prints each step's requests per second (completed within the phase's time), median and 95th
percentile latency; the bytes of every respondent page on first load (HTML plus its stylesheets and
scripts); checks the database: one approved interview per submitted link (`complete_case` set, the
link answered), no link answered that no respondent saw submitted, the answers phase's last values
kept. Ends with
`BENCH public_survey postgresql ratio=<answers rps ÷ bare rps> answers_rps=… bare_rps=… errors=… max_page_kb=…`.
`--profile N` then posts N pages in-process (Flask's test client on the same database and Redis,
each from its own address) under cProfile, with the bare insert beside it.
"""

import argparse
import datetime
import ipaddress
import json
import os
import re
import shutil
import sys
import tempfile
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
    in_parallel,
    parse,
    profile_steps,
    run_clients,
    start_server,
    stats,
    stop_server,
    worker_trouble,
)
from scratch import PG_URL, pg_admin, pg_available, pg_connect, scratch_url  # noqa: E402

PG_NAME = "sipas_bench_public"
FORM_ID = "sipas_truc_tiep"
SAVE_PAGES = {2: ("co_so_vat_chat", "thong_tin_tien_ich"), 3: ("niem_yet", "dung_quy_dinh")}  # 0-based
PAGES = 8  # of sipas_truc_tiep, as links.pages cuts it
FLOW_STEPS = ("open link", "first page", "answers", "page", "submit")
PAGE_RE = re.compile(rb'name="page" value="(\d+)"')
QUESTION_RE = re.compile(rb'data-name="([a-z0-9_]+)" data-kind="(?!note)')
FIRST_ADDRESS = ipaddress.IPv4Address("127.0.0.2")


# --- the data, through the app's own code (not timed) ----------------------------------------


def build(app, folder, args, needed):
    """Import the demo province, publish the forms, make `needed` sent links; returns [(link id, token)]."""
    from interviewer_app import PING_TABLE_SQL

    from demo import data as demo_data
    from demo.fieldwork import publish_questionnaires
    from importing import import_file
    from links import service, tokens
    from models import (
        Case,
        Channels,
        FormRule,
        LinkChannels,
        MessagePurpose,
        Modes,
        Period,
        SurveyLink,
        audit,
        db,
        now,
    )

    with app.app_context(), audit.acting_as("bench", "system", "cli"):
        db.connect(reuse_if_open=True)
        paths = demo_data.write_province(folder, case_count=args.cases, today=datetime.date.today())
        for kind in ("units", "procedures", "cases"):
            report = import_file(kind, paths[kind])
            print(f"  import {kind}: {report.created} created, {report.rejected_total} rejected", flush=True)
        publish_questionnaires()
        form = FormRule.form_for(Channels.DIRECT, Modes.SELF)
        assert form is not None and form.form_id == FORM_ID, form
        cases = list(
            Case.select()
            .where((Case.channel == Channels.DIRECT) & Case.returned_at.is_null(False))
            .order_by(Case.returned_at.desc(), Case.id)
            .limit(needed)
        )
        if len(cases) < needed:
            raise SystemExit(f"{len(cases)} returned in-person cases for {needed} links: raise --cases")
        periods, out = {}, []
        with db.atomic():
            for case in cases:
                month = case.month
                if month not in periods:
                    periods[month] = Period.get_or_none(Period.month == month) or Period.create(month=month)
                link = SurveyLink.create(case=case, period=periods[month], channel=LinkChannels.EMAIL, created_at=now())
                service.mark_sent(link)
                out.append((link.id, tokens.mint(link, MessagePurpose.INVITE)))
        db.execute_sql(PING_TABLE_SQL)
        print(f"  {len(out)} e-mail links sent (over {len(periods)} months), a token each", flush=True)
        db.close()
    conn = pg_connect(app.config["DATABASE_URL"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()
    return out


# --- the respondents --------------------------------------------------------------------------


class Respondent(HttpClient):
    """One citizen on a phone: its own address, its links, one survey page at a time."""

    def __init__(self, port, number, save_link, pool, record):
        super().__init__(port, f"respondent {number}", record, source=str(FIRST_ADDRESS + number))
        self.number, self.save_link, self.pool = number, save_link, list(pool)
        self.link, self.body = None, None  # the link being answered and its page on screen
        self.submitted, self.opened = [], []  # link ids
        self.last_saved = {}  # the answers phase's last values, as sent
        self.ran_out = False

    def check(self, step, body, status, data):
        if step == "submit" and status == 200 and b'data-testid="done"' not in data:
            return "not the thank-you page"
        if step in ("first page", "page") and PAGE_RE.search(data) is None:
            return "not a survey page"
        return None

    def open(self, link, phase):
        """Open a link (GET /s/<token> → /survey); the first page is on screen."""
        self.link = link
        _s, msg, _d = self.timed(phase, "open link", "GET", f"/s/{link[1]}", 302)
        if urllib.parse.urlsplit(msg["Location"]).path != "/survey":
            raise Unexpected(f"the link led to {urllib.parse.urlsplit(msg['Location']).path}")
        self.opened.append(link[0])
        _s, _m, self.body = self.timed(phase, "first page", "GET", "/survey", 200)
        self.csrf = parse(self.body).csrf or self.csrf

    def next_page(self, phase, values):
        """The page on screen answered with `values` (its questions found in them) and sent with its
        button (before consent the first page's is "send": the server goes on to the next page); the
        next page on screen, or None when the last page was submitted."""
        body = self.body
        index = int(PAGE_RE.search(body).group(1))
        names = [n.decode() for n in dict.fromkeys(QUESTION_RE.findall(body))]
        fields = {"page": index, "action": "submit" if b'value="submit"' in body else "next"}
        fields.update({n: values[n] for n in names if n in values})
        step = "submit" if index == PAGES - 1 else "answers"
        status, msg, data = self.timed(
            phase, step, "POST", "/survey", (302, 200) if step == "submit" else 302, *self.form(fields)
        )
        if status == 200:
            self.submitted.append(self.link[0])
            self.body = self.link = None
            return data
        target = urllib.parse.urlsplit(msg["Location"])
        if target.path != "/survey":
            raise Unexpected(f"page {index} sent led to {target.path}")
        _s, _m, self.body = self.timed(phase, "page", "GET", f"{target.path}?{target.query}", 200)
        return self.body

    def finish(self, phase="close"):
        """The survey on screen answered to its end and submitted."""
        while self.body is not None:
            self.next_page(phase, COMPLETE_ANSWERS)

    def prepare(self, _item=None):
        """Untimed: the save phase's link opened, consent given (pages 1 and 2)."""
        self.open(self.save_link, "prep")
        for _ in range(2):
            self.next_page("prep", COMPLETE_ANSWERS)

    def stagger(self, _item=None):
        """Untimed: the save link's survey finished; the first flow link opened and answered up to
        page (number mod 8), so that the flow starts with respondents spread over the survey."""
        self.finish("prep")
        self.open(self.pool.pop(0), "prep")
        for _ in range(self.number % PAGES):
            self.next_page("prep", COMPLETE_ANSWERS)

    # phases: each loops until the deadline
    def answers(self, phase, deadline):
        i = 0
        while time.perf_counter() < deadline:
            i += 1
            page = 2 + i % 2
            values = {n: str(1 + (self.number + i + k) % 5) for k, n in enumerate(SAVE_PAGES[page])}
            fields = {"page": page, "action": "next", **values}
            _s, msg, _d = self.timed(phase, "answers", "POST", "/survey", 302, *self.form(fields))
            if urllib.parse.urlsplit(msg["Location"]).query != f"p={page + 1}":
                raise Unexpected(f"page {page} sent led to {msg['Location']}")
            self.last_saved.update(values)

    def flow(self, phase, deadline):
        while time.perf_counter() < deadline:
            if self.body is None:
                if not self.pool:
                    self.ran_out = True
                    return
                self.open(self.pool.pop(0), phase)
            else:
                self.next_page(phase, COMPLETE_ANSWERS)


def page_bytes(port, link):
    """{page: (html bytes, asset bytes, [(href, bytes, status)])} of every respondent page on first
    load, walking one link to its end: the survey's pages, the thank-you page, the closed page."""
    walker = Respondent(port, 65_000, link, [], lambda *a: None)
    cache = {}

    def measure(status, body, path):
        assets, total = [], 0
        for href in dict.fromkeys(parse(body).assets):
            if href not in cache:
                s, _m, data = walker.request("GET", urllib.parse.urljoin(path, href))
                cache[href] = (len(data), s)
            assets.append((href, *cache[href]))
            total += cache[href][0]
        return len(body), total, assets

    out = {}
    walker.open(link, "pages")
    while walker.body is not None:
        out[f"/survey page {int(PAGE_RE.search(walker.body).group(1)) + 1}"] = measure(200, walker.body, "/survey")
        done = walker.next_page("pages", COMPLETE_ANSWERS)
    out["thank-you page"] = measure(200, done, "/survey")
    status, _m, closed = walker.request("GET", f"/s/{link[1]}")
    assert status == 404 and b'data-testid="closed"' in closed, status
    out["closed link page"] = measure(status, closed, "/s/")
    return out


# --- figures ----------------------------------------------------------------------------------


def check_database(url, respondents, extra_link, recorder):
    """The database against what the respondents were told: returns (problems, figures)."""
    submitted = {i for r in respondents for i in r.submitted} | {extra_link}
    conn = pg_connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT l.id, l.status, i.status, i.complete_case_id = l.case_id FROM survey_link l "
            "LEFT JOIN interview i ON i.id = l.interview_id"
        )
        links = {r[0]: r[1:] for r in cur.fetchall()}
        cur.execute("SELECT count(*) FROM interview WHERE status = 'approved' AND complete_case_id IS NOT NULL")
        complete = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM interview WHERE status = 'in_progress'")
        in_progress = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM interview")
        interviews = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM bench_ping")
        pings = cur.fetchone()[0]
    conn.close()
    answered = {i for i, (status, *_r) in links.items() if status == "answered"}
    right = {i for i, (status, state, own) in links.items() if status == "answered" and state == "approved" and own}
    bare_ok = sum(1 for r in recorder.rows if r[1] == "bare insert" and not r[4])
    problems = []
    if submitted - right:
        problems.append(f"{len(submitted - right)} submitted links without their approved interview (lost)")
    if answered - submitted:
        problems.append(f"{len(answered - submitted)} links answered that no respondent saw submitted (doubled)")
    if complete != len(submitted):
        problems.append(f"{complete} complete interviews for {len(submitted)} submissions")
    if pings != bare_ok:
        problems.append(f"{pings} bench_ping rows for {bare_ok} bare inserts answered")
    opened = {i for r in respondents for i in r.opened} | {extra_link}
    return problems, {
        "submitted": len(submitted),
        "answered": len(answered),
        "complete": complete,
        "opened": len(opened),
        "interviews": interviews,
        "in_progress": in_progress,
        "bare_rows": pings,
    }


def check_saved(url, respondents):
    """The answers phase's last values are the ones stored (nothing lost, no stale write won)."""
    conn = pg_connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT l.id, i.answers FROM survey_link l JOIN interview i ON i.id = l.interview_id WHERE l.id IN %s",
            (tuple(r.save_link[0] for r in respondents),),
        )
        stored = {i: json.loads(a) for i, a in cur.fetchall()}
    conn.close()
    wrong = [
        r.number
        for r in respondents
        if r.last_saved and any(stored.get(r.save_link[0], {}).get(k) != v for k, v in r.last_saved.items())
    ]
    return [f"{len(wrong)} respondents' last answers not stored as sent"] if wrong else []


# --- profile of one page sent, in-process -----------------------------------------------------


def profile(url, folder, redis_url, link, count):
    from interviewer_app import add_bare_route

    from core import create_app

    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    app = add_bare_route(create_app({"DATABASE_URL": url, "REDIS_URL": redis_url, **KEYS}))
    client = app.test_client()

    def address(i):  # each request from its own address: the limiter counts, never refuses
        return {"REMOTE_ADDR": str(ipaddress.IPv4Address("127.1.0.1") + i)}

    assert client.get(f"/s/{link[1]}", environ_base=address(0)).status_code == 302
    csrf = parse(client.get("/survey", environ_base=address(0)).data).csrf
    for page in (0, 1):
        r = client.post("/survey", data={"csrf_token": csrf, "page": page, **COMPLETE_ANSWERS}, environ_base=address(0))
        assert r.status_code == 302, r.data

    def answers(i):
        page = 2 + i % 2
        values = {n: str(1 + (i + k) % 5) for k, n in enumerate(SAVE_PAGES[page])}
        r = client.post(
            "/survey",
            data={"csrf_token": csrf, "page": page, "action": "next", **values},
            environ_base=address(i + 1),
        )
        assert r.status_code == 302, r.data

    def page(i):
        assert client.get(f"/survey?p={2 + i % 2}", environ_base=address(i + 1)).status_code == 200

    def bare(i):
        r = client.post("/bench/insert", headers={"X-CSRFToken": csrf}, environ_base=address(i + 1))
        assert r.status_code == 200, r.data

    profile_steps(folder, (("answers", answers), ("page", page), ("bare insert", bare)), count)


# --- main -------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=200, help="simulated respondents (default 200)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase (default 30)")
    parser.add_argument("--cases", type=int, default=20_000, help="demo cases imported (default 20000)")
    parser.add_argument("--links", type=int, default=3, help="links per respondent for the flow (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as `flask serve`)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile N page posts in-process after")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    available = pg_available()
    if available is not True:
        print(f"PostgreSQL unreachable at {PG_URL}: {available}")
        print("BENCH public_survey postgresql skipped=unreachable")
        return 1
    from core.redis_server import PrivateRedis

    folder = tempfile.mkdtemp(prefix="sipas-bench-public-")
    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    server = redis = None
    try:
        n = args.respondents
        needed = n * (args.links + 1) + 2  # + one link walked for the page bytes, one profiled
        print(f"[postgresql] building: {args.cases:,} demo cases, {needed} links …", flush=True)
        started = time.perf_counter()
        url = scratch_url("postgresql", folder, PG_NAME)
        from core import create_app

        app = create_app({"DATABASE_URL": url, **KEYS})
        links = build(app, folder, args, needed)
        print(f"[postgresql] built in {time.perf_counter() - started:.1f} s (not timed)", flush=True)

        redis = PrivateRedis().start()
        port = free_port()
        server, log_path = start_server(url, folder, port, args.workers, {"REDIS_URL": redis.url})
        print(
            f"[postgresql] gunicorn on 127.0.0.1:{port}: {args.workers} sync workers, 1 thread each, "
            f"timeout 120, access log (as `flask serve`), SIPAS_ENV=production, rate limits in a private Redis",
            flush=True,
        )
        recorder = Recorder()
        extra, profiled = links[-2], links[-1]
        per = args.links + 1
        respondents = [
            Respondent(port, i, links[i * per], links[i * per + 1 : (i + 1) * per], recorder) for i in range(n)
        ]
        print(f"  respondents from {respondents[0].source} to {respondents[-1].source} (one address each)", flush=True)
        pages = page_bytes(port, extra)
        started = time.perf_counter()
        in_parallel(Respondent.prepare, respondents)
        prep_errors = [r for r in recorder.rows if r[4]]
        recorder.rows.clear()
        print(f"[postgresql] {n} links opened, consent given ({time.perf_counter() - started:.1f} s)", flush=True)
        if prep_errors:
            raise SystemExit(f"{len(prep_errors)} errors while preparing: {recorder.messages[:3]}")

        waits = Waits(url)
        waits.thread.start()
        first = [("bare", Respondent.bare), ("answers", Respondent.answers)]
        windows = run_clients(respondents, first, args.seconds, recorder, waits)
        saved_problems = check_saved(url, respondents)
        started = time.perf_counter()
        in_parallel(Respondent.stagger, respondents)
        print(
            f"[postgresql] answers phase's surveys submitted, flow links opened and spread over the pages "
            f"({time.perf_counter() - started:.1f} s, not timed)",
            flush=True,
        )
        second = [("flow", Respondent.flow), ("bare2", Respondent.bare)]
        windows.update(run_clients(respondents, second, args.seconds, recorder, waits))
        waits.stopping.set()
        in_parallel(Respondent.finish, respondents)  # every survey begun ends submitted (not timed)
        stop_server(server)
        server = None

        print(f"\n[postgresql] {n} respondents, {args.seconds:.0f} s a phase; rps = requests done in the phase's time")
        print(f"  {'phase':<7} {'step':<12} {'requests':>8} {'rps':>8} {'median ms':>10} {'p95 ms':>8} {'errors':>6}")
        by = {}
        for row in recorder.rows:
            by.setdefault((row[0], row[1]), []).append(row)
        figures = {}
        for phase, _a in (*first, *second):
            start, deadline, cpu, load = windows[phase]
            steps = ("bare insert",) if phase.startswith("bare") else ("answers",) if phase == "answers" else FLOW_STEPS
            for step in steps:
                figures[(phase, step)] = stats(by.get((phase, step), []), start, deadline)
            figures[(phase, "all")] = stats([r for r in recorder.rows if r[0] == phase], start, deadline)
            for step in (*steps, "all") if phase == "flow" else steps:
                count, rps, med, p95, err = figures[(phase, step)]
                print(f"  {phase:<7} {step:<12} {count:>8} {rps:>8.1f} {med:>10.1f} {p95:>8.1f} {err:>6}")
            print(
                f"  {phase:<7} (the clients' own CPU: {cpu / args.seconds:.0%} of a core; "
                f"load average {load:.1f} at the start)"
            )
        print("  the database's sessions (pg_stat_activity every 0.1 s; at most one per gunicorn worker):")
        for line in waits.lines():
            print(line)
        timed_phases = {p for p, _a in (*first, *second)}
        errors = sum(1 for r in recorder.rows if r[4] and r[0] in timed_phases)
        all_errors = sum(1 for r in recorder.rows if r[4])
        server_errors = sum(1 for r in recorder.rows if r[4] and r[4][:1] == "5")
        limited = sum(1 for r in recorder.rows if r[4] == "429")
        for message in recorder.messages[:10]:
            print("  error:", message)
        ran_out = sum(1 for r in respondents if r.ran_out)
        if ran_out:
            print(f"  {ran_out} respondents ran out of links in the flow: raise --links")

        bare_n = figures[("bare", "bare insert")][0] + figures[("bare2", "bare insert")][0]
        bare_rps = bare_n / (2 * args.seconds)
        answers_rps = figures[("answers", "answers")][1]
        flow_rps = figures[("flow", "all")][1]
        surveys_rps = figures[("flow", "submit")][1]
        print(
            f"\n  bare insert {bare_rps:.1f} rps (before {figures[('bare', 'bare insert')][1]:.1f}, "
            f"after {figures[('bare2', 'bare insert')][1]:.1f}); pages sent alone {answers_rps:.1f} rps; "
            f"the flow {flow_rps:.1f} rps in all ({flow_rps / bare_rps if bare_rps else 0:.3f} of bare), "
            f"{surveys_rps:.2f} surveys submitted a second"
        )

        print("\n  page bytes on first load (HTML + linked stylesheets and scripts, no gzip):")
        max_kb = 0
        for name, (html_bytes, asset_bytes, assets) in pages.items():
            kb = (html_bytes + asset_bytes) / 1024
            max_kb = max(max_kb, kb)
            listed = ", ".join(f"{href} {b:,} B" + ("" if s == 200 else f" ({s})") for href, b, s in assets)
            print(f"  {name:<18} {kb:6.1f} KB = HTML {html_bytes:,} B + {asset_bytes:,} B ({listed or 'no assets'})")

        problems, db_figures = check_database(url, respondents, extra[0], recorder)
        problems += saved_problems
        print(
            "\n  database: "
            + ", ".join(f"{k} {v}" for k, v in db_figures.items())
            + (
                "; " + "; ".join(problems)
                if problems
                else "; one approved interview per submitted link, each link answered, none answered unseen, "
                "the answers phase's last values stored"
            )
        )
        trouble = worker_trouble(log_path)
        if trouble:
            print("  gunicorn:", *trouble[:5], sep="\n    ")
        with open(os.path.join(folder, "access.log"), encoding="utf-8", errors="replace") as f:
            leaked = sum(1 for line in f if any(token in line for _i, token in links))
        if leaked:
            problems.append(f"{leaked} access log lines with a token")
            print(f"  access log: {leaked} lines with a token")

        ratio = answers_rps / bare_rps if bare_rps else 0.0
        met = ratio >= 0.5 and all_errors == 0 and not problems and max_kb <= PAGE_LIMIT_KB
        print(
            f"  targets: ratio {ratio:.3f} (≥ 0.5), errors {all_errors} (0; 429s {limited}), "
            f"database {'ok' if not problems else 'NOT ok'}, "
            f"largest page {max_kb:.1f} KB (≤ {PAGE_LIMIT_KB}): {'met' if met else 'NOT met'}"
        )
        if args.profile:
            profile(url, folder, redis.url, profiled, args.profile)
        print(
            f"BENCH public_survey postgresql ratio={ratio:.3f} answers_rps={answers_rps:.1f} bare_rps={bare_rps:.1f} "
            f"errors={all_errors} timed_errors={errors} server_errors={server_errors} rate_limited={limited} "
            f"max_page_kb={max_kb:.1f} flow_rps={flow_rps:.1f} flow_ratio={flow_rps / bare_rps if bare_rps else 0:.3f} "
            f"surveys_per_s={surveys_rps:.2f} submitted={db_figures['submitted']} complete={db_figures['complete']} "
            f"lost_or_doubled={len(problems)} respondents={n} seconds={args.seconds:g} workers={args.workers}"
        )
        return 0
    finally:
        if server is not None:
            stop_server(server)
        if redis is not None:
            redis.stop()
        if not args.keep:
            pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

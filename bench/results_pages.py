"""Benchmark of the public results page, its open data and the dashboards with 24 published months.

Usage: .venv/bin/python bench/results_pages.py [PER_MONTH] [--repeat R] [--backend sqlite|postgresql] [--profile DIR]

Builds, per database, a scratch database holding PER_MONTH approved interviews a month (default
9,600: 32 a unit on average) over the 24 months 2024-11..2026-10, of 25 answers each over 300 units
(bench/compile.py's fill: raw bulk inserts, not timed; the shipped in-person form imported and
published through the app), and each unit's allocation of 2026-10 (for the dashboard's progress).
Then, through the app's own code, each month is compiled (`results.service.compile_period`) and
published (`results.service.publish`): 24 published versions of 300 units each (not timed). An
officer saved as a `User` signs in through `/login`.

Timed through the app's test client (`app.test_client()`, the whole body read, status 200): the
public page of the latest month (`/ket-qua`), of an earlier month, the month's open data (JSON and
CSV), read by an anonymous client, against the public bare page: a route this script registers that
renders the same template with nothing published (`public/results.html`, shown=None: the same
layout, limiter and headers, no figures); and the dashboards (`/admin/dashboards/` on each basis and
an earlier month, and the progress refresh `progress.json`), read by the officer, against the
back-office bare page (`/admin/procedures/`, a Flask-Admin list of one procedure: the same layout,
menu, sign-in and role checks, no data; as bench/backoffice_pages.py). Each page is read once to
warm up (the first read, which parses the versions' figures into the process's cache, is printed),
then R times, pages in turn so that the machine's noise falls on all alike; best and median are
printed; ratio = page's best ÷ its bare page's best. Target (issue 10): every page < 3 × bare.
PostgreSQL: env BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test), on which a
scratch database is made and dropped.
"""

import argparse
import cProfile
import logging
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import compile as compile_bench  # noqa: E402
from scratch import PG_URL, pg_available, scratch_url  # noqa: E402
from scratch import pg_admin as _pg_admin  # noqa: E402

PG_NAME = "sipas_bench_results_pages"
KEYS = {"SECRET_KEY": "bench-secret-key-" + "r" * 40, "PII_KEY": "bench-pii-key-" + "k" * 40}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LAST, MONTHS = (2026, 10), 24
OFFICER, OFFICER_PASSWORD = "bench-officer", "bench-officer-password-2026"
QUOTA = 32
PUBLIC_BARE, BACKOFFICE_BARE = "/bench/public-bare", "/admin/procedures/"
TRIVIAL = "/bench/bare"
TARGET_RATIO = 3


def months():
    year, month = LAST
    out = []
    for _ in range(MONTHS):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def public_pages(month):
    return {
        "ket-qua": "/ket-qua",
        "ket-qua/<month>": f"/ket-qua/{month}",
        "data.json": f"/ket-qua/{month}/data.json",
        "data.csv": f"/ket-qua/{month}/data.csv",
    }


def dashboard_pages(month):
    return {
        "dashboard": "/admin/dashboards/",
        "dashboard published": "/admin/dashboards/?basis=published",
        "dashboard <month>": f"/admin/dashboards/?period={month}",
        "progress.json": "/admin/dashboards/progress.json",
    }


def make_app(url, folder):
    os.environ["SIPAS_INSTANCE"] = os.path.join(folder, "instance")
    from flask import make_response, render_template, render_template_string

    from core import create_app
    from public.results import LIMIT, _cached
    from ratelimits import limiter

    app = create_app({"DATABASE_URL": url, "REDIS_URL": REDIS_URL, "WTF_CSRF_ENABLED": False, **KEYS})

    @limiter.limit(LIMIT)
    def public_bare():
        return _cached(make_response(render_template("public/results.html", shown=None, versions=[])))

    app.add_url_rule(PUBLIC_BARE, "bench_public_bare", public_bare)
    app.add_url_rule(
        TRIVIAL,
        "bench_bare",
        lambda: render_template_string("<!doctype html><p>{{ text }}</p>", text="Trang trống của bài đo."),
    )
    return app


def build(backend, url, app, per_month):
    """The 24 months' interviews (raw), allocations, compiled and published versions, and the officer."""
    from models import Allocation, Period, Role, Roles, Unit, User, audit, db
    from questionnaires import service as questionnaires
    from results import service

    with app.app_context(), audit.acting_as("bench", "system", "cli"):
        version, _created = questionnaires.import_form(compile_bench.FORM)
        questionnaires.publish(version)
        periods = [Period.for_month(m) for m in months()]
        version_id, definition = version.id, version.definition_dict()
        db.close()
    compile_bench.fill(backend, url, per_month * MONTHS, version_id, definition, months=tuple(months()))
    started = time.perf_counter()
    with app.app_context(), audit.acting_as("bench", "system", "cli"):
        with db.atomic():
            for unit in Unit.select():
                Allocation.create(period=periods[-1], unit=unit, quota=QUOTA, issued_phone=QUOTA)
        for period in periods:
            compiled, _created = service.compile_period(period)
            service.publish(compiled, "bench")
        officer = User(username=OFFICER, full_name="Cán bộ bài đo", role=Role.get_by_id(Roles.OFFICER))
        officer.set_password(OFFICER_PASSWORD)
        officer.save()
        db.close()
    return time.perf_counter() - started


def signed_in(app):
    client = app.test_client()
    response = client.post("/login", data={"username": OFFICER, "password": OFFICER_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed: {response.status_code} {response.get_data(as_text=True)[:300]}")
    return client


def get(client, path):
    response = client.get(path)
    body = response.get_data()
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code} {body[:300]!r}")
    return len(body)


def timed(client, path):
    started = time.perf_counter()
    size = get(client, path)
    return time.perf_counter() - started, size


def check(app):
    """24 published versions of 300 units each, or the bench measures something else."""
    from models import ResultStatus, ResultVersion, db

    with app.app_context():
        published = list(ResultVersion.select().where(ResultVersion.status == ResultStatus.PUBLISHED))
        units = {len(v.figures_dict()["units"]) for v in published}
        db.close()
    if len(published) != MONTHS or units != {compile_bench.UNITS}:
        raise RuntimeError(f"{len(published)} published versions of {units} units, not {MONTHS} of 300")


def bench(backend, per_month, folder, args):
    print(f"[{backend}] building {per_month * MONTHS:,} interviews over {MONTHS} months …", flush=True)
    started = time.perf_counter()
    url = scratch_url(backend, folder, PG_NAME)
    app = make_app(url, folder)
    compiling = build(backend, url, app, per_month)
    check(app)
    print(
        f"[{backend}] built in {time.perf_counter() - started:.1f} s, of which {compiling:.1f} s compiling and "
        f"publishing {MONTHS} months (not timed)",
        flush=True,
    )
    earlier = months()[-7]
    anonymous, officer = app.test_client(), signed_in(app)
    groups = {
        "public": (anonymous, PUBLIC_BARE, public_pages(earlier)),
        "back office": (officer, BACKOFFICE_BARE, dashboard_pages(earlier)),
    }
    pages = {"trivial": (anonymous, TRIVIAL)}
    for group, (client, bare, paths) in groups.items():
        pages[f"bare ({group})"] = (client, bare)
        pages.update({name: (client, path) for name, path in paths.items()})
    first = {name: timed(client, path) for name, (client, path) in pages.items()}  # warm-up
    times = {name: [] for name in pages}
    for _rep in range(args.repeat):
        for name, (client, path) in pages.items():
            times[name].append(timed(client, path)[0])
    ratios = {}
    print(f"[{backend}] pages (first read / best / median of {args.repeat}, ms; ratio of bests to the bare):")
    for group, (_client, _bare, paths) in groups.items():
        bare = min(times[f"bare ({group})"])
        for name in [f"bare ({group})", *paths]:
            best, median = min(times[name]), statistics.median(times[name])
            if name in paths:
                ratios[name] = best / bare
            mark = "" if name not in paths else ("  ok" if best / bare < TARGET_RATIO else "  MISSES < 3")
            print(
                f"  {name:<21}{first[name][0] * 1000:8.1f} {best * 1000:8.1f} {median * 1000:8.1f}  "
                f"×{best / bare:5.2f}  {first[name][1] / 1024:6.0f} KB  {pages[name][1]}{mark}",
                flush=True,
            )
    print(f"  {'trivial':<21}{'':8} {min(times['trivial']) * 1000:8.1f}  (reference)", flush=True)
    if args.profile:
        for name, (client, path) in pages.items():
            if name in ratios:
                target = os.path.join(args.profile, f"{name.replace(' ', '_').replace('/', '_')}_{backend}.prof")
                profiler = cProfile.Profile()
                profiler.runcall(get, client, path)
                profiler.dump_stats(target)
                print(f"[{backend}] profile of {path}: {target}", flush=True)
                pstats.Stats(target).sort_stats("cumulative").print_stats(20)
    if backend == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    worst = max(ratios, key=ratios.get)
    return (
        f"BENCH results_pages {backend} ratio={ratios[worst]:.2f} worst={worst.replace(' ', '_')} "
        + " ".join(f"{k.replace(' ', '_')}_ratio={v:.2f}" for k, v in ratios.items())
        + f" public_bare_ms={min(times['bare (public)']) * 1000:.1f}"
        + f" backoffice_bare_ms={min(times['bare (back office)']) * 1000:.1f}"
        + f" months={MONTHS} units={compile_bench.UNITS} interviews={per_month * MONTHS} repeat={args.repeat}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("per_month", nargs="?", type=int, default=QUOTA * compile_bench.UNITS)
    parser.add_argument("--repeat", type=int, default=9, help="timed reads of each page (default 9)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--profile", metavar="DIR", help="also profile one read of each page into DIR")
    args = parser.parse_args()
    logging.getLogger("peewee.migrations").setLevel(logging.WARNING)
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="sipas_bench_results_pages_")
    lines = []
    try:
        for backend in args.backend or ["sqlite", "postgresql"]:
            if backend == "postgresql" and pg_available() is not True:
                print(f"NOTE: PostgreSQL not reachable at {PG_URL}; only SQLite was measured.", flush=True)
                continue
            lines.append(bench(backend, args.per_month, folder, args))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

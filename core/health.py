"""`/healthz`: is this installation able to work? For a load balancer and monitoring; no login, no
personal data, no rate limit, kept out of the access log.

Checks: the database (`SELECT 1`), Redis (`PING`), a worker (an rq worker registered on the app's
queue whose heartbeat is recent, or that is busy with a job), and the scheduler (every scheduled run
leaves a timestamp in Redis, see jobs.schedule.beat; the sweeper runs every 15 seconds, so an older one
means no worker with its scheduler is running scheduled jobs). 200 when all pass, 503 naming those that
failed. `?scope=web` checks only what this web server needs itself (database and Redis): what a load
balancer should ask, so that a stopped worker does not take every web server out of rotation."""

import datetime
import logging

from flask import current_app, jsonify, request
from rq import Worker

from jobs import schedule
from jobs.queue import JOB_TIMEOUT, queue
from models import db
from ratelimits import limiter

log = logging.getLogger(__name__)
PATH = "/healthz"
DEFAULTS = {
    "HEALTH_WORKER_SECONDS": 60,  # a worker's heartbeat older than this (and not busy): not alive
    "HEALTH_SCHEDULER_SECONDS": 60,  # the last scheduled run older than this: the scheduler is stopped
}
WEB_CHECKS = ("database", "redis")


class Unhealthy(Exception):
    """A check failed for a reason told in its message (no address, no data)."""


def _utcnow():
    return datetime.datetime.now(datetime.UTC)


def _aware(moment):
    return moment.replace(tzinfo=datetime.UTC) if moment is not None and moment.tzinfo is None else moment


def check_database():
    db.connect(reuse_if_open=True)
    db.execute_sql("SELECT 1").fetchone()
    return {}


def check_redis():
    queue().connection.ping()
    return {}


def _alive(worker, at, limit):
    beat = _aware(worker.last_heartbeat)
    if beat is not None and (at - beat).total_seconds() <= limit:
        return True
    if worker.get_state() == "busy":  # a job in hand: rq refreshes the heartbeat only between jobs
        job = worker.get_current_job()
        started = _aware(job.started_at) if job is not None else None
        return started is not None and (at - started).total_seconds() <= JOB_TIMEOUT
    return False


def check_worker():
    at, limit = _utcnow(), current_app.config["HEALTH_WORKER_SECONDS"]
    workers = Worker.all(queue=queue())
    alive = sum(_alive(w, at, limit) for w in workers)
    if not alive:
        raise Unhealthy(f"no live worker on the queue ({len(workers)} registered)")
    return {"alive": alive}


def check_scheduler():
    last = schedule.last_beat()
    if last is None:
        raise Unhealthy("no scheduled run recorded")
    age = (_utcnow() - last).total_seconds()
    if age > current_app.config["HEALTH_SCHEDULER_SECONDS"]:
        raise Unhealthy(f"last scheduled run {int(age)} s ago")
    return {"age_seconds": int(age)}


CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "worker": check_worker,
    "scheduler": check_scheduler,
}


def run_checks(names):
    """{name: {"ok": bool, …}}: a failure by our own words, or the exception's kind alone."""
    results = {}
    for name in names:
        if name in ("worker", "scheduler") and results.get("redis", {}).get("ok") is False:
            results[name] = {"ok": False, "error": "Redis unavailable"}
            continue
        try:
            results[name] = {"ok": True, **CHECKS[name]()}
        except Unhealthy as exc:
            results[name] = {"ok": False, "error": str(exc)}
        except Exception as exc:  # any failure is reported; its text (addresses, names) stays in the log
            log.warning("Health check %s failed", name, exc_info=True)
            results[name] = {"ok": False, "error": type(exc).__name__}
    return results


@limiter.exempt
def healthz():
    names = WEB_CHECKS if request.args.get("scope") == "web" else tuple(CHECKS)
    results = run_checks(names)
    failed = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": results}
    response = jsonify(body)
    response.status_code = 503 if failed else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def answer_first():
    """Answer the health check before any other before-request function runs (the database's, which
    would fail with a 500 when the database is down: the check must say 503 and which)."""
    if request.endpoint == "healthz":
        return healthz()
    return None


def init_app(app):
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.add_url_rule(PATH, "healthz", healthz)
    app.before_request_funcs.setdefault(None, []).insert(0, answer_first)

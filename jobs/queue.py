"""The rq queue on Redis: starting a job writes its JobRun row, then enqueues the runner with its id
(the payload carries no data, personal or otherwise: only the row's id)."""

import contextlib
import json
import os

import redis
from flask import current_app
from flask_babel import gettext as _
from rq import Queue

from models import JobRun, JobStatus, now

RUNNER = "jobs.runner.execute"
JOB_TIMEOUT = 6 * 3600
RESULT_TTL = 7 * 86400


class QueueUnavailable(RuntimeError):
    """Redis cannot be reached: the job was not started and nothing was changed."""


def connection(app=None):
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        raise QueueUnavailable("REDIS_URL is not set: start the app with `make run` or set REDIS_URL")
    return redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)


def queue(app=None):
    app = app or current_app
    if app.extensions.get("rq_queue") is None:
        app.extensions["rq_queue"] = Queue(app.config["RQ_QUEUE"], connection=connection(app))
    return app.extensions["rq_queue"]


def remove_upload(run):
    if run.upload:
        with contextlib.suppress(OSError):
            os.remove(run.upload)


def start(kind, params, *, actor, role, title, return_to=None, upload=None):
    """Record and enqueue a job; return its JobRun. Raises QueueUnavailable, having recorded nothing,
    when Redis cannot be reached."""
    try:
        queue().connection.ping()
    except (redis.exceptions.RedisError, QueueUnavailable) as exc:
        raise QueueUnavailable(str(exc)) from exc
    run = JobRun.create(
        kind=kind,
        title=str(title)[:300],
        params=json.dumps(params, ensure_ascii=False),
        actor=actor,
        role=role,
        return_to=return_to,
        upload=upload,
    )
    try:
        job = queue().enqueue(RUNNER, run.id, job_timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL, failure_ttl=RESULT_TTL)
    except redis.exceptions.RedisError as exc:
        run.set_state(
            status=JobStatus.FAILED,
            message=_("The job queue is not available; try again in a moment."),
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=now(),
        )
        remove_upload(run)
        raise QueueUnavailable(str(exc)) from exc
    run.set_state(rq_id=job.id)
    return run

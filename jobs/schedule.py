"""Recurring jobs on rq's scheduler: each run is enqueued for its time under an id made of its kind
and time, so several workers scheduling the same run schedule it once; each run schedules the next."""

import contextlib
import datetime
import json

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job

from models import LOCAL_TZ, JobRun, now

from .queue import queue
from .registry import RECURRING, TASKS
from .runner import JobContext, connected, run_job

ENTRY = "jobs.schedule.run_recurring"
RETRIES = 3  # a scheduled run that fails is tried again this many times…
RETRY_AFTER = datetime.timedelta(minutes=5)  # …this long after each failure


BEAT_TTL = 3600  # the scheduler's last beat is kept this long (then /healthz finds none)


def beat_key(q):
    return f"sipas:{q.name}:scheduler-beat"


def beat():
    """Record that a scheduled run is being run now (UTC, ISO): the scheduler and a worker are alive."""
    q = queue()
    with contextlib.suppress(redis.exceptions.RedisError):  # the run itself does not depend on it
        q.connection.set(beat_key(q), datetime.datetime.now(datetime.UTC).isoformat(), ex=BEAT_TTL)


def last_beat():
    """When a scheduled run last started (aware UTC datetime), or None."""
    q = queue()
    value = q.connection.get(beat_key(q))
    return datetime.datetime.fromisoformat(value.decode()) if value else None


def job_id(q, kind, when):
    return f"sipas-{q.name}-{kind.replace('.', '_')}-{when:%Y%m%d%H%M%S}"


def schedule(kind, after=None):
    """Make sure the next run of a recurring kind is scheduled; return its rq Job."""
    q = queue()
    when = RECURRING[kind].next_run(after or now())
    ident = job_id(q, kind, when)
    try:
        return Job.fetch(ident, connection=q.connection)
    except NoSuchJobError:
        pass
    return q.enqueue_at(
        when.replace(tzinfo=LOCAL_TZ), ENTRY, kind, job_id=ident, result_ttl=86400, failure_ttl=7 * 86400
    )


def schedule_all():
    return [schedule(kind) for kind in sorted(RECURRING)]


def retry(kind, attempt, after=None):
    """Enqueue another try of a failed scheduled run (its jobs are idempotent), RETRY_AFTER from now."""
    q = queue()
    when = (after or now()) + RETRY_AFTER
    return q.enqueue_at(
        when.replace(tzinfo=LOCAL_TZ),
        ENTRY,
        kind,
        attempt,
        job_id=job_id(q, kind, when) + f"-retry{attempt}",
        result_ttl=86400,
        failure_ttl=7 * 86400,
    )


def run_recurring(kind, attempt=0):
    """rq's entry point of a scheduled run: run it (recorded as a JobRun unless the kind says not),
    try it again later if it fails (up to RETRIES times), and schedule the next regular run whatever
    happened (a retry does not: the regular run is scheduled already)."""
    try:
        beat()
        with connected():
            if RECURRING[kind].record:
                run = JobRun.create(
                    kind=kind,
                    title=kind if not attempt else f"{kind} (retry {attempt})",
                    params=json.dumps({}),
                    actor="scheduler",
                    role="system",
                )
                return run_job(run)
            return TASKS[kind](JobContext(None))
    except Exception:
        if attempt < RETRIES:
            retry(kind, attempt + 1)
        raise
    finally:
        if not attempt:
            schedule(kind)

"""Finds jobs that will never finish (worker killed, Redis restarted) and says so."""

import datetime

import redis
from flask import current_app
from flask_babel import gettext as _
from rq.exceptions import NoSuchJobError
from rq.job import Job

from models import JobKinds, JobRun, JobStatus, now

from .queue import QueueUnavailable, queue, remove_upload
from .registry import recurring
from .runner import alive_key

WAITING = {"queued", "scheduled", "deferred"}
GRACE = datetime.timedelta(seconds=10)  # a job just enqueued or picked up may not show everywhere yet


def _utcnow():
    return datetime.datetime.now(datetime.UTC)


def _rq_state(rq_id, connection):
    """(rq status, when a worker picked it up) of an rq job, or (None, None) when Redis has no such job."""
    if not rq_id:
        return None, None
    try:
        job = Job.fetch(rq_id, connection=connection)
    except NoSuchJobError:
        return None, None
    status = job.get_status()
    return getattr(status, "value", status), job.started_at


def _is_lost(run, connection, at):
    """A job is lost when no worker is alive for it and it is not waiting in the queue either."""
    if connection.exists(alive_key(run.id)):
        return None
    if run.status == JobStatus.RUNNING:
        stale = at - datetime.timedelta(seconds=current_app.config["JOB_LOST_AFTER_SECONDS"])
        return "worker" if run.heartbeat_at is None or run.heartbeat_at < stale else None
    if run.created_at > at - GRACE:
        return None
    status, started = _rq_state(run.rq_id, connection)
    if status in WAITING:
        return None
    if started is not None and started.tzinfo is None:
        started = started.replace(tzinfo=datetime.UTC)
    if status == "started" and started and started > _utcnow() - GRACE:
        return None
    return "worker" if status == "started" else "queue"


def lost_runs(at=None):
    """[(JobRun, why)] of jobs that will never finish: why is "worker" (it died holding the job) or
    "queue" (Redis lost it before any worker took it)."""
    at = at or now()
    try:
        connection = queue().connection
        found = []
        for run in JobRun.unfinished():
            why = _is_lost(run, connection, at)
            if why:
                found.append((run, why))
        return found
    except (redis.exceptions.RedisError, QueueUnavailable):
        return []  # cannot tell while Redis is unreachable: judged later


def mark_lost(run, why):
    """Mark a lost job failed (unless it moved on meanwhile) and delete its upload; True if marked."""
    message = (
        _(
            "The job was lost: its worker stopped before it finished. Its unfinished part changed "
            "nothing; start it again."
        )
        if why == "worker"
        else _("The job was lost by the job queue before it ran. Nothing was changed; start it again.")
    )
    changed = (
        JobRun.update(status=JobStatus.FAILED, message=message, error=f"lost ({why})", finished_at=now())
        .where((JobRun.id == run.id) & (JobRun.status == run.status))
        .execute()
    )
    if changed:
        remove_upload(run)
    return bool(changed)


@recurring(JobKinds.JOBS_SWEEP, every=datetime.timedelta(seconds=15), record=False)
def sweep(ctx=None):
    """Mark every lost job as failed; return how many."""
    marked = sum(mark_lost(run, why) for run, why in lost_runs())
    return {"message": f"{marked} lost job(s) marked failed", "marked": marked}

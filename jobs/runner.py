"""The one path every job runs through in the worker: state, progress, heartbeat, outcome."""

import contextlib
import json
import logging
import threading

from flask import current_app
from flask_babel import gettext as _

from models import JobRun, JobStatus, audit, db, now

from .queue import queue, remove_upload
from .registry import TASKS

log = logging.getLogger(__name__)


class JobContext:
    """What a job function is given: its JobRun, and `progress()` to report how far it is."""

    def __init__(self, run):
        self.run = run
        self.fraction = 0.0
        self.note = None

    def progress(self, fraction, message=None):
        """Report progress (0-1) and an optional note; written to the job's row within seconds."""
        self.fraction = max(0.0, min(1.0, float(fraction)))
        if message is not None:
            self.note = str(message)


def alive_key(run_id):
    return f"sipas:job-alive:{run_id}"


class Heartbeat(threading.Thread):
    """While a worker holds a job: keeps a short-lived key in Redis (the worker is alive, whatever the
    database is doing), and writes the job's progress and heartbeat to its row on its own connection,
    so that both show even while the job is inside a long transaction."""

    def __init__(self, ctx, interval, lifetime):
        super().__init__(daemon=True, name=f"heartbeat-{ctx.run.id}")
        self.ctx = ctx
        self.interval = interval
        self.lifetime = lifetime
        self.redis = queue().connection
        self.stopped = threading.Event()
        self.beat_redis()

    def beat_redis(self):
        try:
            self.redis.set(alive_key(self.ctx.run.id), 1, ex=max(int(self.lifetime), 1))
        except Exception:
            log.warning("Liveness of job %s not written", self.ctx.run.id, exc_info=True)

    def run(self):
        while not self.stopped.wait(self.interval):
            self.beat_redis()
            try:
                db.connect(reuse_if_open=True)
                values = {"heartbeat_at": now(), "progress": round(100 * self.ctx.fraction, 1)}
                if self.ctx.note is not None:
                    values["message"] = self.ctx.note
                (
                    JobRun.update(**values)
                    .where((JobRun.id == self.ctx.run.id) & (JobRun.status == JobStatus.RUNNING))
                    .execute()
                )
            except Exception:  # the next beat tries again; the sweeper judges staleness
                log.warning("Heartbeat of job %s not written", self.ctx.run.id, exc_info=True)
            finally:
                if not db.is_closed():
                    db.close()

    def stop(self):
        if self.stopped.is_set():
            return
        self.stopped.set()
        self.join(30)
        with contextlib.suppress(Exception):  # the key expires by itself anyway
            self.redis.delete(alive_key(self.ctx.run.id))


@contextlib.contextmanager
def connected():
    """A database connection for the length of one job, closed after it."""
    opened = db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()


def execute(run_id):
    """rq's entry point: run the queued JobRun `run_id` in this worker's app context."""
    with connected():
        run = JobRun.get_or_none(JobRun.id == run_id)
        if run is None or run.status != JobStatus.QUEUED:
            return None  # gone, or already settled (e.g. found lost by the sweeper): never run twice
        return run_job(run)


def run_job(run):
    """Run a JobRun's function, recording its state from start to outcome; returns its result."""
    func = TASKS.get(run.kind)
    ctx = JobContext(run)
    config = current_app.config
    beat = Heartbeat(ctx, config["JOB_HEARTBEAT_SECONDS"], config["JOB_LOST_AFTER_SECONDS"])
    beat.start()
    try:
        run.set_state(status=JobStatus.RUNNING, started_at=now(), heartbeat_at=now())
        if func is None:
            raise LookupError(f"No job of kind {run.kind}")
        with audit.acting_as(run.actor, run.role, "job"):
            result = func(ctx, **run.params_dict()) or {}
        beat.stop()
        ok = result.get("ok", True)
        run.set_state(
            status=JobStatus.DONE if ok else JobStatus.REFUSED,
            progress=100.0,
            message=str(result.get("message") or ""),
            finished_at=now(),
            summary=json.dumps(result, ensure_ascii=False, default=str),
        )
        return result
    except Exception as exc:
        beat.stop()
        log.exception("Job %s (%s) failed", run.id, run.kind)
        run.set_state(
            status=JobStatus.FAILED,
            finished_at=now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
            message=_("The job failed because of an internal error; its unfinished part changed nothing."),
        )
        raise
    finally:
        remove_upload(run)

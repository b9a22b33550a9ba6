"""The rq queue: jobs run in a worker that builds the app and pushes its context."""
import redis
from flask import current_app
from rq import Queue, get_current_job


def init_app(app):
    app.extensions["rq_queue"] = None


def connection(app=None):
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("REDIS_URL is not set: start the app with `make run` or set REDIS_URL")
    return redis.Redis.from_url(url)


def queue(app=None):
    app = app or current_app
    if app.extensions.get("rq_queue") is None:
        app.extensions["rq_queue"] = Queue(app.config["RQ_QUEUE"], connection=connection(app))
    return app.extensions["rq_queue"]


def enqueue(func, *args, job_meta=None, **kwargs):
    """Enqueue `func` to run in the worker within an app context (see `run_in_app`).

    `job_meta` is stored with the job as it is enqueued: meta saved afterwards could be overwritten by a
    worker that already fetched the job (its progress updates save the whole meta)."""
    return queue().enqueue(run_in_app, f"{func.__module__}:{func.__qualname__}", args, kwargs,
                           job_timeout=6 * 3600, result_ttl=7 * 86400, failure_ttl=7 * 86400, meta=job_meta)


_worker_app = None


def run_in_app(target, args, kwargs):
    """Worker entry point: build the app once per worker process and run `target` inside it."""
    import importlib

    from flask import has_app_context
    global _worker_app
    module_name, func_name = target.split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    if has_app_context():
        return _with_connection(func, args, kwargs)
    if _worker_app is None:
        from backoffice import create_app
        _worker_app = create_app()
    with _worker_app.app_context():
        return _with_connection(func, args, kwargs)


def _with_connection(func, args, kwargs):
    from models import db
    opened = db.connect(reuse_if_open=True)
    try:
        return func(*args, **kwargs)
    finally:
        if opened and not db.is_closed():
            db.close()


def set_progress(done, total, message=None):
    """Record progress (0-100) in the current job's meta, if running as a job."""
    job = get_current_job()
    if job is None:
        return
    job.meta["progress"] = round(100.0 * done / total, 1) if total else 0.0
    job.meta["done"] = done
    job.meta["total"] = total
    if message:
        job.meta["message"] = message
    job.save_meta()

"""Background jobs as one mechanism: each job is a lasting JobRun row, run by an rq worker through
one runner that records its state and progress; domains declare their jobs with `@task` and
`@recurring`, and start them with `start`."""

import os

from . import audit_check, cli, sweeper
from .queue import QueueUnavailable, start
from .registry import RECURRING, recurring, task
from .runner import JobContext

DEFAULTS = {
    "JOB_HEARTBEAT_SECONDS": 2,  # how often a running job's row is refreshed (progress, heartbeat)
    "JOB_LOST_AFTER_SECONDS": 40,  # a running job not refreshed for this long has lost its worker
}

__all__ = [
    "RECURRING",
    "JobContext",
    "QueueUnavailable",
    "audit_check",
    "init_app",
    "recurring",
    "start",
    "task",
    "sweeper",
]


def init_app(app):
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, type(value)(os.environ.get(key, value)))
    app.extensions["rq_queue"] = None
    app.cli.add_command(cli.worker_command)

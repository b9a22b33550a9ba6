"""`flask --app run worker`: an rq worker with its scheduler, for this app's queue."""

import click
from flask.cli import with_appcontext
from rq import SimpleWorker

from .queue import connection, queue
from .schedule import schedule_all


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst):
    """Run an rq worker (with its scheduler) for this app; it schedules the recurring jobs."""
    schedule_all()
    # SimpleWorker runs jobs in this process: no forked child inherits a database connection.
    worker = SimpleWorker([queue()], connection=connection())
    worker.work(burst=burst, with_scheduler=True)

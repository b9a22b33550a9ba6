"""A worker killed in the middle of a compilation of results: no version is half-written, and the
compilation run again gives the period its first version, the same snapshot a second run gives."""

import json
import signal
import time

from fieldwork import review
from jobs.queue import connection
from jobs.runner import alive_key
from models import JobRun, ResultVersion, audit

from .test_killed_worker import Blocker, wait_for


def test_killing_the_worker_mid_compilation_leaves_no_version(
    app, client, auth, users, submitted_interview, rq_worker, database_url, runner
):
    review.approve(submitted_interview().id, users["supervisor"])
    auth.login("officer")
    assert client.post("/admin/results/compile", data={"period": "2026-10"}).status_code == 302
    run = JobRun.select().order_by(JobRun.id.desc()).get()
    blocker = Blocker(database_url)  # the compilation waits for it before its one write
    try:
        worker = rq_worker(JOB_LOST_AFTER_SECONDS="3")
        redis = connection(app)
        wait_for(lambda: redis.exists(alive_key(run.id)), 30, "a worker to take the compilation")
        wait_for(blocker.draw_is_waiting, 30, "the compilation to wait for the lock")
        time.sleep(1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        blocker.release()
    assert ResultVersion.select().count() == 0  # nothing half-written is visible
    assert audit.verify()[0]
    first = json.loads(runner.invoke(args=["results", "compile", "--period", "2026-10", "--json"]).output)
    again = json.loads(runner.invoke(args=["results", "compile", "--period", "2026-10", "--json"]).output)
    assert first["version"] == 1 and first["created"] is True
    assert again == {**first, "created": False}  # the same snapshot

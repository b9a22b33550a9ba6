"""A worker killed in the middle of a sampling draw: the period stays as before the draw, and the job
is shown failed by the next worker's scheduled sweeper."""

import signal
import sqlite3
import time

import psycopg2
import pytest
from playhouse.db_url import parse

from jobs.queue import connection
from jobs.runner import alive_key
from models import JobRun, JobStatus, Period, SampleCase, audit
from models.audit import CHAIN_LOCK


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


class Blocker:
    """Holds, from another connection, a lock the draw needs before it can commit: on PostgreSQL the
    audit chain's advisory lock (taken after the sample rows are written), on SQLite the write lock
    (the job waits before its first write)."""

    def __init__(self, url):
        self.url = url
        if url.startswith("sqlite"):
            self.conn = sqlite3.connect(url.split("sqlite:///", 1)[1], isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            params = parse(url)
            self.conn = psycopg2.connect(
                dbname=params["database"], user=params.get("user"), host=params.get("host"), port=params.get("port")
            )
            self.conn.autocommit = True
            self.conn.cursor().execute("SELECT pg_advisory_lock(%s)", (CHAIN_LOCK,))

    def draw_is_waiting(self):
        if self.url.startswith("sqlite"):
            return True  # the draw waits on the write lock, before writing
        cur = self.conn.cursor()
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND wait_event = 'advisory' AND pid <> pg_backend_pid()"
        )
        return cur.fetchone()[0] > 0

    def release(self):
        if self.url.startswith("sqlite"):
            self.conn.execute("ROLLBACK")
        self.conn.close()


def test_killing_the_worker_mid_draw_changes_nothing_and_the_job_shows_failed(
    app, client, users, auth, month_data, allocate, rq_worker, database_url
):
    allocate()
    auth.login("supervisor")
    response = client.post("/admin/sampling/draw", data={"period": "2026-10", "seed": "killed"})
    assert response.status_code == 302
    run = JobRun.select().order_by(JobRun.id.desc()).get()
    blocker = Blocker(database_url)
    try:
        worker = rq_worker(JOB_LOST_AFTER_SECONDS="3")
        redis = connection(app)
        wait_for(lambda: redis.exists(alive_key(run.id)), 30, "a worker to take the draw")
        wait_for(blocker.draw_is_waiting, 30, "the draw to wait for the lock")
        time.sleep(1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        blocker.release()
    period = Period.get(Period.month == "2026-10")
    assert period.drawn_at is None and period.seed is None
    assert SampleCase.select().count() == 0
    assert audit.verify()[0]
    assert JobRun.get_by_id(run.id).status in JobStatus.UNFINISHED  # nobody knows yet
    rq_worker(JOB_LOST_AFTER_SECONDS="3")  # the next worker's scheduled sweeper finds it
    wait_for(lambda: JobRun.get_by_id(run.id).status == JobStatus.FAILED, 45, "the sweeper")
    lost = JobRun.get_by_id(run.id)
    assert lost.error == "lost (worker)" and lost.message
    page = client.get(f"/admin/jobs/{run.id}", follow_redirects=True).get_data(as_text=True)
    assert lost.message in page

"""The job mechanism: one lasting JobRun per job, one runner for every job, lost jobs found by the sweeper."""

import datetime

import pytest
from rq.job import Job
from rq.registry import ScheduledJobRegistry

import jobs
from jobs import schedule, sweeper
from jobs.queue import connection, queue
from jobs.registry import RECURRING, Recurring
from models import JobKinds, JobRun, JobStatus, Period, now


@jobs.task("test.echo")
def echo_job(ctx, text, fail=False, refuse=False):
    ctx.progress(0.5, "half way")
    if fail:
        raise ValueError("boom")
    if refuse:
        return {"ok": False, "message": "no, thank you"}
    Period.create(month="2026-01", note=text)  # an audited change, attributed to the job's starter
    return {"message": f"echo {text}"}


def start(app, **params):
    with app.test_request_context():
        return jobs.start("test.echo", {"text": "hi", **params}, actor="officer", role="officer", title="Echo")


def test_a_job_row_follows_the_job_from_queue_to_result(app, work_jobs):
    run = start(app)
    assert (run.status, run.actor, run.rq_id is not None) == (JobStatus.QUEUED, "officer", True)
    work_jobs()
    run = JobRun.get_by_id(run.id)
    assert (run.status, run.progress, run.message) == (JobStatus.DONE, 100.0, "echo hi")
    assert run.started_at and run.finished_at >= run.started_at
    from models import AuditRecord

    record = AuditRecord.select().where(AuditRecord.model == "period").get()
    assert (record.actor, record.role, record.source) == ("officer", "officer", "job")


def test_a_refusal_and_a_failure_are_told_apart(app, work_jobs):
    refused, failed = start(app, refuse=True), start(app, fail=True)
    work_jobs()
    refused, failed = JobRun.get_by_id(refused.id), JobRun.get_by_id(failed.id)
    assert (refused.status, refused.message) == (JobStatus.REFUSED, "no, thank you")
    assert failed.status == JobStatus.FAILED and "ValueError: boom" in failed.error
    assert "boom" not in failed.message  # the user reads a plain message; the error is for administrators
    assert Period.select().count() == 0


def test_a_job_whose_queue_entry_vanished_is_marked_failed_and_its_upload_removed(app, tmp_path):
    upload = tmp_path / "upload.csv"
    upload.write_text("personal data")
    with app.test_request_context():
        run = jobs.start("test.echo", {"text": "x"}, actor="officer", role="officer", title="t", upload=str(upload))
        connection(app).delete(f"rq:job:{run.rq_id}")  # Redis restarted without its data
        JobRun.update(created_at=now() - datetime.timedelta(minutes=1)).where(JobRun.id == run.id).execute()
        assert sweeper.sweep()["marked"] == 1
    run = JobRun.get_by_id(run.id)
    assert run.status == JobStatus.FAILED and run.error == "lost (queue)" and run.message
    assert not upload.exists()


def test_a_running_job_without_heartbeat_is_marked_failed(app):
    with app.test_request_context():
        run = start(app)
    run.set_state(status=JobStatus.RUNNING, heartbeat_at=now() - datetime.timedelta(minutes=5))
    fresh = start(app)
    fresh.set_state(status=JobStatus.RUNNING, heartbeat_at=now())
    with app.app_context():
        assert sweeper.sweep()["marked"] == 1
    assert JobRun.get_by_id(run.id).status == JobStatus.FAILED
    assert JobRun.get_by_id(fresh.id).status == JobStatus.RUNNING


def test_a_settled_job_is_never_run_again(app, work_jobs):
    run = start(app)
    run.set_state(status=JobStatus.FAILED)
    work_jobs()
    assert JobRun.get_by_id(run.id).status == JobStatus.FAILED
    assert Period.select().count() == 0


def test_the_worker_schedules_each_recurring_job_once(app):
    with app.app_context():
        first = schedule.schedule_all()
        again = schedule.schedule_all()
        assert [j.id for j in first] == [j.id for j in again]
        scheduled = ScheduledJobRegistry(queue=queue(app)).get_job_ids()
    assert sorted(scheduled) == sorted(j.id for j in first)
    assert {j.args for j in first} >= {(JobKinds.JOBS_SWEEP,), (JobKinds.SAMPLING_PROPOSE_RELEASES,)}


@pytest.mark.parametrize(
    "spec, at, expected",
    [
        (Recurring("k", every=datetime.timedelta(seconds=15)), "2026-11-24 10:00:07", "2026-11-24 10:00:15"),
        (Recurring("k", every=datetime.timedelta(seconds=15)), "2026-11-24 10:00:15", "2026-11-24 10:00:30"),
        (Recurring("k", daily_at=datetime.time(6)), "2026-11-24 05:59:59", "2026-11-24 06:00:00"),
        (Recurring("k", daily_at=datetime.time(6)), "2026-11-24 06:00:00", "2026-11-25 06:00:00"),
    ],
)
def test_next_run_times(spec, at, expected):
    fmt = "%Y-%m-%d %H:%M:%S"
    assert spec.next_run(datetime.datetime.strptime(at, fmt)) == datetime.datetime.strptime(expected, fmt)


def test_recurring_jobs_are_declared_by_their_domains():
    assert RECURRING[JobKinds.JOBS_SWEEP].record is False
    assert RECURRING[JobKinds.SAMPLING_PROPOSE_RELEASES].daily_at == datetime.time(6)


def test_starting_a_job_with_redis_unreachable_records_nothing(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    with app.test_request_context(), pytest.raises(jobs.QueueUnavailable):
        jobs.start("test.echo", {"text": "x"}, actor="a", role="admin", title="t")
    assert JobRun.select().count() == 0


def test_job_payloads_carry_only_the_row_id(app):
    run = start(app)
    from rq.job import Job

    job = Job.fetch(run.rq_id, connection=connection(app))
    assert job.args == (run.id,) and not job.kwargs


def test_a_failed_scheduled_run_is_tried_again_a_few_times(app, auth, users, client):
    from jobs.registry import RECURRING as plans
    from jobs.registry import TASKS, Recurring

    def flaky(ctx):
        raise RuntimeError("the SMTP server is down")

    TASKS["test.flaky"], plans["test.flaky"] = flaky, Recurring("test.flaky", daily_at=datetime.time(3))
    try:
        with app.app_context():
            for attempt in range(schedule.RETRIES + 1):
                with pytest.raises(RuntimeError):
                    schedule.run_recurring("test.flaky", attempt)
            jobs_ = [
                Job.fetch(i, connection=connection(app)) for i in ScheduledJobRegistry(queue=queue(app)).get_job_ids()
            ]
            retries = sorted(j.args for j in jobs_ if j.args[0] == "test.flaky" and len(j.args) == 2)
            regular = [j for j in jobs_ if j.args == ("test.flaky",)]
        assert retries == [("test.flaky", 1), ("test.flaky", 2), ("test.flaky", 3)]  # never a fourth
        assert len(regular) == 1  # the next regular run, scheduled once
        runs = JobRun.select().where(JobRun.kind == "test.flaky")
        assert runs.count() == 4 and {r.status for r in runs} == {JobStatus.FAILED}
        auth.login("admin")
        page = client.get("/admin/jobs/").get_data(as_text=True)
        assert 'data-kind="test.flaky"' in page and 'data-testid="scheduled"' in page
    finally:
        TASKS.pop("test.flaky"), plans.pop("test.flaky")

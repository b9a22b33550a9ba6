"""Uploads run as background jobs on a real Redis, processed by a real worker, with progress and a report."""

import io
import os

from jobs.queue import queue
from models import Case, ImportRun, JobRun, JobStatus, Unit


def upload(client, kind, name, data):
    return client.post(
        "/admin/imports/", data={"kind": kind, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_upload_runs_as_a_job_and_shows_its_report(app, client, users, auth, fixture_file, work_jobs):
    auth.login("officer")
    for kind in ("units", "procedures", "cases"):
        with open(fixture_file(f"{kind}.csv"), "rb") as f:
            response = upload(client, kind, f"{kind}.csv", f.read())
        assert response.status_code == 302
        run = ImportRun.select().order_by(ImportRun.id.desc()).first()
        assert response.headers["Location"].endswith(f"/admin/imports/{run.id}")
        assert run.job.status == JobStatus.QUEUED and run.job.rq_id and run.job.actor == "officer"
        assert client.get(f"/admin/imports/{run.id}/status", follow_redirects=True).get_json()["status"] == "queued"
        work_jobs()
        run = ImportRun.get_by_id(run.id)
        assert run.job.status == JobStatus.DONE, run.job.message
        status = client.get(f"/admin/imports/{run.id}/status", follow_redirects=True).get_json()
        assert status["status"] == "done" and status["progress"] == 100.0
    assert (run.created, run.rejected, run.warnings) == (6, 4, 2)
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert 'data-testid="import-report"' in page
    for line in (6, 7, 8, 9):
        assert f"<td>{line}</td>" in page  # line numbers
    assert Case.select().count() == 6 and Unit.select().count() == 6
    assert os.listdir(app.config["UPLOAD_FOLDER"]) == []  # personal data is not kept on disk


def test_the_job_row_records_who_what_when_and_the_outcome(app, client, users, auth, fixture_file, work_jobs):
    auth.login("admin")
    with open(fixture_file("units.csv"), "rb") as f:
        upload(client, "units", "units.csv", f.read())
    work_jobs()
    job = ImportRun.select().order_by(ImportRun.id.desc()).first().job
    assert (job.kind, job.actor, job.role, job.status, job.progress) == ("import", "admin", "admin", "done", 100.0)
    assert job.created_at <= job.started_at <= job.finished_at
    assert job.summary_dict()["created"] == 6 and "6" in job.message
    assert job.upload and not os.path.exists(job.upload)
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert 'data-testid="jobs"' in page and "units.csv" in page


def test_a_refused_file_is_reported_and_changes_nothing(app, client, users, auth, work_jobs):
    auth.login("officer")
    upload(client, "cases", "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    work_jobs()
    run = ImportRun.select().order_by(ImportRun.id.desc()).first()
    assert run.job.status == JobStatus.REFUSED and run.job.message
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert 'data-testid="import-refused"' in page
    assert Case.select().count() == 0


def test_upload_form_rejects_a_missing_or_wrong_file(app, client, users, auth):
    auth.login("officer")
    response = client.post("/admin/imports/", data={"kind": "cases"}, content_type="multipart/form-data")
    assert response.status_code == 200
    response = upload(client, "cases", "notes.pdf", b"%PDF-1.4")
    assert response.status_code == 200
    response = upload(client, "everything", "cases.csv", b"ma_ho_so\n")
    assert response.status_code == 200
    assert ImportRun.select().count() == 0 and JobRun.select().count() == 0
    assert queue(app).count == 0


def test_auditors_cannot_upload(app, client, users, auth):
    auth.login("auditor")
    response = upload(client, "units", "units.csv", b"ma_don_vi,ten_don_vi,cap\nX,Y,xa\n")
    assert response.status_code == 403
    assert ImportRun.select().count() == 0


def test_with_the_queue_unreachable_an_upload_says_so_and_changes_nothing(make_app, users, auth, fixture_file):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    client = app.test_client()
    auth.login("officer", client=client)
    with open(fixture_file("units.csv"), "rb") as f:
        response = upload(client, "units", "units.csv", f.read())
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/imports/")
    page = client.get("/admin/imports/").get_data(as_text=True)
    assert "alert-danger" in page or "alert-error" in page
    assert ImportRun.select().count() == 0 and JobRun.select().count() == 0
    assert os.listdir(app.config["UPLOAD_FOLDER"]) == []


def test_the_report_page_quotes_offending_values_escaped(app, client, users, auth, fixture_file, work_jobs):
    auth.login("officer")
    for kind in ("units", "procedures"):
        with open(fixture_file(f"{kind}.csv"), "rb") as f:
            upload(client, kind, f"{kind}.csv", f.read())
    data = "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan\nE-1,<b>X9</b>,1.000001,truc_tiep,01/10/2026\n"
    upload(client, "cases", "cases.csv", data.encode())
    work_jobs()
    run = ImportRun.select().order_by(ImportRun.id.desc()).first()
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert "<code>&lt;b&gt;X9&lt;/b&gt;</code>" in page and "<b>X9</b>" not in page

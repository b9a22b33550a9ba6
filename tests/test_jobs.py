"""Uploads run as rq jobs on a real Redis, processed by a real worker, with progress and a report."""
import io
import os

from rq import Queue, SimpleWorker

from backoffice.queue import connection
from conftest import FIXTURES, login
from models import Case, ImportRun, Unit


def work(app):
    """Run the app's queue to completion with a real rq worker."""
    from backoffice.queue import queue
    with app.app_context():
        SimpleWorker([queue(app)], connection=connection(app)).work(burst=True)


def upload(client, kind, name, data):
    return client.post("/admin/imports/", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_upload_runs_as_a_job_and_shows_its_report(app, client, users):
    login(client, "officer")
    for kind in ("units", "procedures", "cases"):
        with open(os.path.join(FIXTURES, f"{kind}.csv"), "rb") as f:
            response = upload(client, kind, f"{kind}.csv", f.read())
        assert response.status_code == 302
        run = ImportRun.select().order_by(ImportRun.id.desc()).first()
        assert response.headers["Location"].endswith(f"/admin/imports/{run.id}")
        assert run.status == "queued" and run.job_id
        assert client.get(f"/admin/imports/{run.id}/status").get_json()["status"] == "queued"
        work(app)
        run = ImportRun.get_by_id(run.id)
        assert run.status == "done", run.message
        status = client.get(f"/admin/imports/{run.id}/status").get_json()
        assert status == {"status": "done", "progress": 100.0, "message": None}
    assert (run.created, run.rejected, run.warnings) == (6, 4, 2)
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert 'data-testid="import-report"' in page
    for line in (6, 7, 8, 9):
        assert f"<td>{line}</td>" in page
    assert Case.select().count() == 6 and Unit.select().count() == 6
    assert os.listdir(app.config["UPLOAD_FOLDER"]) == []  # personal data is not kept on disk


def test_job_records_progress_in_its_meta(app, client, users):
    from rq.job import Job

    login(client, "admin")
    with open(os.path.join(FIXTURES, "units.csv"), "rb") as f:
        upload(client, "units", "units.csv", f.read())
    run = ImportRun.select().order_by(ImportRun.id.desc()).first()
    work(app)
    job = Job.fetch(run.job_id, connection=connection(app))
    assert job.get_status() == "finished"
    assert job.get_meta()["progress"] == 100.0
    assert job.return_value()["created"] == 6


def test_a_refused_file_is_reported_and_changes_nothing(app, client, users):
    login(client, "officer")
    upload(client, "cases", "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    work(app)
    run = ImportRun.select().order_by(ImportRun.id.desc()).first()
    assert run.status == "refused" and run.message
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert 'data-testid="import-refused"' in page
    assert Case.select().count() == 0


def test_upload_form_rejects_a_missing_or_wrong_file(app, client, users):
    login(client, "officer")
    response = client.post("/admin/imports/", data={"kind": "cases"}, content_type="multipart/form-data")
    assert response.status_code == 200
    response = upload(client, "cases", "notes.pdf", b"%PDF-1.4")
    assert response.status_code == 200
    response = upload(client, "everything", "cases.csv", b"ma_ho_so\n")
    assert response.status_code == 200
    assert ImportRun.select().count() == 0
    assert Queue(app.config["RQ_QUEUE"], connection=connection(app)).count == 0


def test_auditors_cannot_upload(app, client, users):
    login(client, "auditor")
    response = upload(client, "units", "units.csv", b"ma_don_vi,ten_don_vi,cap\nX,Y,xa\n")
    assert response.status_code == 403
    assert ImportRun.select().count() == 0


def test_a_run_whose_job_was_lost_is_reported_failed_and_its_upload_deleted(app, client, users):
    login(client, "officer")
    with open(os.path.join(FIXTURES, "units.csv"), "rb") as f:
        upload(client, "units", "units.csv", f.read())
    run = ImportRun.select().order_by(ImportRun.id.desc()).first()
    assert len(os.listdir(app.config["UPLOAD_FOLDER"])) == 1
    queue_connection = connection(app)
    queue_connection.delete(f"rq:job:{run.job_id}")  # Redis restarted without its data
    status = client.get(f"/admin/imports/{run.id}/status").get_json()
    assert status["status"] == "failed" and status["progress"] == 100.0
    assert ImportRun.get_by_id(run.id).status == "failed"
    assert os.listdir(app.config["UPLOAD_FOLDER"]) == []
    assert Unit.select().count() == 0

"""Upload of an import file: it runs as an rq job with a progress bar, then shows its report."""
import os

from flask import abort, current_app, flash, jsonify, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from rq.exceptions import NoSuchJobError
from rq.job import Job
from wtforms import SelectField

from models import ImportRun, now

from .. import permissions, queue
from ..importing import KINDS, file_sha256
from ..jobs import import_job
from .base import SecureBaseView, _role

KIND_LABELS = {"units": _l("Units"), "procedures": _l("Procedures"), "cases": _l("Cases (dossiers)")}


class UploadForm(FlaskForm):
    kind = SelectField(_l("What the file contains"), choices=[(k, KIND_LABELS[k]) for k in KINDS])
    file = FileField(_l("File (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], _l("Only CSV or XLSX files can be imported."))])


class ImportView(SecureBaseView):
    permission = "imports"

    @expose("/", methods=["GET", "POST"])
    def index(self):
        form = UploadForm()
        if form.validate_on_submit():
            if not permissions.can_write(_role(), self.permission):
                abort(403)
            upload = form.file.data
            run = ImportRun.create(kind=form.kind.data, filename=(upload.filename or "")[:300],
                                   actor=current_user.username)
            path = upload_path(run.id)
            upload.save(path)
            run.file_sha256 = file_sha256(path)
            try:
                job = queue.enqueue(import_job, run.id, form.kind.data, path,
                                    current_user.username, current_user.role_id)
            except Exception:
                os.remove(path)
                run.status, run.message = "failed", "queue unavailable"
                run.save()
                flash(_("The job queue is not available; try again in a moment."), "error")
                return redirect(url_for(".index"))
            run.job_id = job.id
            run.save()
            return redirect(url_for(".run", run_id=run.id))
        runs = ImportRun.select().order_by(ImportRun.id.desc()).limit(20)
        return self.render("admin/import_upload.html", form=form, runs=runs, kinds=KIND_LABELS)

    @expose("/<int:run_id>")
    def run(self, run_id):
        run = ImportRun.get_or_none(ImportRun.id == run_id)
        if run is None:
            abort(404)
        return self.render("admin/import_run.html", run=run, kinds=KIND_LABELS,
                           report=run.report_dict() if run.status == "done" else None)

    @expose("/<int:run_id>/status")
    def status(self, run_id):
        run = ImportRun.get_or_none(ImportRun.id == run_id)
        if run is None:
            abort(404)
        progress = 100.0 if run.status in ("done", "refused", "failed") else 0.0
        if run.job_id and progress < 100:
            try:
                job = Job.fetch(run.job_id, connection=queue.connection())
            except NoSuchJobError:
                job = None
            if job is None or job.get_status() in ("failed", "stopped", "canceled"):
                run = fail_lost_run(run)  # the worker or Redis lost it: say so, and drop the upload
                progress = 100.0
            else:
                progress = job.get_meta(refresh=True).get("progress", 0.0)
        return jsonify(status=run.status, progress=progress, message=run.message)


def upload_path(run_id):
    """Where an upload waits for its import job (deleted by the job, or when the run is lost)."""
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return os.path.join(folder, f"run-{run_id}")


def fail_lost_run(run):
    run = ImportRun.get_by_id(run.id)
    if run.status in ("queued", "running"):
        run.status, run.message, run.finished_at = "failed", "lost", now()
        run.save()
    try:
        os.remove(upload_path(run.id))
    except OSError:
        pass
    return run

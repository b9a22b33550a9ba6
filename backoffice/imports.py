"""Upload of an import file: it runs as a background job with a progress bar, then shows its report."""

import os

from flask import abort, current_app, redirect, url_for
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField

from importing import KINDS, file_sha256
from models import ImportRun, JobKinds

from . import permissions
from .base import SecureBaseView, _role
from .jobs import STATUS_LABELS, start

KIND_LABELS = {"units": _l("Units"), "procedures": _l("Procedures"), "cases": _l("Cases (dossiers)")}


class UploadForm(FlaskForm):
    kind = SelectField(_l("What the file contains"), choices=[(k, KIND_LABELS[k]) for k in KINDS])
    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv", "xlsx"], _l("Only CSV or XLSX files can be imported.")),
        ],
    )


def upload_path(run_id):
    """Where an upload waits for its import job (deleted when the job ends, or when it is found lost)."""
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return os.path.join(folder, f"import-{run_id}")


class ImportView(SecureBaseView):
    permission = "imports"

    @expose("/", methods=["GET", "POST"])
    def index(self):
        form = UploadForm()
        if form.validate_on_submit():
            if not permissions.can_write(_role(), self.permission):
                abort(403)
            upload = form.file.data
            run = ImportRun.create(kind=form.kind.data, filename=(upload.filename or "")[:300])
            path = upload_path(run.id)
            upload.save(path)
            run.file_sha256 = file_sha256(path)
            title = f"{KIND_LABELS[run.kind]}: {run.filename}"
            job = start(
                JobKinds.IMPORT, {"run_id": run.id}, title=title, return_to=url_for(".run", run_id=run.id), upload=path
            )
            if job is None:  # nothing was started: forget the upload and its run
                os.remove(path)
                run.delete_instance()
                return redirect(url_for(".index"))
            run.job = job
            run.save()
            return redirect(url_for(".run", run_id=run.id))
        return self.render(
            "admin/import_upload.html",
            form=form,
            runs=list(ImportRun.recent()),
            kinds=KIND_LABELS,
            statuses=STATUS_LABELS,
        )

    @expose("/<int:run_id>")
    def run(self, run_id):
        run = ImportRun.get_or_none(ImportRun.id == run_id)
        if run is None or run.job is None:
            abort(404)
        return self.render(
            "admin/import_run.html",
            run=run,
            job=run.job,
            kinds=KIND_LABELS,
            report=run.report_dict() if run.job.ok else None,
        )

    @expose("/<int:run_id>/status")
    def status(self, run_id):
        """The import's job state (JSON), as the progress bar polls it."""
        run = ImportRun.get_or_none(ImportRun.id == run_id)
        if run is None or run.job_id is None:
            abort(404)
        return redirect(url_for("jobs.status", run_id=run.job_id))

"""Answers from outside the app uploaded by a supervisor: imported by a background job with a progress
bar, then its report (counts, rejected rows and warnings with their line and reason)."""

import os
import uuid

from flask import abort, current_app, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from models import JobKinds, JobRun

from . import permissions
from .base import SecureBaseView, _role
from .jobs import STATUS_LABELS, start


class AnswersUploadForm(FlaskForm):
    file = FileField(
        _l("File of answers (CSV or XLSX)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv", "xlsx"], _l("Only CSV or XLSX files can be imported.")),
        ],
    )
    approve = BooleanField(_l("Approve the interviews it creates or changes (as their supervisor)"))


def upload_path():
    """Where an upload waits for its job (deleted when the job ends, or when it is found lost)."""
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return os.path.join(folder, f"answers-{uuid.uuid4().hex}")


def recent(limit=20):
    return JobRun.select().where(JobRun.kind == JobKinds.INTERVIEWS_IMPORT).order_by(JobRun.id.desc()).limit(limit)


class InterviewImportView(SecureBaseView):
    permission = "interview_imports"

    @expose("/", methods=["GET", "POST"])
    def index(self):
        form = AnswersUploadForm()
        if form.validate_on_submit():
            if not permissions.can_write(_role(), self.permission):
                abort(403)
            upload = form.file.data
            filename = (upload.filename or "")[:200]
            path = upload_path()
            upload.save(path)
            job = start(
                JobKinds.INTERVIEWS_IMPORT,
                {"approve": bool(form.approve.data), "filename": filename},
                title=_("Answers: %(name)s", name=filename),
                return_to=url_for(".index"),
                upload=path,
            )
            if job is None:  # nothing was started: forget the upload
                os.remove(path)
                return redirect(url_for(".index"))
            job.set_state(return_to=url_for(".run", run_id=job.id))
            return redirect(url_for(".run", run_id=job.id))
        return self.render("admin/interview_import.html", form=form, runs=list(recent()), statuses=STATUS_LABELS)

    def _job(self, run_id):
        job = JobRun.get_or_none((JobRun.id == run_id) & (JobRun.kind == JobKinds.INTERVIEWS_IMPORT))
        if job is None:
            abort(404)
        return job

    @expose("/<int:run_id>")
    def run(self, run_id):
        job = self._job(run_id)
        summary = job.summary_dict() or {}
        return self.render(
            "admin/interview_import_run.html",
            job=job,
            params=job.params_dict(),
            report=summary.get("report") if job.ok else None,
            summary=summary,
        )

    @expose("/<int:run_id>/status")
    def status(self, run_id):
        """The job's state (JSON), as the progress bar polls it."""
        return redirect(url_for("jobs.status", run_id=self._job(run_id).id))

"""Upload of an import file: it runs as a background job with a progress bar, then shows its report."""

import os
import unicodedata
from urllib.parse import quote

from flask import Response, abort, current_app, redirect, render_template, stream_with_context, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField

from formatting import date
from importing import KINDS, file_sha256
from importing.jobs import keep_days
from importing.rejected import stored_text
from models import ImportRun, JobKinds, PersonalDataViews, audit, now
from models.pii import cipher

from . import permissions
from .base import SecureBaseView, _role
from .jobs import STATUS_LABELS, start

KIND_LABELS = {"units": _l("Units"), "procedures": _l("Procedures"), "cases": _l("Cases (dossiers)")}
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it
REJECTED_SUFFIX = "-rejected.csv"
REJECTED_EXPORT = "rejected_rows"  # what a download of rejected rows is, in the audit trail


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
            rejected_available=run.rejected_available(now()),
            may_download=permissions.can_write(_role(), self.permission),
            keep_days=keep_days(),
        )

    @expose("/<int:run_id>/rejected.csv")
    def rejected_csv(self, run_id):
        """The run's rejected rows in the file's own columns, to fix and import again: CSV, UTF-8 with a
        BOM (for Excel), streamed a chunk at a time; each download recorded in the audit trail."""
        if not permissions.can_write(_role(), self.permission):
            abort(403)
        run = ImportRun.get_or_none(ImportRun.id == run_id)
        if run is None or run.job is None:
            abort(404)
        if not run.rejected_available(now()):
            return _no_rejected_rows(run)
        audit.record_event(  # who downloaded which import's rows (a view of personal data): never the rows
            PersonalDataViews.REJECTED_ROWS,
            ImportRun._meta.table_name,
            str(run.id),
            {"format": "csv", "view": self.endpoint, "rows": REJECTED_EXPORT, "count": run.rejected_kept},
        )
        body = stream_with_context(_encoded(stored_text(run, cipher())))
        response = Response(body, mimetype="text/csv")
        response.headers["Content-Disposition"] = _attachment(rejected_filename(run.filename))
        response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a browser or proxy
        return response

    @expose("/<int:run_id>/status")
    def status(self, run_id):
        """The import's job state (JSON), as the progress bar polls it."""
        run = ImportRun.get_or_none(ImportRun.id == run_id)
        if run is None or run.job_id is None:
            abort(404)
        return redirect(url_for("jobs.status", run_id=run.job_id))


def _no_rejected_rows(run):
    """404, saying why: the rows were deleted (and when), or there were none to keep."""
    if run.rejected_kept and run.rejected_until is not None:
        message = _(
            "The rejected rows of this import were deleted on %(date)s (they are kept %(days)d days). "
            "Import the original file again to find them.",
            date=date(run.rejected_until),
            days=keep_days(),
        )
        title = _("Rejected rows deleted")
    else:
        title, message = _("No rejected rows"), _("This import has no rejected rows to download.")
    return render_template("error.html", code=404, title=title, message=message), 404


def _encoded(texts):
    yield BOM.encode()
    for text in texts:
        yield text.encode()


def rejected_filename(filename):
    """`cases-oct.xlsx` -> `cases-oct-rejected.csv`."""
    stem = os.path.splitext(os.path.basename(filename.replace("\\", "/")))[0] or "import"
    return stem + REJECTED_SUFFIX


def _attachment(filename):
    """A Content-Disposition for any file name: an ASCII fallback, and the name itself (RFC 6266)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in ascii_name) or "rejected.csv"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"

"""The import of an uploaded file as a background job."""

from flask_babel import gettext as _

from jobs import task
from models import ImportRun, JobKinds

from .files import ImportRefused, import_file


@task(JobKinds.IMPORT)
def import_job(ctx, run_id):
    """Import the job's upload (deleted when the job ends: it holds personal data) for ImportRun `run_id`."""
    run = ImportRun.get_by_id(run_id)

    def progress(report, fraction):
        ctx.progress(fraction, _("%(n)d rows", n=report.processed))

    try:
        report = import_file(run.kind, ctx.run.upload, progress)
    except ImportRefused as exc:
        return {"ok": False, "message": str(exc)}
    run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
    run.rejected, run.warnings = report.rejected_total, report.warnings_total
    run.report = report.to_json()
    run.save()
    return {
        "ok": True,
        "message": _(
            "Import finished: %(c)d created, %(u)d updated, %(n)d unchanged, %(r)d rejected.",
            c=report.created,
            u=report.updated,
            n=report.unchanged,
            r=report.rejected_total,
        ),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected_total,
        "warnings": report.warnings_total,
    }

"""The import of an uploaded file as a background job; the daily deletion of expired rejected rows."""

import datetime

from flask import current_app
from flask_babel import gettext as _

from jobs import recurring, task
from models import ImportRun, JobKinds, now
from models.pii import cipher

from .files import ImportRefused, import_file
from .rejected import RejectedRowsKeeper, purge_expired

KEEP_DAYS_KEY = "REJECTED_ROWS_KEEP_DAYS"  # days an import's rejected rows are kept for download
PURGE_AT = datetime.time(3, 30)  # local time of the daily deletion of expired rejected rows


def keep_days():
    return int(current_app.config.get(KEEP_DAYS_KEY, 7))


@task(JobKinds.IMPORT)
def import_job(ctx, run_id):
    """Import the job's upload (deleted when the job ends: it holds personal data) for ImportRun `run_id`;
    its rejected rows are kept, encrypted, for download during keep_days()."""
    run = ImportRun.get_by_id(run_id)

    def progress(report, fraction):
        ctx.progress(fraction, _("%(n)d rows", n=report.processed))

    expires_at = now() + datetime.timedelta(days=keep_days())
    try:
        with RejectedRowsKeeper(run.id, cipher(), expires_at) as keeper:
            report = import_file(run.kind, ctx.run.upload, progress, rejected=keeper)
            kept = keeper.finish()
    except ImportRefused as exc:
        return {"ok": False, "message": str(exc)}
    run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
    run.rejected, run.warnings = report.rejected_total, report.warnings_total
    run.report = report.to_json()
    run.rejected_kept, run.rejected_until = kept, expires_at
    run.save()
    return {
        "ok": True,
        "message": report.finished_message(),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected_total,
        "warnings": report.warnings_total,
    }


@recurring(JobKinds.IMPORT_PURGE_REJECTED, daily_at=PURGE_AT)
def purge_rejected_job(ctx):
    """Daily: delete the rejected rows kept past their time."""
    deleted = purge_expired()
    return {"message": _("Expired rejected rows deleted (%(n)d chunks).", n=deleted), "deleted": deleted}

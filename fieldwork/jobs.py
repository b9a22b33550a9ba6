"""Fieldwork's background jobs: answers imported from an uploaded file."""

from flask_babel import gettext as _

from importing import ImportRefused
from jobs import task
from models import JobKinds, User

from .answers_import import import_answers


@task(JobKinds.INTERVIEWS_IMPORT)
def import_answers_job(ctx, approve=False, filename=""):
    """Import the job's upload (deleted when the job ends); with `approve`, the interviews created or
    changed are approved by the user who started the job (a supervisor or an administrator)."""
    reviewer = User.get_or_none(User.username == ctx.run.actor) if approve else None

    def progress(report, fraction):
        ctx.progress(fraction, _("%(n)d rows", n=report.processed))

    try:
        report = import_answers(ctx.run.upload, approve=approve, reviewer=reviewer, progress=progress)
    except ImportRefused as exc:
        return {"ok": False, "message": str(exc)}
    return {
        "ok": True,
        "message": report.finished_message(),
        "report": report.to_dict(),
        "rejected_total": report.rejected_total,
        "warnings_total": report.warnings_total,
    }

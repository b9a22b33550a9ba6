"""Background jobs in the back office: the recent jobs list, and one job's progress then result."""

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import jobs
from models import JobKinds, JobRun, JobStatus, Roles

from .base import SecureBaseView

STATUS_LABELS = {
    JobStatus.QUEUED: _l("Queued"),
    JobStatus.RUNNING: _l("Running"),
    JobStatus.DONE: _l("Done"),
    JobStatus.REFUSED: _l("Refused"),
    JobStatus.FAILED: _l("Failed"),
}
KIND_LABELS = {
    JobKinds.IMPORT: _l("Import"),
    JobKinds.IMPORT_PURGE_REJECTED: _l("Daily deletion of expired rejected rows"),
    JobKinds.SAMPLING_ALLOCATE: _l("Allocation"),
    JobKinds.SAMPLING_OVERRIDE: _l("Quota override"),
    JobKinds.SAMPLING_DRAW: _l("Draw"),
    JobKinds.SAMPLING_RELEASE: _l("Release of reserve"),
    JobKinds.SAMPLING_ASSIGN: _l("Assignment"),
    JobKinds.SAMPLING_PROPOSE_RELEASES: _l("Daily reserve proposals"),
    JobKinds.SAMPLING_VERIFY: _l("Verification of a draw"),
    JobKinds.AUDIT_VERIFY: _l("Verification of the audit chain"),
    JobKinds.INTERVIEWS_IMPORT: _l("Import of answers"),
    JobKinds.JOBS_SWEEP: _l("Sweep of lost jobs"),
    JobKinds.ALERT_MAIL: _l("E-mail of new alerts"),
    JobKinds.LINKS_ISSUE: _l("Issue of survey links"),
    JobKinds.LINKS_SEND: _l("Sending of survey invitations"),
    JobKinds.LINKS_LOCK: _l("Daily lock of survey links"),
    JobKinds.LINKS_REMIND: _l("Daily survey reminders"),
    JobKinds.LINKS_OUTBOX_EXPORT: _l("Export of waiting SMS"),
    JobKinds.RESULTS_COMPILE: _l("Compilation of results"),
    JobKinds.RESULTS_MONTHLY: _l("Monthly compilation of results"),
    JobKinds.RECHECKS_DRAW: _l("Draw of a re-check sample"),
    JobKinds.RECHECKS_VERIFY: _l("Verification of a re-check sample"),
    JobKinds.FLAGS_COMPUTE: _l("Fabrication flags of a period"),
}


def scheduled():
    """The recurring jobs: when each runs, and its last recorded run (None when not recorded)."""
    out = []
    for kind, plan in sorted(jobs.RECURRING.items()):
        last = JobRun.select().where(JobRun.kind == kind).order_by(JobRun.id.desc()).first() if plan.record else None
        every = (
            _("daily at %(t)s", t=plan.daily_at.strftime("%H:%M"))
            if plan.daily_at
            else _("every %(n)d s", n=int(plan.every.total_seconds()))
        )
        out.append({"kind": kind, "when": every, "last": last, "recorded": plan.record})
    return out


SEES_ALL = {Roles.ADMIN, Roles.SUPERVISOR}


def start(kind, params, *, title, return_to, upload=None):
    """Start a job on behalf of the current user; its JobRun, or None (with a message shown) when the
    job queue cannot be reached, in which case nothing was started."""
    try:
        return jobs.start(
            kind,
            params,
            actor=current_user.username,
            role=current_user.role_id,
            title=title,
            return_to=return_to,
            upload=upload,
        )
    except jobs.QueueUnavailable:
        flash(
            _(
                "The job queue is not available, so nothing was started; try again in a moment or tell "
                "the administrator."
            ),
            "error",
        )
        return None


def follow(run, fallback):
    """To the job's progress page, or back to `fallback` when it could not start."""
    return redirect(url_for("jobs.show", run_id=run.id) if run else fallback)


class JobView(SecureBaseView):
    permission = "jobs"

    def is_visible(self):
        return current_user.is_authenticated and current_user.role_id in SEES_ALL

    def _run(self, run_id):
        run = JobRun.get_or_none(JobRun.id == run_id)
        if run is None or (run.actor != current_user.username and current_user.role_id not in SEES_ALL):
            abort(404)
        return run

    @expose("/")
    def index(self):
        if current_user.role_id not in SEES_ALL:
            return redirect(url_for("admin.index"))
        jobs.sweeper.sweep()  # so that a lost job shows as such even with no worker running
        runs = list(JobRun.recent(100))
        return self.render(
            "admin/jobs.html", runs=runs, statuses=STATUS_LABELS, kinds=KIND_LABELS, scheduled=scheduled()
        )

    @expose("/<int:run_id>")
    def show(self, run_id):
        run = self._run(run_id)
        if run.finished and request.args.get("stay") is None:
            good = run.ok and run.summary_dict().get("passed", True)  # a verification may find a fault
            flash(run.message or "", "success" if good else "error")
            return redirect(run.return_to or url_for(".index"))
        return self.render("admin/job.html", run=run, statuses=STATUS_LABELS, kinds=KIND_LABELS)

    @expose("/<int:run_id>/status")
    def status(self, run_id):
        run = self._run(run_id)
        if not run.finished:
            jobs.sweeper.sweep()  # the same judgement as the scheduled sweeper, without waiting for it
            run = JobRun.get_by_id(run.id)
        return jsonify(status=run.status, progress=100.0 if run.finished else run.progress, message=run.message)

"""A page that follows any background job of the current user: progress bar, then its result."""
from flask import abort, flash, jsonify, redirect, url_for
from flask_admin import expose
from flask_login import current_user
from rq.exceptions import NoSuchJobError
from rq.job import Job

from .. import queue
from .base import SecureBaseView


def start(func, *args, title, return_to):
    """Enqueue a job on behalf of the current user; return the URL of its progress page."""
    job = queue.enqueue(func, *args, current_user.username, current_user.role_id,
                        job_meta={"owner": current_user.username, "title": str(title), "return_to": return_to})
    return url_for("jobs.show", job_id=job.id)


class JobView(SecureBaseView):
    permission = "jobs"

    def is_visible(self):
        return False

    def _job(self, job_id):
        try:
            job = Job.fetch(job_id, connection=queue.connection())
        except (NoSuchJobError, ValueError):
            abort(404)
        if job.meta.get("owner") != current_user.username and current_user.role_id != "admin":
            abort(404)
        return job

    @expose("/")
    def index(self):
        return redirect(url_for("admin.index"))

    @expose("/<job_id>")
    def show(self, job_id):
        job = self._job(job_id)
        status = job.get_status()
        if status == "finished":
            result = job.return_value() or {}
            flash(result.get("message", ""), "success" if result.get("ok", True) else "error")
            return redirect(job.meta.get("return_to") or url_for("admin.index"))
        return self.render("admin/job.html", job=job, status=status)

    @expose("/<job_id>/status")
    def status(self, job_id):
        job = self._job(job_id)
        meta = job.get_meta(refresh=True)
        status = job.get_status()
        return jsonify(status=getattr(status, "value", status), progress=meta.get("progress", 0.0))

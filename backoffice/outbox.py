"""The outbox in the back office (admin and supervisor): its messages counted by channel and state for
a period, the latest ones (no address: none is stored), "Send now", and the SMS waiting exported as
a delivery file for a bulk-SMS service, offered once to who asked for it."""

import os

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from exports import CSV, MIMETYPES, file_chunks
from links import delivery_file, outbox, outbox_view, sms
from models import (
    JobKinds,
    JobRun,
    JobStatus,
    LinkChannels,
    MessagePurpose,
    MessageState,
    Period,
    PersonalDataViews,
    audit,
    now,
)

from .base import SecureBaseView
from .jobs import follow, start

STATE_LABELS = {
    MessageState.PENDING: _l("Waiting"),
    MessageState.SENT: _l("Sent"),
    MessageState.EXPORTED: _l("Exported for SMS"),
    MessageState.DELIVERED: _l("Delivered"),
    MessageState.FAILED: _l("Failed"),
    outbox_view.ENDED: _l("Not sent (link ended)"),
}
CHANNEL_LABELS = {LinkChannels.EMAIL: _l("E-mail"), LinkChannels.SMS: _l("SMS / Zalo")}
PURPOSE_LABELS = {MessagePurpose.INVITE: _l("Invitation"), MessagePurpose.REMINDER: _l("Reminder")}


def delivery_run(run_id):
    """The finished export job of the current user whose file is still there, or None."""
    run = JobRun.get_or_none((JobRun.id == run_id) & (JobRun.kind == JobKinds.LINKS_OUTBOX_EXPORT))
    if run is None or run.actor != current_user.username or run.status != JobStatus.DONE:
        return None
    path = _file_of(run)
    return run if path and os.path.isfile(path) else None


def _file_of(run):
    name = (run.summary_dict() or {}).get("file") or ""
    if not name.startswith(delivery_file.PREFIX) or os.path.basename(name) != name:
        return None
    return os.path.join(current_app.config["UPLOAD_FOLDER"], name)


def my_delivery_files():
    runs = (
        JobRun.select()
        .where((JobRun.kind == JobKinds.LINKS_OUTBOX_EXPORT) & (JobRun.actor == current_user.username))
        .order_by(JobRun.id.desc())
        .limit(5)
    )
    return [run for run in runs if delivery_run(run.id)]


class OutboxView(SecureBaseView):
    permission = "outbox"
    write_endpoints = ("send_now", "export_sms", "download")

    @expose("/")
    def index(self):
        config = current_app.config
        delivery_file.purge(config.get("UPLOAD_FOLDER"))
        periods = list(Period.select().order_by(Period.month.desc()))
        month = request.args.get("period", "")
        period = next((p for p in periods if p.month == month), None)
        period_id = period.id if period else None
        ready = outbox.deliverers(config)
        gateway = LinkChannels.SMS in ready
        return self.render(
            "admin/outbox.html",
            periods=periods,
            period=period,
            counts=outbox_view.counts(period_id),
            messages=outbox_view.latest(period_id),
            states=STATE_LABELS,
            channels=CHANNEL_LABELS,
            purposes=PURPOSE_LABELS,
            smtp=LinkChannels.EMAIL in ready,
            gateway=gateway,
            sms_waiting=0 if gateway else delivery_file.waiting(config, period).count(),
            files=my_delivery_files(),
            form=FlaskForm(),
        )

    def _back(self):
        month = request.form.get("period") or ""
        return url_for(".index", period=month) if month else url_for(".index")

    @expose("/send", methods=["POST"])
    def send_now(self):
        run = start(JobKinds.LINKS_SEND, {}, title=_("Outbox: send now"), return_to=self._back())
        return follow(run, self._back())

    @expose("/export", methods=["POST"])
    def export_sms(self):
        if sms.sender(current_app.config) is not None:
            flash(_("An SMS gateway is configured: SMS are sent through it, no file is needed."), "error")
            return redirect(self._back())
        period = Period.get_or_none(Period.month == (request.form.get("period") or ""))
        run = start(
            JobKinds.LINKS_OUTBOX_EXPORT,
            {"period_id": period.id if period else None},
            title=_("Outbox: SMS for a bulk-SMS service"),
            return_to=self._back(),
        )
        return follow(run, self._back())

    @expose("/download/<int:run_id>", methods=["POST"])
    def download(self, run_id):
        """The delivery file, once: deleted as it is sent; the download recorded in the audit trail."""
        run = delivery_run(run_id)
        if run is None:
            abort(404)
        path = _file_of(run)
        audit.record_event(  # the phones of the file: a view of personal data
            PersonalDataViews.SMS_DELIVERY_FILE, delivery_file.AUDITED_AS, None, {"file": "sms_delivery", "job": run.id}
        )
        moved = f"{path}.sending"
        os.replace(path, moved)  # a second click finds nothing, whatever the first download does
        filename = f"sms_{now():%Y-%m-%d_%H-%M}.{CSV}"
        return Response(
            file_chunks(moved),
            mimetype=MIMETYPES[CSV],
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
        )

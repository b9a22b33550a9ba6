"""The links' background jobs: issuing from the back office, the daily lock, the outbox sent every
two minutes, the daily reminders, the SMS waiting exported as a file."""

import datetime
import os
import secrets

from flask import current_app
from flask_babel import gettext as _

from jobs import recurring, task
from models import JobKinds, Period

from . import delivery_file, issuing, outbox, reminders, service
from .settings import LinkSettingsError

LOCK_AT = datetime.time(0, 5)  # local time, daily
REMIND_AT = datetime.time(9, 0)  # local time, daily: the reminders go out in the morning
SEND_EVERY = datetime.timedelta(minutes=2)


@task(JobKinds.LINKS_ISSUE)
def issue_job(ctx, period_id, channel=None):
    """Issue a period's links, with progress."""
    period = Period.get_by_id(period_id)

    def progress(report, fraction):
        ctx.progress(fraction, _("%(n)d link(s) issued", n=sum(report.issued.values())))

    try:
        report = issuing.issue(period, channel or None, progress=progress)
    except LinkSettingsError as exc:
        return {"ok": False, "message": str(exc)}
    data = report.to_dict()
    return {
        "ok": True,
        "message": _("%(n)d link(s) issued for %(month)s.", n=data["issued_total"], month=period.month),
        "report": data,
    }


@recurring(JobKinds.LINKS_LOCK, daily_at=LOCK_AT)
def lock_job(ctx):
    """Daily: the links whose time is up are locked (each request checks the time as well)."""
    locked, closed = service.lock_due()
    return {"message": _("%(n)d link(s) locked, %(c)d closed (answered through another channel).", n=locked, c=closed)}


def send_message(report):
    return _(
        "%(sent)d message(s) sent, %(failed)d failed (tried again later), %(skipped)d not sent (the link ended).",
        **report.to_dict(),
    )


@recurring(JobKinds.LINKS_SEND, every=SEND_EVERY, record=False)
def send_job(ctx):
    """Every two minutes (or "Send now"): the outbox's e-mails, and its SMS when a gateway is set up."""
    config = current_app.config
    delivery_file.purge(config.get("UPLOAD_FOLDER"))
    if not outbox.deliverers(config):
        return {"message": _("Neither an SMTP server nor an SMS gateway is configured: nothing was sent.")}
    report = outbox.send_pending(config)
    return {"message": send_message(report), "report": report.to_dict(), "ok": True}


@recurring(JobKinds.LINKS_REMIND, daily_at=REMIND_AT)
def remind_job(ctx):
    """Daily: one reminder queued for each link still unanswered after its period's reminder days."""
    queued = reminders.queue_reminders()
    return {"message": _("%(n)d reminder(s) queued.", n=queued), "queued": queued}


@task(JobKinds.LINKS_OUTBOX_EXPORT)
def outbox_export_job(ctx, period_id=None):
    """The SMS waiting written to a delivery file in the upload folder, offered once to who started it."""
    config = current_app.config
    period = Period.get_by_id(period_id) if period_id else None
    if not delivery_file.waiting(config, period).count():
        return {"ok": False, "message": _("No SMS is waiting to be sent: no file was made.")}
    folder = config["UPLOAD_FOLDER"]
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = delivery_file.job_path(folder, ctx.run.id, secrets.token_hex(8))
    report = delivery_file.export(config, path, period)
    return {
        "message": _("%(n)d SMS written to the file for the bulk-SMS service.", n=report.exported),
        "report": report.to_dict(),
        "file": os.path.basename(path),
    }

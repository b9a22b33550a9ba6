"""The links' background jobs: issuing from the back office, and the daily lock."""

import datetime

from flask_babel import gettext as _

from jobs import recurring, task
from models import JobKinds, Period

from . import issuing, service
from .settings import LinkSettingsError

LOCK_AT = datetime.time(0, 5)  # local time, daily


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

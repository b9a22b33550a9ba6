"""The results' jobs: a compilation from the back office, and the monthly one."""

import datetime

from flask_babel import gettext as _

from jobs import recurring, task
from models import JobKinds, Period, now

from . import service
from .settings import ResultSettingsError

MONTHLY_AT = datetime.time(1, 0)  # local time (Asia/Ho_Chi_Minh), on the first of the month


@task(JobKinds.RESULTS_COMPILE)
def compile_job(ctx, period_id, note=None):
    period = Period.get_by_id(period_id)
    try:
        version, created = service.compile_period(period, note, progress=lambda f: ctx.progress(f, ""))
    except ResultSettingsError as exc:
        return {"ok": False, "message": str(exc)}
    message = (
        _("%(month)s: version %(n)d compiled.", month=period.month, n=version.number)
        if created
        else _("%(month)s: nothing changed since version %(n)d.", month=period.month, n=version.number)
    )
    return {"ok": True, "message": message, "version_id": version.id}


@recurring(JobKinds.RESULTS_MONTHLY, daily_at=MONTHLY_AT)
def monthly_job(ctx):
    """Daily at 01:00; on the first of a month it compiles the month before (idempotent: compiling
    unchanged figures makes no new version)."""
    today = now().date()
    if today.day != 1:
        return {"message": _("Not the first of the month: nothing to compile.")}
    last = today - datetime.timedelta(days=1)
    period = Period.get_or_none(Period.month == last.strftime("%Y-%m"))
    if period is None:
        return {"message": _("No cases were imported for %(month)s.", month=last.strftime("%Y-%m"))}
    version, created = service.compile_period(period, _("Monthly compilation"))
    return {"message": _("%(month)s: version %(n)d compiled.", month=period.month, n=version.number)}

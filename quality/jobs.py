"""The flags of a period recomputed in the background (from the back office's flags page)."""

from flask_babel import gettext as _

from jobs import task
from models import JobKinds, Period

from . import service
from .settings import QualitySettingsError


@task(JobKinds.FLAGS_COMPUTE)
def compute_job(ctx, period_id):
    period = Period.get_by_id(period_id)
    try:
        report = service.flag_period(period, progress=lambda f: ctx.progress(f, ""))
    except QualitySettingsError as exc:
        return {"ok": False, "message": str(exc)}
    return {"ok": True, "message": summary(period, report)}


def summary(period, report):
    return _(
        "%(month)s: %(n)d complete interview(s) checked, %(flags)d flag(s).",
        month=period.month,
        n=report["interviews"],
        flags=sum(report["flags"].values()),
    )

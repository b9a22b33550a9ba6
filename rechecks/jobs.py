"""The re-check draw and its verification as background jobs."""

from flask_babel import gettext as _

from jobs import task
from models import JobKinds, Period

from . import service
from .messages import describe, verification_lines
from .settings import RecheckSettingsError


@task(JobKinds.RECHECKS_DRAW)
def draw_job(ctx, period_id, share=None, seed=None):
    period = Period.get_by_id(period_id)
    try:
        made, count = service.draw(period, share, seed or None, progress=lambda f: ctx.progress(f, ""))
    except service.RecheckRefused as exc:
        return {"ok": False, "message": describe(exc)}
    except RecheckSettingsError as exc:
        return {"ok": False, "message": str(exc)}
    return {
        "ok": True,
        "message": _("%(n)d interviews to re-check, drawn with seed %(seed)s.", n=count, seed=made.seed),
    }


@task(JobKinds.RECHECKS_VERIFY)
def verify_job(ctx, period_id):
    """Redraw from the recorded seed and frame and compare: the message says whether they agree."""
    try:
        result = service.verify(Period.get_by_id(period_id))
    except service.RecheckRefused as exc:
        return {"ok": False, "message": describe(exc)}
    passed, lines = verification_lines(result)
    return {"ok": True, "passed": passed, "message": " ".join(lines), "result": result}

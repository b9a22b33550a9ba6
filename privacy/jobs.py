"""The daily purge of personal data past its retention (PERSONAL_DATA_KEEP_DAYS after the period's
first publication)."""

import datetime

from flask import current_app
from flask_babel import gettext as _

from jobs import recurring
from models import JobKinds

from . import service

PURGE_AT = datetime.time(2, 45)  # local time, before the day's work


@recurring(JobKinds.PRIVACY_PURGE, daily_at=PURGE_AT)
def purge_job(ctx):
    """Daily: the names, phones and e-mails of every period past its retention removed."""
    keep_days = current_app.config["PERSONAL_DATA_KEEP_DAYS"]
    done = service.purge_due(keep_days, progress=ctx.progress)
    months = ", ".join(month for month, _counts in done)
    return {
        "message": _("Personal data purged: %(months)s.", months=months)
        if done
        else _("No period is past its personal-data retention."),
        "periods": [{"month": month, **counts} for month, counts in done],
    }

"""Personal data after its time: the names, phones and e-mails of a period removed once its retention,
counted from the period's first publication, has passed (a daily job), through the audited writes,
leaving answers, interviews and figures as they are."""

from . import jobs, retention, service

__all__ = ["init_app", "jobs", "retention", "service"]


def init_app(app):
    app.config.setdefault("PERSONAL_DATA_KEEP_DAYS", 90)

"""When a period's personal data is due for removal (pure)."""

import datetime


def purge_due_at(first_published_at, keep_days):
    """The moment a period's personal data may be removed: its first publication plus the retention;
    None for a period never published (its data is kept until it is)."""
    if first_published_at is None:
        return None
    return first_published_at + datetime.timedelta(days=int(keep_days))


def is_due(first_published_at, keep_days, at):
    due = purge_due_at(first_published_at, keep_days)
    return due is not None and due <= at

"""One reminder per link: queued once the period's `reminder_days` have passed since sending, if the
link is still live (not answered, declined, locked or closed) and was reached by e-mail or SMS; never
twice (the link's reminded_at). The sender checks the link again before it goes."""

import datetime

from peewee import JOIN

from models import (
    Interview,
    LinkChannels,
    LinkStatus,
    MessagePurpose,
    MessageState,
    OutboxMessage,
    Period,
    SurveyLink,
    db,
    now,
)
from models.audited import insert_rows, update_rows
from models.bulk import reserve_ids

from .issuing import MESSAGE_COLUMNS
from .settings import merged


def due(period, at):
    """(link id, channel, reminded_at) of the period's links a reminder is due for now."""
    days = merged(period.settings)["reminder_days"]
    if not days:
        return []
    return list(
        SurveyLink.select(SurveyLink.id, SurveyLink.channel, SurveyLink.reminded_at)
        .join(Interview, on=(Interview.complete_case == SurveyLink.case), join_type=JOIN.LEFT_OUTER)
        .where(
            (SurveyLink.period == period.id)
            & (SurveyLink.status == LinkStatus.SENT)
            & SurveyLink.channel.in_(LinkChannels.MESSAGED)
            & SurveyLink.reminded_at.is_null()
            & (SurveyLink.sent_at <= at - datetime.timedelta(days=days))
            & (SurveyLink.locks_at > at)
            & Interview.id.is_null()
        )
        .order_by(SurveyLink.id)
        .tuples()
    )


def queue_reminders(at=None):
    """Queue the reminders due now (one outbox message each, the link's reminded_at set); returns how
    many were queued."""
    at = at or now()
    periods = (
        Period.select()
        .join(SurveyLink, on=(SurveyLink.period == Period.id))
        .where((SurveyLink.status == LinkStatus.SENT) & SurveyLink.reminded_at.is_null())
        .distinct()
    )
    queued = 0
    for period in periods:
        links = due(period, at)
        if not links:
            continue
        with db.atomic():
            ids = reserve_ids(OutboxMessage, len(links))
            rows = [
                (m, link_id, channel, MessagePurpose.REMINDER, MessageState.PENDING, 0, at)
                for m, (link_id, channel, _r) in zip(ids, links)
            ]
            insert_rows(OutboxMessage, MESSAGE_COLUMNS, rows)
            update_rows(SurveyLink, ((i, {"reminded_at": None}, {"reminded_at": at}) for i, _c, _r in links))
        queued += len(links)
    return queued

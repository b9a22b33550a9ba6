"""What the back office shows of the outbox (no address, no text: there is none stored): counts by
channel and state, and the latest messages."""

from peewee import fn

from models import LinkStatus, MessageState, OutboxMessage, SurveyLink, now

ENDED = "ended"  # pending or failed, its link ended (answered, declined, locked, closed): never sent
STATES = (
    MessageState.PENDING,
    MessageState.SENT,
    MessageState.EXPORTED,
    MessageState.DELIVERED,
    MessageState.FAILED,
    ENDED,
)


def _of(query, period_id):
    return query.where(SurveyLink.period == period_id) if period_id else query


def _grouped(period_id, where=None):
    query = (
        OutboxMessage.select(OutboxMessage.channel, OutboxMessage.state, fn.COUNT(OutboxMessage.id))
        .join(SurveyLink, on=(OutboxMessage.link == SurveyLink.id))
        .group_by(OutboxMessage.channel, OutboxMessage.state)
    )
    if where is not None:
        query = query.where(where)
    return _of(query, period_id).tuples()


def counts(period_id=None, at=None):
    """{channel: {state: count}}; waiting messages of a link that ended count as ENDED."""
    at = at or now()
    ended = OutboxMessage.state.in_((MessageState.PENDING, MessageState.FAILED)) & (
        SurveyLink.status.not_in(LinkStatus.LIVE) | (SurveyLink.locks_at <= at)
    )
    table = {}
    for channel, state, n in _grouped(period_id):
        table.setdefault(channel, dict.fromkeys(STATES, 0))[state] = n
    for channel, state, n in _grouped(period_id, ended):
        table[channel][state] -= n
        table[channel][ENDED] += n
    return table


def latest(period_id=None, limit=50):
    """The latest messages, newest first, with their link's status."""
    query = (
        OutboxMessage.select(OutboxMessage, SurveyLink.status, SurveyLink.period)
        .join(SurveyLink, on=(OutboxMessage.link == SurveyLink.id))
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(_of(query, period_id))

"""The demo's self-administered surveys, through the same services as real ones: a month's links
issued (e-mail first, else SMS), their messages sent (no SMTP in the demo: marked sent, the tokens
minted and forgotten), some answered online, a few declined; in finished months the rest locked."""

import datetime
import random

from peewee import JOIN, fn

from links import issuing, service, tokens
from models import Case, LinkStatus, MessageState, OutboxMessage, SurveyLink, Unit, now
from models.audited import update_rows

from .fieldwork import answers

ANSWER_SHARE, DECLINE_SHARE = 0.08, 0.01  # of the links sent
MAX_ANSWERED = 300  # per month: enough to see, quick to load


def _send_all(period, at):
    """Every waiting message of the period's links "sent" at `at` (the demo has no SMTP server)."""
    waiting = (
        OutboxMessage.select(OutboxMessage)
        .join(SurveyLink, on=(OutboxMessage.link == SurveyLink.id))
        .where((SurveyLink.period == period) & (OutboxMessage.state == MessageState.PENDING))
    )
    for message in list(waiting):
        link = SurveyLink.get_by_id(message.link_id)
        tokens.mint(link, message.purpose)  # minted and forgotten: nobody can open these links
        service.mark_sent(link, at)
        message.state, message.sent_at, message.tries = MessageState.SENT, at, 1
        message.save()


def _answer(link, rng):
    _link, interview = service.response_for(link.id)
    service.save(link.id, interview.id, answers(interview.version.definition_dict(), rng))
    return service.submit(link.id, interview.id)


def load_links(period, finished, seed=2026):
    """Links for `period` (a Period), sent, some answered and declined; `finished`: dated as sent the
    day after the month and, their 10 days gone, locked. Returns {status: count}."""
    rng = random.Random(f"{seed}-{period.month}")
    if SurveyLink.select().where(SurveyLink.period == period).exists():
        return _counts(period)  # loaded before
    issuing.issue(period)
    _send_all(period, now() - datetime.timedelta(days=2))
    sent = list(
        SurveyLink.select()
        .where((SurveyLink.period == period) & (SurveyLink.status == LinkStatus.SENT))
        .order_by(SurveyLink.id)
    )
    rng.shuffle(sent)
    answered = min(MAX_ANSWERED, int(len(sent) * ANSWER_SHARE))
    declined = int(len(sent) * DECLINE_SHARE)
    for link in sent[:answered]:
        try:
            _answer(link, rng)
        except service.LinkRefused:
            continue  # no form for its dossier, or answered by phone already
    for link in sent[answered : answered + declined]:
        service.decline(link.id)
    if finished:
        _backdate(period)
        service.lock_due()
    return _counts(period)


def _backdate(period):
    """A finished month's links dated as sent the day after it, answered within their 10 days."""
    _start, end = period.bounds
    sent_at = end + datetime.timedelta(days=1, hours=9)
    changes = []
    for link in SurveyLink.select().where(SurveyLink.period == period):
        before = {"sent_at": link.sent_at, "locks_at": link.locks_at, "finished_at": link.finished_at}
        after = {"sent_at": sent_at, "locks_at": sent_at + (link.locks_at - link.sent_at)}
        after["finished_at"] = sent_at + datetime.timedelta(days=2) if link.finished_at else None
        changes.append((link.id, before, after))
    update_rows(SurveyLink, changes)


def _counts(period):
    query = SurveyLink.select(SurveyLink.status, fn.COUNT(SurveyLink.id)).where(SurveyLink.period == period)
    return dict(query.group_by(SurveyLink.status).tuples())


def counter_example():
    """(unit code, dossier code) of a dossier returned in the last days that can still be answered at
    the counter's survey website: for the demo's printed hint."""
    recent = now() - datetime.timedelta(days=5)
    query = (
        Case.select(Case.code, Unit.code)
        .join(Unit, on=(Case.unit == Unit.id))
        .join(SurveyLink, join_type=JOIN.LEFT_OUTER, on=(SurveyLink.case == Case.id))
        .where((Case.returned_at >= recent) & (Case.returned_at <= now()) & SurveyLink.id.is_null())
        .order_by(Case.id)
        .tuples()
    )
    row = query.first()
    return (row[1], row[0]) if row else None

"""Issuing a period's links: one per eligible case that has none and no complete answer yet, in
bulk with their audit records; e-mail and SMS links get an outbox message each (sent by a job)."""

import collections
import dataclasses

from peewee import JOIN

from models import (
    Case,
    Contact,
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
from models.audited import insert_rows
from models.bulk import reserve_ids

from .eligibility import channel_for
from .settings import merged

CHUNK = 5000  # cases read and written at a time
LINK_COLUMNS = ("id", "case_id", "period_id", "channel", "status", "created_at")
MESSAGE_COLUMNS = ("id", "link_id", "channel", "purpose", "state", "tries", "created_at")


@dataclasses.dataclass
class IssueReport:
    period: str
    cases: int = 0  # returned in the period
    issued: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # by channel
    had_link: int = 0
    answered: int = 0  # a complete answer already (an interview)
    not_eligible: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # by reason

    def to_dict(self):
        return {
            "period": self.period,
            "cases": self.cases,
            "issued": dict(sorted(self.issued.items())),
            "issued_total": sum(self.issued.values()),
            "had_link": self.had_link,
            "answered": self.answered,
            "not_eligible": dict(sorted(self.not_eligible.items())),
        }


def _facts(period):
    """(case id, submission channel, has e-mail, has phone, has a link, has a complete) of the
    period's returned cases, in id order."""
    start, end = period.bounds
    return (
        Case.select(
            Case.id,
            Case.channel,
            Contact.email_enc.is_null(False),
            Case.has_phone,
            SurveyLink.id.is_null(False),
            Interview.id.is_null(False),
        )
        .join(Contact, on=(Contact.case == Case.id), join_type=JOIN.LEFT_OUTER)
        .switch(Case)
        .join(SurveyLink, on=(SurveyLink.case == Case.id), join_type=JOIN.LEFT_OUTER)
        .switch(Case)
        .join(Interview, on=(Interview.complete_case == Case.id), join_type=JOIN.LEFT_OUTER)
        .where((Case.returned_at >= start) & (Case.returned_at < end))
        .order_by(Case.id)
        .tuples()
    )


def issue(period, channel=None, progress=None):
    """Issue the period's links (see the module); returns an IssueReport. Running it again issues
    only what is new: cases imported since, or a channel not asked for before."""
    settings = merged(period.settings)
    report = IssueReport(period.month)
    facts = list(_facts(period))
    report.cases = len(facts)
    pending = []
    for case_id, submitted, has_email, has_phone, has_link, answered in facts:
        if has_link:
            report.had_link += 1
        elif answered:
            report.answered += 1
        else:
            chosen, reason = channel_for(settings, channel, submitted, bool(has_email), bool(has_phone))
            if chosen is None:
                report.not_eligible[reason] += 1
            else:
                pending.append((case_id, chosen))
    for start in range(0, len(pending), CHUNK):
        _write(period, pending[start : start + CHUNK], report)
        if progress:
            progress(report, min(1.0, (start + CHUNK) / len(pending)))
    return report


def _write(period, chunk, report):
    stamp = now()
    with db.atomic():
        ids = reserve_ids(SurveyLink, len(chunk))
        links = [(i, case_id, period.id, chosen, LinkStatus.ISSUED, stamp) for i, (case_id, chosen) in zip(ids, chunk)]
        insert_rows(SurveyLink, LINK_COLUMNS, links)
        messaged = [(i, chosen) for i, _case, _p, chosen, _s, _t in links if chosen in LinkChannels.MESSAGED]
        if messaged:
            message_ids = reserve_ids(OutboxMessage, len(messaged))
            insert_rows(
                OutboxMessage,
                MESSAGE_COLUMNS,
                [
                    (m, link_id, chosen, MessagePurpose.INVITE, MessageState.PENDING, 0, stamp)
                    for m, (link_id, chosen) in zip(message_ids, messaged)
                ],
            )
    for _case, chosen in chunk:
        report.issued[chosen] += 1


def period_of(month):
    """The period of a month that has cases, or None."""
    return Period.get_or_none(Period.month == month)

"""QR slips: a sheet of the period's QR links of one unit (the issued ones, not printed yet), or one
slip for one case when its result is returned. Printing mints a token per slip and marks the link
sent (its lock counts from then); a reprint adds a token and the older slips keep working. The
tokens are returned once, for the page that prints them, and kept nowhere."""

import dataclasses
import datetime
import urllib.parse

from peewee import fn

from fieldwork.interviewing import version_for
from models import (
    Case,
    Interview,
    LinkChannels,
    LinkStatus,
    LinkToken,
    Modes,
    Procedure,
    SurveyLink,
    audit,
    db,
    is_postgres,
    now,
    token_hash,
)
from models.audited import insert_rows, update_rows
from models.bulk import reserve_ids

from . import service, tokens
from .service import LinkRefused

SHEET_MAX = 200  # slips a request prints at most; the rest on the next sheet
COUNTER_PATH = "/u/"  # the counter's survey website of a unit (public.counter)
PRINT = "print"  # the audit trail's action for printed slips


@dataclasses.dataclass(frozen=True)
class Slip:
    """What one printed slip shows: nothing personal, the dossier code so the counter hands it to the
    right citizen, and the address its token opens."""

    case_code: str
    unit: str
    procedure: str
    url: str
    locks_at: datetime.datetime  # the last moment it can be answered


def counter_url(base_url, unit_code):
    """The address of a unit's counter survey website (the fixed QR at its counter)."""
    return base_url.rstrip("/") + COUNTER_PATH + urllib.parse.quote(unit_code, safe="")


def _waiting(period, unit):
    """The unit's QR links issued and not printed, their case not answered through another channel."""
    return (
        SurveyLink.select(SurveyLink, Case.code, Procedure.name)
        .join(Case, on=(SurveyLink.case == Case.id))
        .join(Procedure, on=(Case.procedure == Procedure.id))
        .where(
            (SurveyLink.period == period)
            & (SurveyLink.channel == LinkChannels.QR)
            & (SurveyLink.status == LinkStatus.ISSUED)
            & (Case.unit == unit)
            & ~fn.EXISTS(Interview.select(Interview.id).where(Interview.complete_case == Case.id))
        )
    )


def waiting(period, unit):
    """How many of the period's QR links of a unit are issued and not printed yet."""
    return _waiting(period, unit).count()


def print_sheet(period, unit, base_url, limit=None):
    """Print up to `limit` (SHEET_MAX) of the unit's waiting QR links: ([Slip], how many still wait)."""
    with db.atomic():
        query = _waiting(period, unit).order_by(Procedure.name, Case.code, SurveyLink.id).limit(limit or SHEET_MAX)
        links = list(query.for_update() if is_postgres() else query)
        if not links:
            return [], 0
        at = now()
        locks_at = at + datetime.timedelta(days=service.lock_days(period.id))
        minted = [tokens.new() for _link in links]
        insert_rows(
            LinkToken,
            ("id", "link_id", "token_hash", "purpose", "created_at"),
            [
                (i, link.id, token_hash(token), LinkChannels.QR, at)
                for i, link, token in zip(reserve_ids(LinkToken, len(links)), links, minted)
            ],
        )
        update_rows(
            SurveyLink,
            (
                (
                    link.id,
                    {"status": link.status, "sent_at": link.sent_at, "locks_at": link.locks_at},
                    {"status": LinkStatus.SENT, "sent_at": at, "locks_at": locks_at},
                )
                for link in links
            ),
        )
        audit.record_event(
            PRINT, SurveyLink._meta.table_name, None, {"period": period.month, "unit": unit.code, "slips": len(links)}
        )
        left = waiting(period, unit)
    slips = [
        Slip(link.case.code, unit.name, link.case.procedure.name, tokens.url(base_url, token), locks_at)
        for link, token in zip(links, minted)
    ]
    return slips, left


def for_case(case, base_url):
    """One slip for a returned case: its link made (QR) if it has none, sent now; a new token if it
    had one (a reprint: the older slip keeps working). LinkRefused: not_returned, no_form, closed
    (answered, declined or locked)."""
    if case.returned_at is None:
        raise LinkRefused("not_returned")
    if version_for(case, Modes.SELF) is None:
        raise LinkRefused("no_form")
    if Interview.get_or_none(Interview.complete_case == case.id) is not None:
        raise LinkRefused("closed")
    with db.atomic():
        link = service.issue_at_counter(case, LinkChannels.QR)
        if link is None:
            raise LinkRefused("closed")
        token = tokens.mint(link, LinkChannels.QR)
        audit.record_event(PRINT, SurveyLink._meta.table_name, link.id, {"unit": case.unit.code, "slips": 1})
    full = Case.with_names(case.id)
    return Slip(full.code, full.unit.name, full.procedure.name, tokens.url(base_url, token), link.locks_at)

"""The SMS waiting, as a file for a bulk-SMS service (when no gateway is configured): `phone,message`
rows, UTF-8 with a byte-order mark. It holds phones on purpose: it is the delivery file. Writing it
marks its messages exported and their links sent, in one transaction, and records the export in the
audit trail; a second export never holds what the first did."""

import dataclasses
import os

from exports import csv_chunks
from models import Case, LinkChannels, MessageState, OutboxMessage, Period, SurveyLink, audit, db, now

from . import messages, service, tokens
from .outbox import address_of, lock_date, why_not

HEADERS = ("phone", "message")
AUDITED_AS = "outbox_message"


@dataclasses.dataclass
class ExportReport:
    exported: int = 0
    skipped: int = 0  # no phone on the contact any more, or the link ended meanwhile

    def to_dict(self):
        return dataclasses.asdict(self)


def dialled(e164):
    """+84912345678 -> 84912345678: the digits a bulk-SMS service takes (no "+", which a spreadsheet
    would read as a formula)."""
    return e164.lstrip("+")


def waiting(config, period=None):
    query = OutboxMessage.waiting(LinkChannels.SMS, int(config.get("OUTBOX_MAX_TRIES") or 5))
    return query.where(SurveyLink.period == period.id) if period is not None else query


def _rows(config, ids, report, at):
    for message_id in ids:
        message = OutboxMessage.locked(message_id)
        link = SurveyLink.locked(message.link_id)
        phone = address_of(link.case_id, LinkChannels.SMS)
        if why_not(link, at) or not phone:
            report.skipped += 1
            continue
        case = Case.with_names(link.case_id)
        url = tokens.url(config["SURVEY_BASE_URL"], tokens.mint(link, message.purpose))
        text = messages.sms(message.purpose, case.unit.name, url, lock_date(link, at))
        message.state, message.tries, message.sent_at, message.error = (
            MessageState.EXPORTED,
            message.tries + 1,
            at,
            None,
        )
        message.save()
        service.mark_sent(link, at)
        report.exported += 1
        yield dialled(phone), text


def export(config, path, period=None):
    """Write the waiting SMS (of a period, or all) to `path`; returns an ExportReport. Nothing is
    marked unless the whole file is written."""
    report, at = ExportReport(), now()
    partial = f"{path}.part"
    try:
        with db.atomic():
            ids = [m.id for m in waiting(config, period)]
            with open(partial, "wb", opener=_private) as handle:
                for chunk in csv_chunks(HEADERS, _rows(config, ids, report, at)):
                    handle.write(chunk)
            audit.record_event(
                "export",
                AUDITED_AS,
                None,
                {"format": "csv", "file": "sms_delivery", "rows": report.exported, "period": _month(period)},
            )
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return report


def _private(path, flags):
    """The file readable by the app's user alone: it holds phones."""
    return os.open(path, flags, 0o600)


def _month(period):
    return period.month if isinstance(period, Period) else None


PREFIX = "outbox-sms-"  # the delivery files a job writes in the upload folder
KEEP_SECONDS = 86400  # one not downloaded is deleted after a day


def job_path(folder, run_id, nonce):
    return os.path.join(folder, f"{PREFIX}{run_id}-{nonce}.csv")


def purge(folder, at=None):
    """Delete the delivery files older than a day; returns how many."""
    if not folder or not os.path.isdir(folder):
        return 0
    limit = (at or now()).timestamp() - KEEP_SECONDS
    removed = 0
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.startswith(PREFIX) and os.path.getmtime(path) < limit:
            try:
                os.remove(path)
            except OSError:
                continue
            removed += 1
    return removed

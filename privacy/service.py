"""The purge of a period's personal data, through the audited write API (each change an audit record,
its personal values redacted), in transactions of CHUNK rows so that a purge interrupted half-way is
taken up by the next run; idempotent: what is already gone is not touched again.

What holds a respondent's personal data (docs/security.md): the contact (name, phone, e-mail, encrypted,
and the phone's keyed hash) and the drawn sample's copy of the phone hash. The outbox holds no address
(made when sent); an import's rejected rows are deleted after REJECTED_ROWS_KEEP_DAYS by their own job;
the audit trail never held them."""

from peewee import fn

from models import Case, Contact, Period, PrivacyEvents, ResultVersion, SampleCase, audit, db, now
from models.audited import update_rows

from .retention import is_due, purge_due_at

CHUNK = 1000
CONTACT_FIELDS = ("name_enc", "phone_enc", "email_enc", "phone_hash")


def first_publications():
    """{period id: when its first version was published} of every published period."""
    query = (
        ResultVersion.select(ResultVersion.period, fn.MIN(ResultVersion.published_at))
        .where(ResultVersion.published_at.is_null(False))
        .group_by(ResultVersion.period)
        .tuples()
    )
    return dict(query)


def state(period, keep_days, first_published=None):
    """("purged", when) | ("due", when) (past or future) | ("kept", None): never published."""
    if period.purged_at is not None:
        return "purged", period.purged_at
    due = purge_due_at(first_published, keep_days)
    return ("due", due) if due is not None else ("kept", None)


def periods_due(keep_days, at=None):
    """The periods not purged yet whose retention has passed at `at`, oldest first."""
    at = at or now()
    published = first_publications()
    periods = Period.select().where(Period.purged_at.is_null() & Period.id.in_(list(published) or [0]))
    return [p for p in periods.order_by(Period.month) if is_due(published[p.id], keep_days, at)]


def _contacts_left(period, after):
    """The next contacts (by case id, after `after`) of the period's cases still holding a value."""
    start, end = period.bounds
    holding = Contact.name_enc.is_null(False)
    for name in CONTACT_FIELDS[1:]:
        holding = holding | getattr(Contact, name).is_null(False)
    return (
        Contact.select(Contact.case, *[getattr(Contact, f) for f in CONTACT_FIELDS])
        .join(Case, on=(Contact.case == Case.id))
        .where((Case.returned_at >= start) & (Case.returned_at < end) & (Contact.case > after) & holding)
        .order_by(Contact.case)
        .limit(CHUNK)
    )


def _purge_contacts(period):
    done, after = 0, 0
    while True:
        rows = list(_contacts_left(period, after).tuples())
        if not rows:
            return done
        after = rows[-1][0]
        changes = [
            (case_id, dict(zip(CONTACT_FIELDS, values, strict=True)), dict.fromkeys(CONTACT_FIELDS))
            for case_id, *values in rows
        ]
        with db.atomic():
            done += update_rows(Contact, changes)


def _purge_sample(period):
    done, after = 0, 0
    while True:
        query = SampleCase.select(SampleCase.id, SampleCase.phone_hash).where(
            (SampleCase.period == period) & SampleCase.phone_hash.is_null(False) & (SampleCase.id > after)
        )
        rows = list(query.order_by(SampleCase.id).limit(CHUNK).tuples())
        if not rows:
            return done
        after = rows[-1][0]
        with db.atomic():
            done += update_rows(SampleCase, [(pk, {"phone_hash": h}, {"phone_hash": None}) for pk, h in rows])


def purge_period(period, keep_days, first_published, at=None):
    """Remove the period's names, phones and e-mails and mark it purged; returns the counts."""
    at = at or now()
    counts = {"contacts": _purge_contacts(period), "sample": _purge_sample(period)}
    with db.atomic():
        period = Period.locked(period.id)
        period.purged_at = at
        period.save()
        audit.record_event(
            PrivacyEvents.PURGE,
            PrivacyEvents.MODEL,
            period.id,
            {
                "month": period.month,
                "first_published_at": str(first_published),
                "keep_days": int(keep_days),
                **counts,
            },
        )
    return counts


def purge_due(keep_days, at=None, progress=None):
    """Purge every period past its retention; returns [(month, counts)]."""
    at = at or now()
    due = periods_due(keep_days, at)
    published = first_publications()
    done = []
    for i, period in enumerate(due):
        done.append((period.month, purge_period(period, keep_days, published[period.id], at)))
        if progress:
            progress((i + 1) / len(due), period.month)
    return done

"""The re-check sample on the database (drawn and verified), the auditor's re-check of a case (the
phone revealed and audited, the answers saved and compared), the comparison figures, and a
supervisor's invalidation of an interview, which queues a new results version."""

import hashlib
import json
import re
import secrets

from flask_babel import gettext as _
from peewee import fn

import jobs
from models import (
    Assignment,
    Case,
    Contact,
    Dispositions,
    Interview,
    InterviewChannels,
    InterviewFlag,
    InterviewStatus,
    JobKinds,
    Period,
    PersonalDataViews,
    RecheckCase,
    RecheckDraw,
    RecheckOutcomes,
    RecheckStatus,
    Roles,
    Unit,
    User,
    audit,
    db,
    now,
)
from models.audit import current_actor
from models.audited import insert_rows
from models.bulk import reserve_ids
from models.pii import cipher

from . import compare, form
from .draw import assign, choose
from .settings import merged, valid_share

SEED_RE = re.compile(r"^[\w\-.:]{1,64}$")
REVEAL = PersonalDataViews.RECHECK_CONTACT  # the audit trail's action (a personal-data view)
MIN_REASON = 5
CASE_COLUMNS = (
    "id",
    "draw_id",
    "interview_id",
    "enumerator_id",
    "reason",
    "rank",
    "auditor_id",
    "status",
    "compared_1",
    "differing_1",
    "compared_2",
    "differing_2",
    "compared_3",
    "shift_3",
)
SELF = InterviewChannels.SELF  # answered by the citizen alone: every other channel was led by an enumerator


class RecheckRefused(ValueError):
    """A re-check step refused, with a code naming why; nothing was changed."""

    def __init__(self, code, errors=None):
        super().__init__(code)
        self.errors = errors or {}


class NotYours(LookupError):
    """Not one of this auditor's (open) re-check cases: answered as if it did not exist."""


def _note(progress, fraction):
    if progress:
        progress(fraction)


def frame_rows(period, statuses=(InterviewStatus.APPROVED,)):
    """(interview id, enumerator id, end time) of the period's interviews led by an enumerator (phone,
    face to face, a paper form typed in) in these statuses, in work order (enumerator, end time or
    else start, id): one query, the database filtering and sorting, its rows read as the driver gives
    them (the time as the database writes it: the digest is compared within one database)."""
    start, end = period.bounds
    when = fn.COALESCE(Interview.ended_at, Interview.started_at)
    query = (
        Interview.select(Interview.id, Interview.enumerator, when)
        .join(Case, on=(Interview.case == Case.id))
        .where(
            (Case.returned_at >= start)
            & (Case.returned_at < end)
            & Interview.status.in_(statuses)
            & Interview.enumerator.is_null(False)
            & Interview.channel.not_in(SELF)
        )
        .order_by(Interview.enumerator, when, Interview.id)
    )
    return db.execute_sql(*query.sql()).fetchall()


def build_frame(rows):
    """({enumerator id: [interview ids in work order]}, digest) of frame rows in work order; the digest
    is SHA-256 of one line per interview: id, enumerator, time."""
    frame, lines = {}, []
    for interview, enumerator, when in rows:
        frame.setdefault(enumerator, []).append(interview)
        lines.append(f"{interview}|{enumerator}|{when}")
    return frame, hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _auditors():
    return [
        pk
        for (pk,) in User.select(User.id)
        .where((User.role == Roles.AUDITOR) & (User.active == True))  # noqa: E712
        .order_by(User.id)
        .tuples()
    ]


def draw(period, share=None, seed=None, progress=None):
    """Draw the period's re-check sample from a recorded seed; returns (RecheckDraw, number of cases).
    Refused when drawn already, with nothing approved, or with no active auditor to give it to."""
    settings = merged(period.settings)
    share = settings["share"] if share is None else share
    if not valid_share(share):
        raise RecheckRefused("share")
    if seed and not SEED_RE.match(seed):
        raise RecheckRefused("seed")
    if RecheckDraw.of(period) is not None:
        raise RecheckRefused("already_drawn")
    seed = seed or secrets.token_hex(8)
    frame, digest = build_frame(frame_rows(period))
    if not frame:
        raise RecheckRefused("nothing_approved")
    auditors = _auditors()
    if not auditors:
        raise RecheckRefused("no_auditors")
    _note(progress, 0.4)
    in_frame = {i for ids in frame.values() for i in ids}
    flagged = sorted(i for (i,) in InterviewFlag.flagged_in(period).tuples() if i in in_frame)
    chosen = choose(frame, flagged, seed, share, settings["early_window"])
    dealt = assign(chosen, auditors)
    _note(progress, 0.6)
    with db.atomic():
        Period.locked(period.id)  # one draw at a time per period
        if RecheckDraw.of(period) is not None:
            raise RecheckRefused("already_drawn")
        made = RecheckDraw.create(
            period=period,
            seed=seed,
            share=share,
            drawn_by=current_actor()[0],
            drawn_at=now(),
            digest=digest,
            inputs=json.dumps(
                {
                    "share": share,
                    "early_window": settings["early_window"],
                    "threshold": settings["threshold"],
                    "auditors": auditors,
                    "flagged": flagged,
                    "frame": {str(e): ids for e, ids in frame.items()},
                },
                sort_keys=True,
                separators=(",", ":"),
            ),
        )
        ids = reserve_ids(RecheckCase, len(chosen))
        insert_rows(
            RecheckCase,
            CASE_COLUMNS,
            (
                (
                    pk,
                    made.id,
                    interview,
                    enumerator,
                    reason,
                    rank,
                    dealt[interview],
                    RecheckStatus.OPEN,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                )
                for pk, (interview, enumerator, reason, rank) in zip(ids, chosen)
            ),
        )
    _note(progress, 1.0)
    return made, len(chosen)


def verify(period):
    """Redraw from the recorded seed, share and frame, and compare with the stored cases.

    Returns {"identical", "frame_unchanged", "missing", "unexpected", "size", "frame", "approved_since"}:
    `frame_unchanged` says whether the recorded frame is still what the database holds for those
    interviews (same enumerators, same end times, digest equal); `approved_since` counts the
    period's interviews approved after the draw (not in its frame)."""
    made = RecheckDraw.of(period)
    if made is None:
        raise RecheckRefused("not_drawn")
    inputs = made.inputs_dict()
    frame = {int(e): ids for e, ids in inputs["frame"].items()}
    expected = {
        (i, reason, rank)
        for i, _e, reason, rank in choose(frame, inputs["flagged"], made.seed, inputs["share"], inputs["early_window"])
    }
    stored = set(
        RecheckCase.select(RecheckCase.interview, RecheckCase.reason, RecheckCase.rank)
        .where(RecheckCase.draw == made)
        .tuples()
    )
    recorded = {i for ids in frame.values() for i in ids}
    rows = list(frame_rows(period, (InterviewStatus.APPROVED, InterviewStatus.INVALIDATED)))
    now_frame, digest = build_frame([r for r in rows if r[0] in recorded])
    approved_since = sum(1 for r in rows if r[0] not in recorded)
    return {
        "identical": expected == stored,
        "frame_unchanged": digest == made.digest and now_frame == frame,
        "missing": len(expected - stored),
        "unexpected": len(stored - expected),
        "size": len(stored),
        "frame": len(recorded),
        "approved_since": approved_since,
    }


def reveal_phone(case_id, user):
    """The phone of the interview's case for the auditor whose open re-check case it is (recorded in
    the audit trail: who, which case, when; never the number); None when the case has none."""
    found = RecheckCase.own_open(case_id, user)
    if found is None:
        raise NotYours(case_id)
    case_pk = Interview.select(Interview.case).where(Interview.id == found.interview_id).scalar()
    contact = Contact.get_or_none(Contact.case == case_pk)
    audit.record_event(REVEAL, "contact", case_pk, {"recheck": found.id})
    return cipher().decrypt(contact.phone_enc) if contact and contact.phone_enc else None


def record(case_id, user, outcome, posted, note=None):
    """The auditor's re-check of one of their open cases: its outcome and, when the respondent was
    reached (confirmed, discrepancy), the answers, compared with the interview's. "confirmed" is
    refused when an answer that must not change (type 1) differs."""
    if outcome not in RecheckOutcomes.ALL:
        raise RecheckRefused("outcome")
    with db.atomic():
        if RecheckCase.own_open(case_id, user) is None:
            raise NotYours(case_id)
        found = RecheckCase.locked(case_id)
        if found.status != RecheckStatus.OPEN:
            raise NotYours(case_id)
        interview = Interview.get_by_id(found.interview_id)
        definition = interview.version.definition_dict()
        answers = {}
        if outcome in RecheckOutcomes.REACHED:
            answers, errors = form.clean(definition, posted)
            if errors:
                raise RecheckRefused("invalid", errors)
            if not answers:
                raise RecheckRefused("no_answers")
        counts = compare.compare(form.types(definition), form.kinds(definition), interview.answers_dict(), answers)
        if outcome == RecheckOutcomes.CONFIRMED and compare.differs(counts):
            raise RecheckRefused("confirmed_differs")
        for key, value in counts.items():
            setattr(found, key, value)
        found.outcome, found.status, found.completed_at = outcome, RecheckStatus.DONE, now()
        found.answers = json.dumps(answers, ensure_ascii=False, sort_keys=True) if answers else None
        found.note = (note or "").strip()[:2000] or None
        found.save()
    return found


def case_rows(made):
    """The draw's cases with what the comparison page shows: dicts with the case's fields, the
    interview's status, the case code and unit (no personal data)."""
    return list(
        RecheckCase.select(
            RecheckCase.id,
            RecheckCase.interview,
            RecheckCase.enumerator,
            RecheckCase.auditor,
            RecheckCase.reason,
            RecheckCase.rank,
            RecheckCase.status,
            RecheckCase.outcome,
            RecheckCase.compared_1,
            RecheckCase.differing_1,
            RecheckCase.compared_2,
            RecheckCase.differing_2,
            RecheckCase.compared_3,
            RecheckCase.shift_3,
            RecheckCase.completed_at,
            Interview.status.alias("interview_status"),
            Case.code.alias("case_code"),
            Unit.name.alias("unit_name"),
        )
        .join(Interview, on=(RecheckCase.interview == Interview.id))
        .join(Case, on=(Interview.case == Case.id))
        .join(Unit, on=(Case.unit == Unit.id))
        .where(RecheckCase.draw == made)
        .order_by(RecheckCase.enumerator, RecheckCase.rank)
        .dicts()
    )


def case_figures(found):
    """The Figures of one re-check case."""
    figures = compare.Figures()
    figures.add(found.__data__)
    return figures


def comparison(period):
    """(draw or None, settings, [case rows with "figures"], {enumerator id: Figures}) of a period."""
    settings = merged(period.settings)
    made = RecheckDraw.of(period)
    if made is None:
        return None, settings, [], {}
    rows = case_rows(made)
    for row in rows:
        row["figures"] = compare.Figures()
        row["figures"].add(row)
    return made, settings, rows, compare.by_enumerator(rows)


def period_of(interview):
    month = Case.select(Case.returned_at).where(Case.id == interview.case_id).scalar().strftime("%Y-%m")
    return Period.get_or_none(Period.month == month)


def invalidate(interview_id, user, reason, return_to=None):
    """A supervisor's invalidation of an approved interview, with a written reason (audited): it no
    longer counts in the results, its assignment (closed) ends as 2.30 (other, eligible
    non-interview) instead of 1.1, and nothing is deleted. It keeps its case's one complete, so that
    the dossier is never surveyed again (no link, no counter answer), and its fabrication flags.
    Returns (interview, JobRun of the results compilation queued for its period, or None when the
    queue cannot be reached: the invalidation stands, and the next compilation counts it)."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise RecheckRefused("reason")
    with db.atomic():
        try:
            interview = Interview.locked(interview_id)
        except Interview.DoesNotExist:
            raise RecheckRefused("missing") from None
        if interview.status != InterviewStatus.APPROVED:
            raise RecheckRefused("state")
        interview.status = InterviewStatus.INVALIDATED  # its case stays answered: once per dossier
        interview.invalidated_by, interview.invalidated_at = user.id, now()
        interview.invalidation_reason = reason[:2000]
        interview.save()
        if interview.assignment_id:  # no longer a complete (1.1) for the response rates: 2.30, other
            assignment = Assignment.locked(interview.assignment_id)
            assignment.outcome, assignment.updated_at = Dispositions.OTHER, now()
            assignment.save()
    period = period_of(interview)
    try:
        run = jobs.start(
            JobKinds.RESULTS_COMPILE,
            {"period_id": period.id, "note": _("Interview %(id)d invalidated after a re-check", id=interview.id)},
            actor=user.username,
            role=user.role_id,
            title=_("Results of %(month)s", month=period.month),
            return_to=return_to,
        )
    except jobs.QueueUnavailable:
        run = None
    return interview, run

"""A link's life and the respondent's answers, in transactions: sent (its lock counted from then),
opened and answered through the same questionnaires, skip rules and checks as an interview, submitted
once (the case's one complete, held by the database), declined (a refusal), locked by time."""

import datetime
import json
import weakref

import quality
from fieldwork import alerts
from fieldwork.calls import close_for_case
from fieldwork.interviewing import hold_complete, version_for
from models import (
    Case,
    Dispositions,
    Interview,
    InterviewStatus,
    LinkChannels,
    LinkStatus,
    Modes,
    Period,
    QuestionnaireStatus,
    QuestionnaireVersion,
    SurveyLink,
    db,
    now,
)
from models.audited import update_rows
from models.base import joined_transaction
from questionnaires import validation

from .settings import merged

RESPONDENT = "respondent"  # the audit trail's actor for what a citizen does on a public page


class LinkRefused(ValueError):
    """The step cannot be done; the code (str) names why: closed (locked, used, unknown), no_form,
    invalid (with errors), not_eligible."""

    def __init__(self, code, errors=None):
        super().__init__(code)
        self.errors = errors or {}


def merged_settings(period):
    """The period's link settings (the defaults when there is no period)."""
    return merged(period.settings if period else None)


def lock_days(period_id):
    return merged_settings(Period.get_by_id(period_id))["lock_days"]


def locks_at_if_sent(link, at):
    """When the link would lock if it were first sent at `at`."""
    return at + datetime.timedelta(days=lock_days(link.period_id))


def mark_sent(link, at=None):
    """The link is in the citizen's hands: it locks `lock_days` after this first sending."""
    at = at or now()
    if link.sent_at is None:
        link.sent_at = at
        link.locks_at = locks_at_if_sent(link, at)
    if link.status == LinkStatus.ISSUED:
        link.status = LinkStatus.SENT
    link.save()


def is_open(link, at=None):
    """Usable now: sent, not locked by time or state, the case not answered through another channel."""
    if link is None or not link.usable(at):
        return False
    return Interview.get_or_none(Interview.complete_case == link.case_id) is None


def open_link(token):
    """The link a token opens if it may be answered now, else None: unknown, locked and used tokens
    are one and the same answer."""
    link = SurveyLink.by_token(token)
    return link if is_open(link) else None


ANY = "any"  # resume whatever response the link holds (the holder of its token)


def response_for(link_id, resume=ANY, to_write=False):
    """(the link, read locked, and its response being answered, resumed, or a new one with the form
    its dossier gets). `resume` is ANY for the holder of the link's token; at the counter, where anyone
    with the receipt could type its code, only the response this browser started (its id) is resumed,
    never another's. `to_write`: the response is read locked too, so that saving it in the caller's
    transaction does not read it again."""
    with joined_transaction():
        link = _locked_link(link_id)
        if not is_open(link):
            raise LinkRefused("closed")
        wanted = link.interview_id if resume == ANY else resume
        interview = _response(wanted, to_write) if isinstance(wanted, int) else None
        if (
            interview is not None
            and interview.case_id == link.case_id
            and interview.status == InterviewStatus.IN_PROGRESS
        ):
            return link, interview
        case = Case.get_by_id(link.case_id)
        version = version_for(case, Modes.SELF)
        if version is None:
            raise LinkRefused("no_form")
        interview = Interview.create(
            case=case,
            version=version,
            channel=LinkChannels.interview_channel(link.channel),
            started_at=now(),
        )
        link.interview = interview
        link.opened_at = link.opened_at or now()
        link.save()
        return link, interview


def _response(interview_id, locked):
    if not locked:
        return Interview.get_or_none(Interview.id == interview_id)
    try:
        return Interview.locked(interview_id)
    except Interview.DoesNotExist:
        return None


def _locked_link(link_id):
    try:
        return SurveyLink.locked(link_id)
    except SurveyLink.DoesNotExist:
        return None


_VERSIONS = weakref.WeakKeyDictionary()  # {database: {version id: a published version}}


def version_of(interview):
    """The questionnaire version of a response. A published (or retired) version's title and form
    never change: each is read once a process and database, not on every page."""
    known = _VERSIONS.setdefault(db.obj, {})
    version = known.get(interview.version_id)
    if version is None:
        version = QuestionnaireVersion.get_by_id(interview.version_id)
        if version.status != QuestionnaireStatus.DRAFT:
            known[version.id] = version
    return version


def _own(link_id, interview_id):
    """The link (locked) and a response in progress of its case (the one this browser answers: at the
    counter two people may have started one), or LinkRefused("closed")."""
    link = SurveyLink.locked(link_id)
    if not is_open(link):
        raise LinkRefused("closed")
    interview = Interview.locked(interview_id)
    if interview.case_id != link.case_id or interview.status != InterviewStatus.IN_PROGRESS:
        raise LinkRefused("closed")
    return link, interview


def save(link_id, interview_id, raw, required=(), owned=None):
    """Merge posted answers into the response; returns (answers, errors). Questions named in
    `required` (the page's) must be answered when asked. `owned`: the (link, interview) this
    transaction read locked already (response_for)."""
    with joined_transaction():
        _link, interview = owned or _own(link_id, interview_id)
        definition = version_of(interview).definition_dict()
        merged_answers = {**interview.answers_dict(), **{k: v for k, v in raw.items() if isinstance(k, str)}}
        checked = validation.check(definition, merged_answers)
        errors = dict(checked.errors)
        if required:
            full = validation.check(definition, checked.answers, complete=True)
            errors.update({n: m for n, m in full.errors.items() if n in required and n not in errors})
        text = json.dumps(checked.answers, ensure_ascii=False, sort_keys=True)
        if text != interview.answers:
            interview.answers, interview.saved_at = text, now()
            interview.save()
    return checked.answers, errors


def submit(link_id, interview_id, owned=None):
    """Check every answer as complete and lock the response: the case's one complete, counted at once
    (there is no enumerator whose work a supervisor reviews); the case leaves the interviewers' lists.
    A second submission is refused as closed."""
    with joined_transaction():
        link, interview = owned or _own(link_id, interview_id)
        definition = version_of(interview).definition_dict()
        checked = validation.check(definition, interview.answers_dict(), complete=True)
        if checked.errors:
            raise LinkRefused("invalid", checked.errors)
        at = now()
        interview.reviewed_at = at
        if not hold_complete(interview, InterviewStatus.APPROVED, at):
            raise LinkRefused("closed")  # answered through another channel meanwhile
        link.status, link.finished_at = LinkStatus.ANSWERED, at
        link.save()
        close_for_case(link.case_id, Dispositions.COMPLETE, RESPONDENT, reason=link.channel)
        alerts.raise_for(interview)
        quality.flag_interview(interview)  # its phone may be behind another complete of the period
    return interview


def decline(link_id, owned=None):
    """The respondent does not want to answer: a refusal (2.11), respected at once: the link closes,
    no reminder goes, and the case leaves the interviewers' lists."""
    with joined_transaction():
        link = owned or SurveyLink.locked(link_id)
        if not is_open(link):
            raise LinkRefused("closed")
        link.status, link.finished_at = LinkStatus.DECLINED, now()
        link.save()
        close_for_case(link.case_id, Dispositions.REFUSAL, RESPONDENT, reason=link.channel)
    return link


def _finish(links, status, at):
    """End these live links (read with their id and status) with `status` at `at`, audited; how many."""
    return update_rows(
        SurveyLink,
        (
            (link.id, {"status": link.status, "finished_at": None}, {"status": status, "finished_at": at})
            for link in links
        ),
    )


def lock_due(at=None):
    """Lock the sent links whose time is up, and close the live ones whose case was answered through
    another channel; returns (locked, closed). Run daily; every request checks the time as well."""
    at = at or now()
    with db.atomic():
        due = SurveyLink.select(SurveyLink.id, SurveyLink.status).where(
            (SurveyLink.status == LinkStatus.SENT) & (SurveyLink.locks_at <= at)
        )
        locked = _finish(list(due), LinkStatus.LOCKED, at)
        answered = (
            SurveyLink.select(SurveyLink.id, SurveyLink.status)
            .join(Interview, on=(Interview.complete_case == SurveyLink.case))
            .where(SurveyLink.status.in_(LinkStatus.LIVE))
        )
        closed = _finish(list(answered), LinkStatus.CLOSED, at)
    return locked, closed


def issue_at_counter(case, channel):
    """The case's link for an answer at the counter (the kiosk, or the survey website with the code
    typed): the existing one if it may still be answered, else a new one, sent now. None when the
    case is answered already (through any channel) or has a link that is finished or locked
    (answered, declined, timed out)."""
    with db.atomic():
        if Interview.get_or_none(Interview.complete_case == case.id) is not None:
            return None  # once per dossier: answered by phone, face to face, a paper form or a link
        link = SurveyLink.of_case(case.id)
        if link is None:
            period = Period.for_month(case.month)
            link = SurveyLink.create(case=case, period=period, channel=channel, created_at=now())
        elif link.status == LinkStatus.ISSUED:
            pass  # issued for a QR slip or a message not sent yet: answered here instead
        elif not is_open(link):
            return None
        mark_sent(link)
        return link

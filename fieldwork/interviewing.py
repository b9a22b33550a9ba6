"""An interview led by an enumerator: started (or resumed) on their own open assignment with the
version its form gives, answers saved as they go (checked, never lost), submitted once: the case's one
complete is held by a unique column, so a double submit or a race can never count twice."""

import json

from peewee import IntegrityError

import quality
from models import (
    AssignmentEvent,
    AssignmentStatus,
    Case,
    Dispositions,
    FormRule,
    Interview,
    InterviewStatus,
    QuestionnaireVersion,
    SampleCase,
    SurveyLink,
    db,
    now,
)
from models.vocabulary import AssignmentActions
from questionnaires import validation

from . import alerts
from .calls import NotYours, own_open


class InterviewRefused(ValueError):
    """The step cannot be done; the code (str) names why: no_form, not_open, invalid, answered."""

    def __init__(self, code, errors=None):
        super().__init__(code)
        self.errors = errors or {}


def version_for(case, mode):
    """The published version of the form a case gets in a mode, or None when none is configured."""
    form = FormRule.form_for(case.channel, mode)
    return QuestionnaireVersion.current(form.form_id) if form else None


def start(assignment_id, user):
    """The enumerator's interview of an assignment: the open one resumed, else a new one."""
    with db.atomic():
        assignment = own_open(assignment_id, user.id, lock=True)
        existing = Interview.open_for_assignment(assignment)
        if existing is not None:
            return existing
        sample = SampleCase.get_by_id(assignment.sample_id)
        case = Case.get_by_id(sample.case_id)
        if Interview.get_or_none(Interview.complete_case == case.id) is not None:
            raise InterviewRefused("answered")  # answered already, through another channel
        version = version_for(case, sample.mode)
        if version is None:
            raise InterviewRefused("no_form")
        return Interview.create(
            case=case, assignment=assignment, version=version, channel=sample.mode, enumerator=user.id, started_at=now()
        )


def own_interview(interview_id, user, lock=False):
    """The enumerator's own interview that they may still change, or NotYours (locked: with its
    version's id, status and digest, enough for `interview.version.definition_dict()`)."""
    try:
        interview = Interview.locked_with_version(interview_id) if lock else Interview.get_by_id(interview_id)
    except Interview.DoesNotExist:
        raise NotYours(interview_id) from None
    if interview.enumerator_id != user.id or interview.status not in InterviewStatus.OPEN:
        raise NotYours(interview_id)
    return interview


def save_answers(interview_id, user, raw):
    """Merge posted answers (a dict: name -> value) into the interview; returns (answers, errors).
    Invalid values are not stored and are reported; sending the same answers again changes nothing."""
    with db.atomic():
        interview = own_interview(interview_id, user, lock=True)
        definition = interview.version.definition_dict()
        merged = {**interview.answers_dict(), **{k: v for k, v in raw.items() if isinstance(k, str)}}
        checked = validation.check(definition, merged)
        text = json.dumps(checked.answers, ensure_ascii=False, sort_keys=True)
        if text != interview.answers:
            interview.answers, interview.saved_at = text, now()
            interview.save()
    return checked.answers, checked.errors


def hold_complete(interview, status, at):
    """End the interview at `at` with this status and save it as the case's one complete (in a
    savepoint); False, nothing saved, when the case holds its complete already (through any channel)."""
    interview.status, interview.ended_at = status, at
    interview.duration_seconds = int((at - interview.started_at).total_seconds())
    interview.complete_case = interview.case_id
    try:
        with db.atomic():
            interview.save()
    except IntegrityError:
        return False
    return True


def submit(interview_id, user, raw=None):
    """Check every answer as complete, lock the interview and close its assignment as complete (1.1).
    A second submission of the same interview returns it unchanged."""
    with db.atomic():
        try:
            interview = Interview.locked_with_version(interview_id)
        except Interview.DoesNotExist:
            raise NotYours(interview_id) from None
        if interview.enumerator_id != user.id:
            raise NotYours(interview_id)
        if interview.status in InterviewStatus.COMPLETE:
            return interview  # a retry after a timeout: it is submitted already
        if interview.status not in InterviewStatus.OPEN:
            raise NotYours(interview_id)
        definition = interview.version.definition_dict()
        checked = validation.check(definition, {**interview.answers_dict(), **(raw or {})}, complete=True)
        if checked.errors:
            raise InterviewRefused("invalid", checked.errors)
        at = now()
        interview.answers = json.dumps(checked.answers, ensure_ascii=False, sort_keys=True)
        if not hold_complete(interview, InterviewStatus.SUBMITTED, at):
            raise InterviewRefused("answered")  # the case has its complete already
        assignment = own_open(interview.assignment_id, user.id, lock=True)
        assignment.status, assignment.outcome, assignment.updated_at = (
            AssignmentStatus.CLOSED,
            Dispositions.COMPLETE,
            at,
        )
        assignment.save()
        AssignmentEvent.create(
            assignment=assignment, action=AssignmentActions.CLOSED, from_user=user.id, actor=user.username, at=at
        )
        SurveyLink.close_for(interview.case_id)  # answered: the citizen's own link, if any, closes
        alerts.raise_for(interview)  # negative feedback raised as the interview arrives
        quality.flag_interview(interview)  # and the signs of fabrication
    return interview

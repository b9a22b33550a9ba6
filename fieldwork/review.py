"""A supervisor's review of submitted interviews: approve (only approved interviews count), reject back
to the enumerator with a comment, or correct an approved one with a reason, the original kept."""

import json

import quality
from models import Assignment, AssignmentStatus, Interview, InterviewStatus, db, now
from questionnaires import validation


class ReviewRefused(ValueError):
    """The review step does not apply: the code names why (state, comment, invalid)."""

    def __init__(self, code, errors=None):
        super().__init__(code)
        self.errors = errors or {}


def _locked(interview_id):
    try:
        return Interview.locked(interview_id)
    except Interview.DoesNotExist:
        raise ReviewRefused("missing") from None


def approve(interview_id, reviewer):
    with db.atomic():
        interview = _locked(interview_id)
        if interview.status != InterviewStatus.SUBMITTED:
            raise ReviewRefused("state")
        interview.status, interview.reviewed_by, interview.reviewed_at = InterviewStatus.APPROVED, reviewer.id, now()
        interview.save()
    return interview


def reject(interview_id, reviewer, comment):
    """Back to the enumerator, whose assignment opens again, with the comment; it no longer holds the
    case's complete until submitted again."""
    comment = (comment or "").strip()
    if len(comment) < 5:
        raise ReviewRefused("comment")
    with db.atomic():
        interview = _locked(interview_id)
        if interview.status != InterviewStatus.SUBMITTED:
            raise ReviewRefused("state")
        interview.status, interview.complete_case = InterviewStatus.REJECTED, None
        interview.reviewed_by, interview.reviewed_at, interview.review_comment = reviewer.id, now(), comment[:2000]
        interview.save()
        quality.flag_interview(interview)  # no longer complete: its flags go (and its neighbours' change)
        if interview.assignment_id:
            assignment = Assignment.locked(interview.assignment_id)
            assignment.status, assignment.outcome, assignment.updated_at = AssignmentStatus.OPEN, None, now()
            assignment.save()
    return interview


def correct(interview_id, reviewer, raw_answers, reason):
    """Change answers of an approved interview (a supervisor's act): checked like a submission, the
    first submitted answers kept in `original_answers`, the reason in the review comment (audited)."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ReviewRefused("comment")
    with db.atomic():
        interview = _locked(interview_id)
        if interview.status != InterviewStatus.APPROVED:
            raise ReviewRefused("state")
        checked = validation.check(
            interview.version.definition_dict(), {**interview.answers_dict(), **raw_answers}, complete=True
        )
        if checked.errors:
            raise ReviewRefused("invalid", checked.errors)
        if interview.original_answers is None:
            interview.original_answers = interview.answers
        interview.answers = json.dumps(checked.answers, ensure_ascii=False, sort_keys=True)
        interview.reviewed_by, interview.reviewed_at = reviewer.id, now()
        interview.review_comment = reason[:2000]
        interview.save()
        quality.flag_interview(interview)  # the answers changed: a straight line may have come or gone
    return interview

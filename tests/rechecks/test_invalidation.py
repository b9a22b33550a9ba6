"""A supervisor invalidates an approved interview with a reason: it stays (answers and all), no longer
counts, frees its case's complete, and a results compilation is queued that makes a new version; the
published version stays as it was."""

import pytest
from peewee import IntegrityError

from links import service as link_service
from models import (
    Assignment,
    AuditRecord,
    Case,
    Interview,
    InterviewFlag,
    InterviewStatus,
    JobKinds,
    JobRun,
    LinkChannels,
    Period,
    ResultVersion,
    SurveyLink,
    db,
)
from rechecks import service
from results import service as results

MONTH = "2026-10"


def test_invalidation_makes_a_new_results_version_without_the_interview(
    app, fieldwork_ready, approved, users, work_jobs
):
    kept, gone = approved("dtv1"), approved("dtv2")
    period = Period.get(Period.month == MONTH)
    first, _created = results.compile_period(period)
    results.publish(first, "officer")
    before = first.figures_dict()

    with pytest.raises(service.RecheckRefused, match="reason"):
        service.invalidate(gone.id, users["supervisor"], "  no ")
    with app.app_context():  # the job queue is the app's
        interview, run = service.invalidate(gone.id, users["supervisor"], "Người trả lời nói không được phỏng vấn")
    saved = Interview.get_by_id(gone.id)
    assert saved.status == InterviewStatus.INVALIDATED and saved.complete_case_id == gone.case_id  # still answered
    assert saved.invalidated_by_id == users["supervisor"].id and saved.invalidated_at
    assert saved.invalidation_reason.startswith("Người") and saved.answers_dict() == gone.answers_dict()
    audit = AuditRecord.select().where((AuditRecord.model == "interview") & (AuditRecord.object_id == str(gone.id)))
    assert audit.order_by(AuditRecord.seq.desc()).first().action == "update"
    assignment = Assignment.get_by_id(saved.assignment_id)
    assert (assignment.status, assignment.outcome) == ("closed", "2.30")  # no longer a 1.1 in the rates
    with pytest.raises(service.RecheckRefused, match="state"):
        service.invalidate(gone.id, users["supervisor"], "a second time")

    assert run.kind == JobKinds.RESULTS_COMPILE and run.params_dict()["period_id"] == period.id
    work_jobs()
    assert JobRun.get_by_id(run.id).status == "done"
    second = ResultVersion.latest(period)
    assert second.number == 2
    assert second.figures_dict()["province"]["completed"] == before["province"]["completed"] - 1
    assert ResultVersion.get_by_id(first.id).figures_dict() == before  # the published version never changes
    assert Interview.get_by_id(kept.id).status == InterviewStatus.APPROVED


def test_an_invalidated_interview_keeps_its_case_answered_and_its_flags(app, fieldwork_ready, approved, users, flag):
    """Once per dossier: the invalidated interview still holds its case, so no link and no counter
    answer can survey the dossier again; its fabrication flags stay on record."""
    gone = approved("dtv2")
    flag(gone)
    with app.app_context():
        service.invalidate(gone.id, users["supervisor"], "Người trả lời nói không được phỏng vấn")
    case = Case.get_by_id(gone.case_id)
    assert link_service.issue_at_counter(case, LinkChannels.WEBSITE) is None  # no survey at the counter
    assert SurveyLink.of_case(case.id) is None
    with pytest.raises(IntegrityError), db.atomic():  # and the unique complete refuses a second one
        Interview.create(case=case, version=gone.version_id, channel="web", complete_case=case.id)
    assert InterviewFlag.select().where(InterviewFlag.interview == gone.id).count() == 1

"""The purge of personal data after its retention: names, phones and e-mails of a published period's
cases removed (through audited writes) once PERSONAL_DATA_KEEP_DAYS have passed since its first
publication; answers, interviews and figures untouched; idempotent; the audit chain still whole."""

import datetime
import json

import pytest

from fieldwork import review
from jobs import RECURRING, JobContext
from models import (
    Answer,
    AuditRecord,
    Case,
    Contact,
    Interview,
    JobKinds,
    Period,
    PrivacyEvents,
    ResultVersion,
    SampleCase,
    audit,
    now,
)
from privacy import jobs as privacy_jobs
from privacy import service


@pytest.fixture
def published_month(app, runner, submitted_interview, users):
    """October with two approved interviews, compiled and published; returns the period."""
    for username in ("dtv1", "dtv2"):
        review.approve(submitted_interview(username).id, users["supervisor"])
    assert runner.invoke(args=["results", "compile", "--period", "2026-10"]).exit_code == 0
    assert runner.invoke(args=["results", "publish", "--period", "2026-10"]).exit_code == 0
    return Period.get(Period.month == "2026-10")


def _october_contacts():
    start, end = Period.get(Period.month == "2026-10").bounds
    return Contact.select().join(Case).where((Case.returned_at >= start) & (Case.returned_at < end))


def _personal_left():
    held = sum(1 for c in _october_contacts() if c.name_enc or c.phone_enc or c.email_enc or c.phone_hash is not None)
    sampled = SampleCase.select().where(SampleCase.phone_hash.is_null(False)).count()
    return held, sampled


def test_purged_after_the_retention_with_answers_and_figures_intact(app, runner, published_month, monkeypatch):
    monkeypatch.setattr(service, "CHUNK", 50)  # several transactions of a few rows each
    period = published_month
    published_at = ResultVersion.published_of(period).published_at
    answers, interviews = Answer.select().count(), Interview.select().count()
    figures = [v.figures for v in ResultVersion.of_period(period)]
    held, sampled = _personal_left()
    assert held > 0 and sampled > 0

    # a day before the retention ends: nothing happens
    assert service.purge_due(90, at=published_at + datetime.timedelta(days=89)) == []
    assert _personal_left() == (held, sampled)

    at = published_at + datetime.timedelta(days=90, minutes=1)
    head = audit.head()
    ((month, counts),) = service.purge_due(90, at=at)
    assert month == "2026-10" and counts == {"contacts": held, "sample": sampled}
    assert _personal_left() == (0, 0)
    assert Period.get_by_id(period.id).purged_at == at
    # answers, interviews and figures as they were; the cases are still there
    assert (Answer.select().count(), Interview.select().count()) == (answers, interviews)
    assert [v.figures for v in ResultVersion.of_period(period)] == figures
    assert _october_contacts().count() > 0

    # every change is in the trail, without the values removed
    records = list(AuditRecord.select().where(AuditRecord.seq > head[0]))
    updates = [r for r in records if r.action == "update"]
    assert {r.model for r in updates} == {"contact", "sample_case", "period"}
    assert len([r for r in updates if r.model == "contact"]) == held
    assert all("[redacted]" in r.before for r in updates if r.model != "period")
    event = next(r for r in records if r.action == PrivacyEvents.PURGE)
    assert event.object_id == str(period.id) and json.loads(event.after)["contacts"] == held
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    verified = runner.invoke(args=["sample", "verify", "--period", "2026-10"])
    assert verified.exit_code == 0, verified.output  # the draw is still reproducible

    # idempotent: a second run finds nothing to do and writes nothing
    head = audit.head()
    assert service.purge_due(90, at=at + datetime.timedelta(days=1)) == []
    assert audit.head() == head


def test_a_period_never_published_is_kept(app, fieldwork_ready):
    held, _sampled = _personal_left()
    assert service.purge_due(0, at=now() + datetime.timedelta(days=3650)) == []
    assert _personal_left()[0] == held


def test_the_daily_job_purges_with_the_configured_retention(app, published_month):
    assert RECURRING[JobKinds.PRIVACY_PURGE].daily_at == privacy_jobs.PURGE_AT
    with app.app_context():
        app.config["PERSONAL_DATA_KEEP_DAYS"] = 90
        result = privacy_jobs.purge_job(JobContext(None))
        assert result["periods"] == [] and _personal_left()[0] > 0
        app.config["PERSONAL_DATA_KEEP_DAYS"] = 0
        with audit.acting_as("scheduler", "system", "job"):
            result = privacy_jobs.purge_job(JobContext(None))
    assert [p["month"] for p in result["periods"]] == ["2026-10"] and _personal_left() == (0, 0)
    assert AuditRecord.select().where(AuditRecord.action == PrivacyEvents.PURGE).get().actor == "scheduler"


def test_the_periods_list_shows_the_purge_state(app, auth, client, published_month):
    Period.create(month="2026-11")
    auth.login("supervisor")
    page = client.get("/admin/periods/").get_data(as_text=True)
    assert page.count('data-testid="purge-state" data-state="due"') == 1
    assert page.count('data-testid="purge-state" data-state="kept"') == 1
    service.purge_due(0)
    page = client.get("/admin/periods/").get_data(as_text=True)
    assert page.count('data-state="purged"') == 1 and page.count('data-state="kept"') == 1

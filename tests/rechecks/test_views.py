"""The back-office pages of re-checks, by role: an auditor draws (a job), opens and records only their
own cases (another auditor's is not found, and shows nothing), the phone shown on request and
audited; supervisors and auditors see the comparison, only supervisors invalidate; officers see
neither."""

import pytest

from models import AuditRecord, Contact, Interview, JobKinds, JobRun, Period, RecheckCase, RecheckDraw
from models.pii import cipher
from rechecks import service

MONTH = "2026-10"


@pytest.fixture
def three_approved(app, fieldwork_ready, approved):
    return [approved(name) for name in ("dtv1", "dtv2", "dtv3")]


def test_an_auditor_draws_from_the_page_as_a_job(app, client, auth, users, three_approved, work_jobs):
    auth.login("auditor")
    page = client.get(f"/admin/rechecks/?period={MONTH}")
    assert page.status_code == 200 and b'data-testid="draw-form"' in page.data
    response = client.post("/admin/rechecks/draw", data={"period": MONTH, "share": "10", "seed": "web"})
    assert response.status_code == 302 and "/admin/jobs/" in response.headers["Location"]
    run = JobRun.get(JobRun.kind == JobKinds.RECHECKS_DRAW)
    assert run.params_dict() == {"period_id": Period.get(Period.month == MONTH).id, "share": 0.1, "seed": "web"}
    work_jobs()
    assert JobRun.get_by_id(run.id).status == "done"
    assert RecheckDraw.get().seed == "web" and RecheckCase.select().count() == 3
    page = client.get(f"/admin/rechecks/?period={MONTH}").get_data(as_text=True)
    assert 'data-testid="my-cases"' in page and 'data-testid="draw-form"' not in page
    assert client.post("/admin/rechecks/verify", data={"period": MONTH}).status_code == 302
    work_jobs()
    verified = JobRun.get(JobRun.kind == JobKinds.RECHECKS_VERIFY)
    assert verified.summary_dict()["passed"] is True


def test_auditors_open_only_their_own_cases_and_each_phone_view_is_audited(
    app, client, auth, users, three_approved, second_auditor
):
    service.draw(Period.get(Period.month == MONTH), seed="two")
    theirs = RecheckCase.get(RecheckCase.auditor == second_auditor.id)
    mine = RecheckCase.get(RecheckCase.auditor == users["auditor"].id)
    interview = Interview.get_by_id(theirs.interview_id)
    code = interview.case.code
    number = cipher().decrypt(Contact.get(Contact.case == interview.case_id).phone_enc)
    auth.login("auditor")
    for method, url in (
        ("GET", f"/admin/rechecks/case/{theirs.id}"),
        ("POST", f"/admin/rechecks/case/{theirs.id}/phone"),
        ("POST", f"/admin/rechecks/case/{theirs.id}/record"),
    ):
        response = client.open(url, method=method, data={"outcome": "denied"})
        assert response.status_code == 404, url
        assert code not in response.get_data(as_text=True) and number not in response.get_data(as_text=True)
    assert RecheckCase.get_by_id(theirs.id).status == "open"
    assert not AuditRecord.select().where(AuditRecord.action == service.REVEAL).exists()

    assert f"/admin/rechecks/?period={MONTH}" in client.get("/admin/").get_data(as_text=True)  # home: to do
    page = client.get(f"/admin/rechecks/case/{mine.id}").get_data(as_text=True)
    assert 'data-testid="reveal-phone"' in page and 'data-testid="phone"' not in page
    own = Interview.get_by_id(mine.interview_id)
    own_number = cipher().decrypt(Contact.get(Contact.case == own.case_id).phone_enc)
    assert own_number not in page
    page = client.post(f"/admin/rechecks/case/{mine.id}/phone").get_data(as_text=True)
    assert own_number in page
    assert AuditRecord.select().where(AuditRecord.action == service.REVEAL).count() == 1


def test_an_auditor_records_a_discrepancy_from_the_form(app, client, auth, users, three_approved):
    service.draw(Period.get(Period.month == MONTH), seed="f")
    mine = RecheckCase.select().order_by(RecheckCase.id).first()
    auth.login("auditor")
    refused = client.post(f"/admin/rechecks/case/{mine.id}/record", data={"outcome": "confirmed", "phien_ha": "co"})
    assert refused.status_code == 422 and RecheckCase.get_by_id(mine.id).status == "open"
    response = client.post(
        f"/admin/rechecks/case/{mine.id}/record",
        data={"outcome": "discrepancy", "dung_ho_so": "khong", "phien_ha": "khong", "note": "không nhớ"},
    )
    assert response.status_code == 302
    done = RecheckCase.get_by_id(mine.id)
    assert (done.outcome, done.compared_1, done.differing_1, done.note) == ("discrepancy", 2, 1, "không nhớ")
    page = client.get(f"/admin/rechecks/case/{mine.id}").get_data(as_text=True)
    assert 'data-testid="comparison"' in page and 'data-testid="recheck-form"' not in page
    assert client.post(f"/admin/rechecks/case/{mine.id}/phone").status_code == 302  # done: no phone


def test_the_comparison_is_for_supervisors_and_auditors_and_only_supervisors_invalidate(
    app, client, auth, users, three_approved
):
    service.draw(Period.get(Period.month == MONTH), seed="c")
    case = RecheckCase.select().order_by(RecheckCase.id).first()
    service.record(case.id, users["auditor"], "denied", {})
    for role, status in (("officer", 403), ("enumerator", 403), ("auditor", 200), ("supervisor", 200)):
        auth.login(role)
        assert client.get(f"/admin/discrepancies/?period={MONTH}").status_code == status, role
        assert client.get(f"/admin/rechecks/?period={MONTH}").status_code == (200 if role == "auditor" else 403)
        auth.logout()
    auth.login("auditor")
    page = client.get(f"/admin/discrepancies/?period={MONTH}").get_data(as_text=True)
    assert f'data-testid="flagged-{case.enumerator_id}"' in page  # a denial flags the enumerator
    assert f'data-testid="invalidate-{case.id}"' not in page
    assert client.post(f"/admin/discrepancies/{case.id}/invalidate", data={"reason": "bịa đặt"}).status_code == 403
    auth.logout()
    auth.login("supervisor")
    page = client.get(f"/admin/discrepancies/?period={MONTH}").get_data(as_text=True)
    assert f'data-testid="invalidate-{case.id}"' in page
    client.post(f"/admin/discrepancies/{case.id}/invalidate", data={"reason": ""})
    assert Interview.get_by_id(case.interview_id).status == "approved"  # a reason is required
    response = client.post(f"/admin/discrepancies/{case.id}/invalidate", data={"reason": "Người dân nói không"})
    assert response.status_code == 302 and "/admin/jobs/" in response.headers["Location"]
    assert Interview.get_by_id(case.interview_id).status == "invalidated"
    assert JobRun.get(JobRun.kind == JobKinds.RESULTS_COMPILE).actor == "supervisor"


def test_one_recheck_beside_its_interview(app, client, auth, users, three_approved):
    service.draw(Period.get(Period.month == MONTH), seed="d")
    case = RecheckCase.select().order_by(RecheckCase.id).first()
    service.record(case.id, users["auditor"], "discrepancy", {"dung_ho_so": "co", "phien_ha": "co", "thai_do": "1"})
    auth.login("officer")
    assert client.get(f"/admin/discrepancies/{case.id}").status_code == 403
    auth.logout()
    auth.login("supervisor")
    page = client.get(f"/admin/discrepancies/{case.id}").get_data(as_text=True)
    assert page.count('class="table-warning"') == 2  # phien_ha (type 1) and thai_do (type 3) differ
    assert 'data-testid="invalidate-form"' in page and f"/admin/review/{case.interview_id}" in page
    response = client.post(f"/admin/discrepancies/{case.id}/invalidate", data={"reason": "Phiếu không có thật"})
    assert response.status_code == 302
    page = client.get(f"/admin/discrepancies/{case.id}").get_data(as_text=True)
    assert 'data-testid="invalidation"' in page and 'data-testid="invalidate-form"' not in page
    assert client.get("/admin/discrepancies/999").status_code == 404


def test_unusable_settings_are_said_not_a_server_error(app, client, auth, users, fieldwork_ready):
    period = Period.get(Period.month == MONTH)
    period.settings = '{"rechecks": {"threshold": 5}}'
    period.save()
    auth.login("supervisor")
    response = client.get(f"/admin/discrepancies/?period={MONTH}")
    assert response.status_code == 200 and "threshold must be" in response.get_data(as_text=True)

"""The outbox page (admin and supervisor): counts by channel and state, the latest messages without an
address, "Send now" through the job, the waiting SMS exported as a file offered once to who asked for
it, its download recorded in the audit trail; buttons disabled with the reason."""

import csv
import re

from models import AuditRecord, JobRun, MessageState

from .outbox_helpers import EMAIL, cases, fresh, phone_of, queue


def test_the_page_counts_and_lists_without_addresses_and_explains_disabled_buttons(
    client, auth, users, self_survey_ready
):
    first, second = cases(2)
    queue(self_survey_ready, first)
    queue(self_survey_ready, second, channel="sms", email=None)
    auth.login("supervisor")
    page = client.get("/admin/outbox/?period=2026-10")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-channel="email"><th>' in body and 'data-testid="outbox-messages"' in body
    assert body.count('data-state="pending"') >= 3  # a column and each message
    assert EMAIL not in body and phone_of(second) not in body and phone_of(second).lstrip("+") not in body
    assert 'data-testid="send-disabled"' in body  # no SMTP, no gateway in the tests' app
    assert re.search(r'data-testid="send-now"\s*disabled', body)
    assert re.search(r'data-testid="export-sms"\s*>', body)  # one SMS waiting: the export is offered


def test_a_gateway_makes_the_export_needless(make_app, auth, users, self_survey_ready):
    app = make_app(SMS_GATEWAY_URL="http://127.0.0.1:9/none")
    client = app.test_client()
    auth.login("admin", client=client)
    body = client.get("/admin/outbox/").get_data(as_text=True)
    assert 'data-testid="export-disabled"' in body
    assert client.post("/admin/outbox/export").status_code == 302
    assert JobRun.select().count() == 0  # not started


def test_the_sms_file_is_offered_once_to_who_asked_for_it(
    client, app, auth, users, self_survey_ready, work_jobs, tmp_path
):
    first, second = cases(2)
    links = [queue(self_survey_ready, c, channel="sms", email=None) for c in (first, second)]
    auth.login("supervisor")
    started = client.post("/admin/outbox/export", data={"period": "2026-10"})
    assert started.status_code == 302
    work_jobs()
    run = JobRun.select().order_by(JobRun.id.desc()).first()
    assert run.ok and phone_of(first) not in (run.summary or "") and phone_of(first) not in (run.message or "")
    for _link, message in links:
        assert fresh(message).state == MessageState.EXPORTED
    body = client.get("/admin/outbox/").get_data(as_text=True)
    assert 'data-testid="delivery-file"' in body

    other = app.test_client()
    auth.login("admin", client=other)
    assert 'data-testid="delivery-file"' not in other.get("/admin/outbox/").get_data(as_text=True)
    assert other.post(f"/admin/outbox/download/{run.id}").status_code == 404  # not theirs

    download = client.post(f"/admin/outbox/download/{run.id}")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(download.get_data().decode("utf-8-sig").splitlines()))
    assert rows[0] == ["phone", "message"] and len(rows) == 3
    assert {r[0] for r in rows[1:]} == {phone_of(first).lstrip("+"), phone_of(second).lstrip("+")}
    assert client.post(f"/admin/outbox/download/{run.id}").status_code == 404  # once
    assert not [n for n in (tmp_path / "uploads").iterdir() if n.name.startswith("outbox-sms-")]
    actions = [r.action for r in AuditRecord.select().where(AuditRecord.model == "outbox_message")]
    assert "export" in actions and "download_sms_delivery" in actions

    client.post("/admin/outbox/export", data={"period": "2026-10"})
    work_jobs()
    again = JobRun.select().order_by(JobRun.id.desc()).first()
    assert not again.ok  # nothing waiting: refused, no file


def test_send_now_starts_the_sending_job(client, auth, users, self_survey_ready):
    auth.login("admin")
    response = client.post("/admin/outbox/send")
    assert response.status_code == 302 and "/admin/jobs/" in response.headers["Location"]
    assert JobRun.select().where(JobRun.kind == "links.send").count() == 1

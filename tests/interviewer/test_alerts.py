"""Negative feedback raised at once: an answer marked `alert` creates an alert for the case's unit as
the interview is submitted; officers see it without reloading, acknowledge it and note the follow-up;
the unit gets an e-mail through a real SMTP server when one is configured."""

from fieldwork import interviewing, review
from jobs.schedule import run_recurring
from models import Alert, Case, Contact, JobKinds, Unit, User
from models.pii import cipher


def test_an_answer_marked_alert_raises_one_for_the_unit(app, client, users, auth, submitted_interview):
    interview = submitted_interview(phien_ha="co", hai_long_chung="1")
    alerts = list(Alert.select().order_by(Alert.question))
    case = Case.get_by_id(interview.case_id)
    assert [(a.question, a.answer) for a in alerts] == [("hai_long_chung", "1"), ("phien_ha", "co")]
    assert all(a.unit_id == case.unit_id for a in alerts)
    submitted_interview(username="dtv2")  # no alerting answer: no alert
    assert Alert.select().count() == 2
    review.reject(interview.id, users["supervisor"], "Kiểm tra lại câu trả lời")
    interviewing.submit(interview.id, User.get_by_id(interview.enumerator_id))
    assert Alert.select().count() == 2  # submitted again: the same alerts, not twice

    auth.login("officer")
    assert client.get("/admin/alerts/count").get_json() == {"new": 2}
    page = client.get("/admin/alerts/").get_data(as_text=True)
    assert "sách nhiễu hoặc đòi tiền" in page and "<strong>Có</strong>" in page and case.code in page
    assert 'id="alert-badge"' in client.get("/admin/").get_data(as_text=True)  # the menu's badge polls the count
    client.post(f"/admin/alerts/{alerts[1].id}/acknowledge", data={"follow_up": ""})
    assert Alert.get_by_id(alerts[1].id).acknowledged_at is None
    client.post(f"/admin/alerts/{alerts[1].id}/acknowledge", data={"follow_up": "Đã chuyển thanh tra xác minh"})
    done = Alert.get_by_id(alerts[1].id)
    assert done.acknowledged_by_id == users["officer"].id and done.follow_up == "Đã chuyển thanh tra xác minh"
    assert client.get("/admin/alerts/count").get_json() == {"new": 1}

    auth.login("auditor", client=app.test_client())
    auditor = app.test_client()
    auth.login("auditor", client=auditor)
    assert auditor.get("/admin/alerts/").status_code == 403


def test_alerts_are_mailed_to_the_unit_through_smtp(make_app, users, fieldwork_ready, submitted_interview, smtp_server):
    interview = submitted_interview(phien_ha="co")
    case = Case.get_by_id(interview.case_id)
    unit = Unit.get_by_id(case.unit_id)
    unit.email = "motcua@example.gov.vn"
    unit.save()
    mailing = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    with mailing.app_context():
        run_recurring(JobKinds.ALERT_MAIL)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "motcua@example.gov.vn" and case.code in message["Subject"]
    body = message.get_content()
    contact = Contact.get_or_none(Contact.case == case.id)
    assert contact is None or cipher().decrypt(contact.phone_enc) not in body  # no personal data
    assert Alert.get().mailed_at is not None
    with mailing.app_context():
        run_recurring(JobKinds.ALERT_MAIL)
    assert len(smtp_server.messages) == 1  # sent once

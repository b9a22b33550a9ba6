"""One reminder after the period's reminder days if unanswered: through the link's channel, never
after the lock (the sender checks again), never after a refusal or an answer, never twice."""

import datetime

from jobs.schedule import run_recurring
from links import messages, reminders, service
from models import (
    Case,
    Contact,
    JobKinds,
    LinkStatus,
    MessagePurpose,
    MessageState,
    OutboxMessage,
    SurveyLink,
    now,
    pii,
)

from .outbox_helpers import EMAIL, cases, fresh


def sent_days_ago(link, days):
    link = fresh(link)
    link.sent_at = now() - datetime.timedelta(days=days)
    link.locks_at = link.sent_at + datetime.timedelta(days=10)
    link.save()
    return link


def give_email(link):
    contact = Contact.get_by_id(link.case_id)
    contact.email_enc = pii.cipher().encrypt(EMAIL)
    contact.save()


def reminders_of(link):
    return list(
        OutboxMessage.select().where(
            (OutboxMessage.link == link.id) & (OutboxMessage.purpose == MessagePurpose.REMINDER)
        )
    )


def test_one_reminder_after_three_days_through_the_link_channel_never_twice(app, sent_link):
    email_link, _token = sent_link()
    sms_link, _token = sent_link(case=cases(2)[1], channel="sms")
    recent, _token = sent_link(case=cases(3)[2])
    for link in (email_link, sms_link):
        sent_days_ago(link, 3)
    sent_days_ago(recent, 2)
    with app.app_context():
        run_recurring(JobKinds.LINKS_REMIND)
    [by_email], [by_sms] = reminders_of(email_link), reminders_of(sms_link)
    assert (by_email.channel, by_email.state) == ("email", MessageState.PENDING) and by_sms.channel == "sms"
    assert fresh(email_link).reminded_at is not None
    assert reminders_of(recent) == []  # not yet
    assert reminders.queue_reminders() == 0  # never twice
    assert len(reminders_of(email_link)) == 1


def test_no_reminder_after_a_refusal_an_answer_or_the_lock_nor_for_a_slip(app, sent_link, submitted_interview):
    by_phone_case = Case.get_by_id(submitted_interview().case_id)
    first, second, third, fourth = [c for c in cases(5) if c.id != by_phone_case.id][:4]
    declined, _t = sent_link(case=first)
    answered, _t = sent_link(case=second)
    locked, _t = sent_link(case=third)
    slip, _t = sent_link(case=fourth, channel="qr")
    by_phone, _t = sent_link(case=by_phone_case)  # answered by phone, its link not closed yet
    for link in (declined, answered, locked, by_phone, slip):
        sent_days_ago(link, 5)
    service.decline(declined.id)
    answered = fresh(answered)
    answered.status = LinkStatus.ANSWERED
    answered.save()
    locked = fresh(locked)
    locked.locks_at = now() - datetime.timedelta(minutes=1)
    locked.save()
    assert reminders.queue_reminders() == 0
    assert OutboxMessage.select().where(OutboxMessage.purpose == MessagePurpose.REMINDER).count() == 0
    assert all(fresh(link).reminded_at is None for link in (declined, answered, locked, by_phone, slip))


def test_a_period_may_send_no_reminder(app, sent_link, self_survey_ready):
    link, _t = sent_link()
    sent_days_ago(link, 5)
    self_survey_ready.settings = '{"links": {"reminder_days": 0}}'
    self_survey_ready.save()
    assert reminders.queue_reminders() == 0


def test_a_reminder_the_lock_overtakes_is_not_sent(make_app, sent_link, smtp_server):
    link, _t = sent_link(case=cases()[0])
    queue_link = sent_days_ago(link, 4)
    give_email(link)
    assert reminders.queue_reminders() == 1
    queue_link.locks_at = now() - datetime.timedelta(minutes=1)  # locked before the sender came by
    queue_link.save()
    mailing = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    with mailing.app_context():
        run_recurring(JobKinds.LINKS_SEND)
    assert smtp_server.messages == []
    assert reminders_of(link)[0].state == MessageState.PENDING


def test_the_reminder_says_it_is_one(make_app, sent_link, smtp_server):
    link, _t = sent_link(case=cases()[0])
    sent_days_ago(link, 4)
    give_email(link)
    runner = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port).test_cli_runner()
    assert runner.invoke(args=["links", "remind"]).exit_code == 0
    assert runner.invoke(args=["links", "send"]).exit_code == 0
    [mailed] = smtp_server.messages
    case = Case.with_names(link.case_id)
    with runner.app.app_context():
        reminder = messages.email("reminder", case.unit.name, case.procedure.name, "u", link.locks_at)
        invite = messages.email("invite", case.unit.name, case.procedure.name, "u", link.locks_at)
    assert mailed["Subject"] == reminder.subject != invite.subject
    assert reminders_of(link)[0].state == MessageState.SENT
    assert SurveyLink.get_by_id(link.id).status == LinkStatus.SENT

"""Negative feedback raised at once (seed 001): the answers a questionnaire marks `alert` create an
alert for the case's unit as the interview is submitted; officers and supervisors acknowledge it and
note the follow-up; the unit's contact gets an e-mail when SMTP is configured (a scheduled job)."""

import datetime

from flask import current_app
from flask_babel import gettext as _

import mail
from jobs import recurring
from models import Alert, Case, JobKinds, Unit, db, now
from questionnaires import xlsform

MAIL_EVERY_SECONDS = 60


def alerting_answers(definition, answers):
    """[(question name, answer)] of the answers that raise an alert (a select's marked choices)."""
    found = []
    for q in xlsform.questions(definition):
        marked = set(q.get("alert") or ())
        value = answers.get(q["name"])
        if not marked or value in (None, ""):
            continue
        chosen = set(str(value).split()) if q["type"] == xlsform.SELECT_MULTIPLE else {str(value)}
        for choice in sorted(chosen & marked):
            found.append((q["name"], choice))
    return found


def raise_for(interview):
    """Create the interview's alerts (call inside the submission's transaction); returns the new ones.
    An interview submitted again (after a rejection) raises only what it did not raise before."""
    case = Case.get_by_id(interview.case_id)
    raised = set(Alert.select(Alert.question, Alert.answer).where(Alert.interview == interview).tuples())
    return [
        Alert.create(interview=interview, unit=case.unit_id, question=name, answer=answer, created_at=now())
        for name, answer in alerting_answers(interview.version.definition_dict(), interview.answers_dict())
        if (name, answer) not in raised
    ]


class AlertRefused(ValueError):
    pass


def acknowledge(alert_id, user, follow_up):
    """An officer or supervisor has seen the alert and notes what is done about it."""
    follow_up = (follow_up or "").strip()
    if len(follow_up) < 3:
        raise AlertRefused("follow_up")
    with db.atomic():
        alert = Alert.locked(alert_id)
        if alert.acknowledged_at is None:
            alert.acknowledged_by, alert.acknowledged_at = user.id, now()
        alert.follow_up = follow_up[:2000]
        alert.save()
    return alert


def unmailed():
    """Alerts whose unit has an e-mail address and that were not mailed yet, oldest first."""
    return (
        Alert.select(Alert, Unit)
        .join(Unit, on=(Alert.unit == Unit.id))
        .where(Alert.mailed_at.is_null() & Unit.email.is_null(False) & (Unit.email != ""))
        .order_by(Alert.id)
    )


def mail_alerts(config):
    """Send each unmailed alert to its unit (no personal data: the case code, the question and the
    answer); returns (sent, failed). A failure leaves the alert to the next run."""
    sent = failed = 0
    for alert in unmailed().limit(200):
        case = Case.get_by_id(alert.interview.case_id)
        subject = _("SIPAS alert: %(unit)s, case %(code)s", unit=alert.unit.name, code=case.code)
        text = _(
            "A citizen's answer raised an alert for %(unit)s.\n\nCase: %(code)s\nQuestion: %(q)s\nAnswer: %(a)s\n\n"
            "Follow it up in the back office (Alerts).",
            unit=alert.unit.name,
            code=case.code,
            q=alert.question,
            a=alert.answer,
        )
        try:
            mail.send(config, alert.unit.email, subject, text)
        except mail.MailUnavailable:
            failed += 1
            continue
        alert.mailed_at = now()
        alert.save()
        sent += 1
    return sent, failed


@recurring(JobKinds.ALERT_MAIL, every=datetime.timedelta(seconds=MAIL_EVERY_SECONDS), record=False)
def mail_alerts_job(ctx):
    """Every minute: e-mail new alerts to their units when SMTP is configured."""
    if not mail.configured(current_app.config):
        return {"message": _("No SMTP server configured: alerts are shown in the back office only.")}
    sent, failed = mail_alerts(current_app.config)
    return {"message": _("%(n)d alert(s) e-mailed, %(f)d to try again.", n=sent, f=failed), "ok": failed == 0}

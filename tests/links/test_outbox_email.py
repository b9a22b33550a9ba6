"""E-mail invitations through a real SMTP server: both parts, the unit, the procedure, the lock date
and a link that opens the survey, sent to the applicant once; a server that is down leaves them to
be tried again; a link that ended gets no message."""

import socket

from jobs.schedule import run_recurring
from links import service
from models import Case, JobKinds, LinkStatus, LinkToken, MessageState

from .outbox_helpers import EMAIL, URL_RE, cases, fresh, queue


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send(app):
    with app.app_context():
        return run_recurring(JobKinds.LINKS_SEND)


def test_an_invitation_arrives_in_both_parts_and_its_link_opens_the_survey(
    make_app, client, self_survey_ready, smtp_server
):
    link, message = queue(self_survey_ready, cases()[0])
    mailing = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, SURVEY_BASE_URL="https://khaosat.test")
    send(mailing)
    assert len(smtp_server.messages) == 1
    mailed = smtp_server.messages[0]
    assert mailed["To"] == EMAIL
    text = mailed.get_body(("plain",)).get_content()
    html = mailed.get_body(("html",)).get_content()
    case = Case.with_names(link.case_id)
    link = fresh(link)
    assert link.status == LinkStatus.SENT and link.locks_at is not None
    for part in (text, html):
        assert case.unit.name in part and case.procedure.name in part
        assert link.locks_at.strftime("%d/%m/%Y") in part
        assert case.code not in part
    token = URL_RE.search(text).group(1)
    assert f"https://khaosat.test/s/{token}" in html
    opened = client.get(f"/s/{token}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/survey")
    sent = fresh(message)
    assert (sent.state, sent.tries, sent.error) == (MessageState.SENT, 1, None) and sent.sent_at == link.sent_at

    send(mailing)
    assert len(smtp_server.messages) == 1  # nothing twice


def test_a_server_that_is_down_leaves_the_message_to_retry_and_the_link_unsent(
    make_app, self_survey_ready, smtp_server
):
    link, message = queue(self_survey_ready, cases()[0])
    down = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), OUTBOX_MAX_TRIES=2)
    send(down)
    failed = fresh(message)
    assert failed.state == MessageState.FAILED and failed.tries == 1 and failed.error
    assert EMAIL not in failed.error
    unsent = fresh(link)
    assert unsent.status == LinkStatus.ISSUED and unsent.sent_at is None and unsent.locks_at is None
    assert LinkToken.select().where(LinkToken.link == link.id).count() == 0  # no token kept for it
    send(down)
    send(down)
    assert fresh(message).tries == 2  # OUTBOX_MAX_TRIES: it stays failed
    send(make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, OUTBOX_MAX_TRIES=2))
    assert smtp_server.messages == [] and fresh(message).state == MessageState.FAILED
    send(make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, OUTBOX_MAX_TRIES=3))
    assert len(smtp_server.messages) == 1 and fresh(message).state == MessageState.SENT  # back up: sent


def test_a_link_that_ended_before_its_message_went_gets_none(make_app, self_survey_ready, smtp_server, sent_link):
    first, second, third = cases(3)
    declined, declined_message = queue(self_survey_ready, first)
    service.mark_sent(declined)  # e.g. answered at the kiosk meanwhile, then declined there
    service.decline(declined.id)
    locked, locked_message = queue(self_survey_ready, second)
    service.mark_sent(locked)
    locked = fresh(locked)
    locked.locks_at = locked.sent_at
    locked.save()
    live, live_message = queue(self_survey_ready, third)
    send(make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port))
    assert len(smtp_server.messages) == 1
    assert fresh(declined_message).state == MessageState.PENDING  # left as it was, never sent
    assert fresh(locked_message).state == MessageState.PENDING
    assert fresh(live_message).state == MessageState.SENT


def test_the_command_sends_one_pass_and_says_so(make_app, self_survey_ready, smtp_server):
    queue(self_survey_ready, cases()[0])
    runner = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port).test_cli_runner()
    result = runner.invoke(args=["links", "send"])
    assert result.exit_code == 0 and "1" in result.output and EMAIL not in result.output
    assert len(smtp_server.messages) == 1
    assert runner.invoke(args=["links", "send"]).exit_code == 0
    assert len(smtp_server.messages) == 1


def test_the_command_refuses_with_nothing_configured(runner, self_survey_ready):
    queue(self_survey_ready, cases()[0])
    assert runner.invoke(args=["links", "send"]).exit_code != 0

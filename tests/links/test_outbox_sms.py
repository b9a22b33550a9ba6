"""SMS through a real HTTP gateway started here (it records what it is sent): JSON with the bearer
token, the gateway's id kept, a refusal kept as the error; without a gateway, the delivery file for a
bulk-SMS service: phone,message rows, marked exported, recorded in the audit trail, never twice."""

import csv
import http.server
import json
import threading

import pytest

from jobs.schedule import run_recurring
from links import messages
from models import AuditRecord, JobKinds, LinkStatus, MessageState

from .outbox_helpers import URL_RE, cases, fresh, phone_of, queue


class _Gateway(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
        if self.path.startswith("/refuse"):
            self.send_response(422)
            self.end_headers()
            self.wfile.write(json.dumps({"error": "invalid number", "to": json.loads(body)["to"]}).encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"gw-{len(self.server.received)}"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    """A real HTTP server on a free local port; `.received` holds every request."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def sms_app(make_app, url):
    return make_app(SMS_GATEWAY_URL=url, SMS_GATEWAY_TOKEN="gw-secret", SURVEY_BASE_URL="https://ks.test")


def test_an_sms_goes_to_the_gateway_as_json_with_its_token(make_app, client, self_survey_ready, gateway):
    case = cases()[0]
    link, message = queue(self_survey_ready, case, channel="sms", email=None)
    app = sms_app(make_app, gateway.url + "/send")
    with app.app_context():
        run_recurring(JobKinds.LINKS_SEND)
    [request] = gateway.received
    assert request["path"] == "/send" and request["headers"]["Authorization"] == "Bearer gw-secret"
    body = request["json"]
    assert body["to"] == phone_of(case) and body["reference"] == f"outbox-{message.id}"
    assert len(body["text"]) <= messages.SMS_LIMIT
    token = URL_RE.search(body["text"]).group(1)
    assert client.get(f"/s/{token}").headers["Location"].endswith("/survey")
    sent = fresh(message)
    assert (sent.state, sent.reference, sent.tries) == (MessageState.SENT, "gw-1", 1)
    assert fresh(link).status == LinkStatus.SENT
    with app.app_context():
        run_recurring(JobKinds.LINKS_SEND)
    assert len(gateway.received) == 1  # sent once


def test_a_refusal_of_the_gateway_is_kept_without_the_phone(make_app, self_survey_ready, gateway):
    case = cases()[0]
    link, message = queue(self_survey_ready, case, channel="sms", email=None)
    with sms_app(make_app, gateway.url + "/refuse").app_context():
        run_recurring(JobKinds.LINKS_SEND)
    failed = fresh(message)
    assert failed.state == MessageState.FAILED and failed.tries == 1 and "422" in failed.error
    phone = phone_of(case)
    assert phone not in failed.error and phone.lstrip("+") not in failed.error
    assert fresh(link).status == LinkStatus.ISSUED


def test_the_sms_sent_long_names_shortened_within_two_segments(app):
    with app.app_context():
        text = messages.sms("invite", "Ủy ban nhân dân " * 10, "https://khaosat.example.gov.vn/s/" + "A" * 22, None)
    assert len(text) <= messages.SMS_LIMIT and text.endswith("/s/" + "A" * 22)


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_without_a_gateway_the_sms_are_exported_once_for_a_bulk_sms_service(
    runner, client, self_survey_ready, tmp_path
):
    first, second = cases(2)
    links = [queue(self_survey_ready, case, channel="sms", email=None) for case in (first, second)]
    path = tmp_path / "sms.csv"
    result = runner.invoke(args=["links", "outbox-export", "--period", "2026-10", "-o", str(path)])
    assert result.exit_code == 0, result.output
    rows = read_csv(path)
    assert rows[0] == ["phone", "message"]
    assert [r[0] for r in rows[1:]] == [phone_of(first).lstrip("+"), phone_of(second).lstrip("+")]
    token = URL_RE.search(rows[1][1]).group(1)
    assert client.get(f"/s/{token}").status_code == 302
    for link, message in links:
        assert fresh(message).state == MessageState.EXPORTED and fresh(link).status == LinkStatus.SENT
    record = AuditRecord.select().where(AuditRecord.action == "export").order_by(AuditRecord.seq.desc()).first()
    assert record is not None and record.model == "outbox_message"
    assert phone_of(first) not in (record.after or "") and phone_of(first).lstrip("+") not in (record.after or "")

    again = tmp_path / "again.csv"
    assert runner.invoke(args=["links", "outbox-export", "-o", str(again)]).exit_code == 0
    assert read_csv(again) == [["phone", "message"]]  # never re-sent

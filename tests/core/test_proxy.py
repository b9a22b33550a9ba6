"""Behind a reverse proxy (TRUSTED_PROXIES=1) the client's address is the one the proxy forwarded;
without it, a forged X-Forwarded-For is ignored."""

import pytest

from models import SecurityEvent

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


@pytest.mark.parametrize(("hops", "address"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_security_log_records_the_client_behind_the_proxy(make_app, users, hops, address):
    app = make_app(TRUSTED_PROXIES=hops)
    client = app.test_client()
    client.post("/login", data={"username": "officer", "password": "wrong"}, headers=FORWARDED)
    event = SecurityEvent.select().order_by(SecurityEvent.id.desc()).first()
    assert event.address == address

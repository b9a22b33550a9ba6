"""Sign-ins throttled per address (Flask-Limiter, counted in Redis) on top of the per-account lock-out:
failed sign-ins spread over many accounts from one address are stopped, with a page that says so and
an event in the security log; other addresses, and successful sign-ins, are not held back."""

import pytest

from models import SecurityEvent, SecurityEvents, User

OTHER = {"REMOTE_ADDR": "10.9.8.7"}


def sign_in(client, username, password, environ=None):
    return client.post("/login", data={"username": username, "password": password}, environ_base=environ or {})


@pytest.mark.parametrize("limit", ("3/minute;50/hour", "100/minute;3/hour"))
def test_failed_sign_ins_over_many_accounts_from_one_address_are_stopped(make_app, users, auth, limit):
    app = make_app(LOGIN_RATE_LIMIT=limit)
    client = app.test_client()
    for username in ("admin", "supervisor", "nobody"):  # one try each: no account reaches its lock-out
        assert sign_in(client, username, "wrong").status_code == 200
    refused = sign_in(client, "officer", auth.password)  # even the right password, from this address
    assert refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert 'role="alert"' in body and 'name="username"' in body  # the sign-in page, with its message
    assert client.get("/admin/").status_code == 302  # not signed in
    event = SecurityEvent.select().order_by(SecurityEvent.id.desc()).first()
    assert (event.event, event.username, event.address) == (SecurityEvents.THROTTLED, "officer", "127.0.0.1")
    assert User.get(User.username == "officer").failed_logins == 0  # the password was never checked
    assert all(u.locked_until is None for u in User.select())
    other = app.test_client()
    assert sign_in(other, "officer", auth.password, OTHER).status_code == 302  # another address
    assert client.get("/login").status_code == 200  # the page itself is not throttled


def test_an_unknown_name_is_logged_as_such_when_throttled(make_app, users):
    client = make_app(LOGIN_RATE_LIMIT="1/minute").test_client()
    sign_in(client, "nobody", "wrong")
    assert sign_in(client, "my-password-typed-here", "x").status_code == 429
    event = SecurityEvent.select().order_by(SecurityEvent.id.desc()).first()
    assert (event.event, event.username) == (SecurityEvents.THROTTLED, "?")  # never the text typed


def test_successful_sign_ins_are_not_counted(make_app, users, auth):
    client = make_app(LOGIN_RATE_LIMIT="2/minute").test_client()
    for _ in range(4):  # a provincial office signs in from behind one address
        assert sign_in(client, "officer", auth.password).status_code == 302
        client.post("/logout")


def test_the_security_log_names_the_throttling(make_app, users, auth):
    app = make_app(LOGIN_RATE_LIMIT="1/minute")
    client = app.test_client()
    sign_in(client, "admin", "wrong")
    sign_in(client, "admin", "wrong")
    reader = app.test_client()
    assert sign_in(reader, "auditor", auth.password, OTHER).status_code == 302
    url = f"/admin/security/?flt0_0={SecurityEvents.THROTTLED}"
    page = reader.get(url, environ_base=OTHER).get_data(as_text=True)
    assert page.count("127.0.0.1") == 1

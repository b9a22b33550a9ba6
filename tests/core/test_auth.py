"""Sign-in: hashed passwords, lock-out, CSRF, safe `next` redirects and cookie flags."""

import re

import pytest

from models import User


def test_sign_in_and_out(client, users, auth):
    response = auth.login("officer")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/admin/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_passwords_are_stored_with_a_memory_hard_kdf(app, users):
    user = User.get(User.username == "admin")
    user.set_password("another-password-1")
    user.save()
    stored = User.get(User.username == "admin").password_hash
    assert stored.startswith("scrypt:") and "another-password-1" not in stored


def test_wrong_password_and_unknown_user_get_the_same_answer(client, users, auth):
    a = auth.login("officer", "wrong").get_data(as_text=True)
    b = auth.login("nobody", "wrong").get_data(as_text=True)
    msg = re.compile(r'role="alert">([^<]+)<')
    assert msg.search(a).group(1) == msg.search(b).group(1)


def test_repeated_failures_lock_the_account(app, client, users, auth):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert auth.login("officer", "wrong").status_code == 200
    response = auth.login("officer")  # even the right password is refused now
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
    assert User.get(User.username == "officer").locked_until is not None
    assert "bị tạm khóa thêm 15 phút" in response.get_data(as_text=True)


def test_disabled_account_cannot_sign_in(client, users, auth):
    user = users["auditor"]
    user.active = False
    user.save()
    assert auth.login("auditor").status_code == 200
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/admin/units/", "/admin/units/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirects_only_within_this_site(client, users, auth, target, expected):
    response = client.post("/login?next=" + target, data={"username": "admin", "password": auth.password})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_forms_require_a_csrf_token(make_app, users, auth):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        response = client.post("/login", data={"username": "admin", "password": auth.password})
        assert response.status_code in (200, 400)
        assert client.get("/admin/").status_code == 302  # not signed in
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"username": "admin", "password": auth.password, "csrf_token": token})
        assert response.status_code == 302
        assert client.post("/logout").status_code == 400  # no token: still signed in
        assert client.get("/admin/").status_code == 200


def test_session_cookie_flags(client, users, auth):
    response = auth.login("admin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_parallel_failures_still_lock_the_account(app, users):
    """Failed attempts sent at once are all counted (no lost update)."""
    import threading

    from models import db

    errors = []

    def attempt():
        try:
            app.test_client().post("/login", data={"username": "officer", "password": "wrong"})
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=attempt) for _ in range(app.config["LOGIN_MAX_FAILURES"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert User.get(User.username == "officer").locked_until is not None


def test_sign_ins_go_to_the_security_log_not_the_audit_trail(app, users, auth, client):
    from models import AuditRecord, SecurityEvent, SecurityEvents

    before = AuditRecord.select().count()
    auth.login("officer", password="wrong-password-1")
    auth.login("nobody-by-that-name", password="whatever-it-is")
    assert auth.login("officer").status_code == 302
    auth.logout()
    events = [(e.event, e.username) for e in SecurityEvent.select().order_by(SecurityEvent.id)]
    assert events == [
        (SecurityEvents.SIGN_IN_FAILED, "officer"),
        (SecurityEvents.SIGN_IN_FAILED, "?"),  # never the name as typed: it may be a password
        (SecurityEvents.SIGN_IN, "officer"),
        (SecurityEvents.SIGN_OUT, "officer"),
    ]
    assert AuditRecord.select().count() == before  # no "update user last_login_at" burying the real changes
    assert User.get(User.username == "officer").last_login_at is not None


def test_a_lock_out_is_logged_and_the_log_is_for_admins_and_auditors(app, users, auth, client):
    from models import SecurityEvent, SecurityEvents

    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("officer", password="wrong-password-1")
    assert SecurityEvent.select().where(SecurityEvent.event == SecurityEvents.LOCKED_OUT).count() == 1
    for role, status in (("auditor", 200), ("admin", 200), ("supervisor", 403)):
        other = app.test_client()
        auth.login(role, client=other)
        page = other.get("/admin/security/")
        assert page.status_code == status, role
        if status == 200:
            assert "Bị khóa sau nhiều lần đăng nhập sai" in page.get_data(as_text=True)

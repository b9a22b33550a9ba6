"""Forged cross-site requests: every POST endpoint of the URL map, sent without the CSRF token by a
signed-in user of each role (and by nobody), is refused with the "form has expired" page (400) and
changes nothing: the audit trail, the security log and the jobs are as they were, and the user is still
signed in (even the sign-out needs the token)."""

import re

import pytest

from models import AuditRecord, JobRun, SecurityEvent

EXPIRED = "Biểu mẫu đã hết hạn"  # the CSRF refusal's page (core.errors)
# What a forged form would carry: plausible values for the fields the back office's forms read.
FORGED = {
    "month": "2026-12",
    "period": "2026-10",
    "id": "1",
    "ids": "1",
    "rowid": "1",
    "action": "lock",
    "username": "admin",
    "password": "correct-horse-battery",
    "reason": "forged reason",
    "comment": "forged comment",
    "note": "forged note",
    "code": "HS-0001",
    "outcome": "2.11",
    "name": "forged",
}


def signed_in(app, role, auth):
    """A client signed in through the form, with its token, as a browser would."""
    client = app.test_client()
    if role:
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"username": role, "password": auth.password, "csrf_token": token})
        assert response.status_code == 302
    return client


def trail():
    return (AuditRecord.select().count(), SecurityEvent.select().count(), JobRun.select().count())


@pytest.mark.parametrize("role", ("admin", "supervisor", "officer", "auditor", "enumerator", None))
def test_every_post_without_a_token_is_refused_and_changes_nothing(make_app, sample_ids, auth, role):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = signed_in(app, role, auth)
    posts = [
        (rule.endpoint, rule.build(_arguments(rule, sample_ids))[1])
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
    ]
    assert len(posts) > 40  # the whole map: the back office's, the interviewer's and the public forms
    before = trail()
    accepted = []
    for endpoint, url in posts:
        response = client.post(url, data=FORGED)
        if response.status_code != 400 or EXPIRED not in response.get_data(as_text=True):
            accepted.append(f"{endpoint} {url}: {response.status_code}")
    assert accepted == []
    assert trail() == before
    if role:
        assert client.get("/admin/" if role != "enumerator" else "/interviewer/").status_code == 200


def _arguments(rule, ids):
    values = {
        "run_id": ids["run"],
        "case_id": ids["cases"],
        "unit_id": ids["units"],
        "token": "A" * 22,
        "secret": "B" * 22,
        "unit_code": "X01",
        "month": "2026-10",
        "fmt": "json",
        "export_type": "csv",
    }
    return {name: values.get(name, 1) for name in rule.arguments}

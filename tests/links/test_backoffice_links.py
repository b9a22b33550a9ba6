"""The back office's survey links: the links page by role, issuing as a job, sheets of QR slips and
one case's slip (tokens minted, links sent, nothing personal), the counter's poster, kiosks."""

import json
import re

import pytest

from links import issuing
from models import (
    AuditRecord,
    Case,
    Contact,
    JobRun,
    Kiosk,
    LinkChannels,
    LinkStatus,
    LinkToken,
    SurveyLink,
    Unit,
    pii,
    token_hash,
)

TOKEN_RE = re.compile(r"/s/([A-Za-z0-9_-]{22})")
SETUP_RE = re.compile(r"/kiosk/setup/([A-Za-z0-9_-]{22})")
ONCE_RE = re.compile(r'<input[^>]*name="once"[^>]*value="([^"]+)"')


def kiosk_form(client):
    """The one-time token of the kiosk form the list page shows."""
    return ONCE_RE.search(client.get("/admin/kiosks/").get_data(as_text=True)).group(1)


def links_of(unit_code, status=None):
    query = SurveyLink.select().join(Case, on=(SurveyLink.case == Case.id)).join(Unit).where(Unit.code == unit_code)
    return list(query.where(SurveyLink.status == status) if status else query)


def slip_tokens(body):
    return sorted(set(TOKEN_RE.findall(body)))


def opens_the_survey(app, token):
    citizen = app.test_client()
    response = citizen.get(f"/s/{token}")
    return response.status_code == 302 and citizen.get("/survey").status_code == 200


@pytest.fixture
def qr_issued(self_survey_ready):
    """October's links issued as QR slips (not printed yet); returns the period."""
    issuing.issue(self_survey_ready, LinkChannels.QR)
    return self_survey_ready


@pytest.mark.parametrize("role", ["admin", "supervisor", "officer", "auditor", "enumerator"])
def test_the_links_page_by_role(client, auth, users, qr_issued, role):
    auth.login(role)
    response = client.get("/admin/links/?period=2026-10")
    if role == "enumerator":
        assert response.status_code == 403
        return
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    qr_links = SurveyLink.select().where(SurveyLink.channel == LinkChannels.QR).count()
    assert qr_links == Case.select().count()  # every returned case of the month, as a slip
    assert re.search(rf'data-testid="count-qr-issued">{qr_links:,}<'.replace(",", "."), body)
    assert 'data-testid="rate-qr">—<' in body  # nothing sent yet: no rate
    assert body.count("<li>") >= 6  # the rules in words
    button = re.search(r'<button[^>]*data-testid="issue-button"[^>]*>', body).group(0)
    assert ("disabled" in button) == (role in ("officer", "auditor"))
    assert ('data-testid="print-X02"' in body) == (role in ("admin", "supervisor"))


def test_links_are_issued_from_the_page_as_a_job(client, auth, users, self_survey_ready, work_jobs):
    auth.login("supervisor")
    response = client.post("/admin/links/issue", data={"period": "2026-10", "channel": ""})
    run = JobRun.select().order_by(JobRun.id.desc()).first()
    assert run.kind == "links.issue" and run.actor == "supervisor"
    assert json.loads(run.params) == {"period_id": self_survey_ready.id, "channel": None}
    assert response.headers["Location"].endswith(f"/admin/jobs/{run.id}")
    work_jobs()
    done = client.get(f"/admin/jobs/{run.id}")
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/links/?period=2026-10")
    issued = SurveyLink.select().count()
    assert issued == JobRun.get_by_id(run.id).summary_dict()["report"]["issued_total"] > 0
    page = client.get("/admin/links/?period=2026-10").get_data(as_text=True)
    sms = SurveyLink.select().where(SurveyLink.channel == LinkChannels.SMS).count()
    assert f'data-testid="count-sms-issued">{sms}<' in page.replace(".", "")
    assert client.post("/admin/links/issue", data={"period": "2026-10", "channel": "fax"}).status_code == 302
    assert JobRun.select().where(JobRun.kind == "links.issue").count() == 1  # a forged channel starts nothing


def test_issuing_is_refused_without_a_self_administered_form(client, auth, users, fieldwork_ready):
    auth.login("admin")
    page = client.get("/admin/links/?period=2026-10").get_data(as_text=True)
    assert 'data-testid="why-disabled"' in page
    assert re.search(r'<button[^>]*data-testid="issue-button"[^>]*disabled', page)
    response = client.post("/admin/links/issue", data={"period": "2026-10", "channel": "qr"})
    assert response.status_code == 302 and JobRun.select().where(JobRun.kind == "links.issue").count() == 0


def test_a_sheet_of_slips_has_a_working_token_each_and_nothing_personal(app, client, auth, users, qr_issued):
    unit = Unit.get(Unit.code == "X02")
    waiting = links_of("X02", LinkStatus.ISSUED)
    contact = Contact.get_by_id(waiting[0].case_id)
    cipher = pii.cipher()
    contact.name_enc, contact.email_enc = cipher.encrypt("Nguyễn Thị Hoa"), cipher.encrypt("hoa@example.vn")
    contact.save()
    phones = [cipher.decrypt(c.phone_enc) for c in Contact.select() if c.phone_enc]
    auth.login("supervisor")
    response = client.post("/admin/links/slips", data={"period": "2026-10", "unit": unit.id})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert body.count('data-testid="slip"') == len(waiting) == 12
    assert body.count("<svg") == 12 and "http" not in body.replace(app.config["SURVEY_BASE_URL"], "")
    assert unit.name in body and "next-sheet" not in body
    tokens = slip_tokens(body)
    assert len(tokens) == 12
    for text in ("Nguyễn Thị Hoa", "hoa@example.vn", *phones):
        assert text not in body
    # printed: each link sent (its lock counts from now), one token each, the print in the trail
    assert links_of("X02", LinkStatus.ISSUED) == []
    sent = links_of("X02", LinkStatus.SENT)
    assert len(sent) == 12 and all(link.sent_at and link.locks_at for link in sent)
    assert LinkToken.select().where(LinkToken.link.in_([link.id for link in sent])).count() == 12
    assert {LinkToken.get(LinkToken.token_hash == token_hash(t)).link_id for t in tokens} == {s.id for s in sent}
    record = AuditRecord.select().where(AuditRecord.action == "print").get()
    assert record.actor == "supervisor"
    assert json.loads(record.after) == {"period": "2026-10", "unit": "X02", "slips": 12}
    for token in tokens:
        assert token not in "".join(r.after or "" for r in AuditRecord.select())
    assert opens_the_survey(app, tokens[0])
    # a second print finds nothing waiting; the page now counts the slips as sent
    again = client.post("/admin/links/slips", data={"period": "2026-10", "unit": unit.id})
    assert again.status_code == 302
    page = client.get("/admin/links/?period=2026-10").get_data(as_text=True)
    assert "(0/12)" in page and 'data-testid="waiting-X02"' not in page


def test_a_large_unit_prints_sheet_after_sheet(client, auth, users, qr_issued, monkeypatch):
    monkeypatch.setattr("links.slips.SHEET_MAX", 70)
    unit = Unit.get(Unit.code == "S01")
    auth.login("admin")
    seen = set()
    for expected, left in ((70, 90), (70, 20), (20, 0)):
        body = client.post("/admin/links/slips", data={"period": "2026-10", "unit": unit.id}).get_data(as_text=True)
        assert body.count('data-testid="slip"') == expected
        assert ('data-testid="next-sheet"' in body) == bool(left)
        assert len(links_of("S01", LinkStatus.ISSUED)) == left
        seen.update(slip_tokens(body))
    assert len(seen) == 160


def test_officers_and_auditors_cannot_print(client, auth, users, qr_issued):
    unit = Unit.get(Unit.code == "X02")
    case = Case.select().order_by(Case.id).first()
    for role in ("officer", "auditor", "enumerator"):
        auth.logout()
        auth.login(role)
        assert client.post("/admin/links/slips", data={"period": "2026-10", "unit": unit.id}).status_code == 403
        assert client.post(f"/admin/links/case/{case.id}/slip").status_code == 403
    assert LinkToken.select().count() == 0


def test_one_case_slip_from_the_case_page_and_a_reprint_keeps_the_old_one(app, client, auth, users, self_survey_ready):
    case = Case.select().where(Case.channel == "direct").order_by(Case.id).first()
    auth.login("officer")
    assert 'data-testid="print-case-slip"' not in client.get(f"/admin/case/{case.id}").get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    page = client.get(f"/admin/case/{case.id}").get_data(as_text=True)
    assert 'data-testid="print-case-slip"' in page and SurveyLink.of_case(case.id) is None
    first = client.post(f"/admin/links/case/{case.id}/slip")
    body = first.get_data(as_text=True)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert body.count('data-testid="slip"') == 1 and case.code in body
    link = SurveyLink.of_case(case.id)
    assert link.channel == LinkChannels.QR and link.status == LinkStatus.SENT and link.locks_at
    old = slip_tokens(body)[0]
    new = slip_tokens(client.post(f"/admin/links/case/{case.id}/slip").get_data(as_text=True))[0]
    assert new != old and LinkToken.select().where(LinkToken.link == link.id).count() == 2
    assert SurveyLink.get_by_id(link.id).sent_at == link.sent_at  # the lock still counts from the first print
    assert opens_the_survey(app, old) and opens_the_survey(app, new)
    assert 'data-testid="case-link-status"' in client.get(f"/admin/case/{case.id}").get_data(as_text=True)
    # once the survey is over, no slip: back to the case page with the reason
    link = SurveyLink.get_by_id(link.id)
    link.status = LinkStatus.DECLINED
    link.save()
    refused = client.post(f"/admin/links/case/{case.id}/slip")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/admin/case/{case.id}")
    assert LinkToken.select().where(LinkToken.link == link.id).count() == 2


def test_no_case_slip_without_a_self_administered_form(client, auth, users, fieldwork_ready):
    case = Case.select().order_by(Case.id).first()
    auth.login("supervisor")
    assert client.post(f"/admin/links/case/{case.id}/slip").status_code == 302
    assert SurveyLink.select().count() == 0 and LinkToken.select().count() == 0


def test_the_counter_poster_of_a_unit(app, client, auth, users, reference_data):
    unit = Unit.get(Unit.code == "X01")
    address = app.config["SURVEY_BASE_URL"] + "/u/X01"
    auth.login("enumerator")
    assert client.get(f"/admin/links/poster/{unit.id}").status_code == 403
    auth.logout()
    auth.login("officer")
    units = client.get("/admin/units/").get_data(as_text=True)
    assert f'href="/admin/links/poster/{unit.id}"' in units
    poster = client.get(f"/admin/links/poster/{unit.id}")
    body = poster.get_data(as_text=True)
    assert poster.status_code == 200 and unit.name in body and address in body and "<svg" in body
    svg = client.get(f"/admin/links/poster/{unit.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and svg.get_data().lstrip().startswith(b"<?xml")
    png = client.get(f"/admin/links/poster/{unit.id}/qr.png")
    assert png.mimetype == "image/png" and png.get_data()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in png.headers["Content-Disposition"]
    assert client.get("/u/X01").status_code == 200  # the address the code holds is the counter's page


def test_a_kiosk_is_set_up_once_then_revoked(app, client, auth, users, reference_data):
    unit = Unit.get(Unit.code == "X01")
    auth.login("officer")
    assert client.get("/admin/kiosks/").status_code == 403
    auth.logout()
    auth.login("supervisor")
    created = client.post("/admin/kiosks/create", data={"unit": unit.id, "name": "Quầy 1", "once": kiosk_form(client)})
    body = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = SETUP_RE.search(body).group(1)
    assert app.config["SURVEY_BASE_URL"] + "/kiosk/setup/" + secret in body and "<svg" in body
    kiosk = Kiosk.get()
    assert kiosk.secret_hash == token_hash(secret) and kiosk.unit_id == unit.id and kiosk.created_by_id
    assert secret not in "".join((r.after or "") + (r.before or "") for r in AuditRecord.select())
    listing = client.get("/admin/kiosks/").get_data(as_text=True)
    assert "Quầy 1" in listing and secret not in listing

    tablet = app.test_client()
    assert tablet.get(f"/kiosk/setup/{secret}").status_code == 302
    assert tablet.get("/kiosk").status_code == 200
    assert app.test_client().get(f"/kiosk/setup/{secret}").status_code == 403  # once only
    assert Kiosk.get_by_id(kiosk.id).enrolled_at is not None

    assert client.post(f"/admin/kiosks/{kiosk.id}/revoke").status_code == 302
    assert Kiosk.get_by_id(kiosk.id).revoked_at is not None
    assert tablet.get("/kiosk").status_code == 403  # the tablet is no longer a kiosk
    assert client.post(f"/admin/kiosks/{kiosk.id}/revoke").status_code == 302  # again: nothing changes
    actions = [r.action for r in AuditRecord.select().where(AuditRecord.model == "kiosk").order_by(AuditRecord.seq)]
    assert actions == ["create", "update", "update"]  # made, enrolled, revoked


def test_a_kiosk_needs_a_unit_and_a_name(client, auth, users, reference_data):
    auth.login("admin")
    for data in ({"unit": 999999, "name": "Quầy"}, {"name": "Quầy"}, {"unit": Unit.get().id, "name": "Q"}):
        refused = client.post("/admin/kiosks/create", data={**data, "once": kiosk_form(client)}, follow_redirects=True)
        assert "Máy khảo sát tại quầy cần có đơn vị" in refused.get_data(as_text=True)
    assert Kiosk.select().count() == 0


def test_a_kiosk_form_sent_twice_makes_one_kiosk(app, client, auth, users, reference_data):
    """A reload of the page that shows the secret sends the form again; so does a replayed request
    with the cookies of then. Either makes no second kiosk and says why; a made-up token makes none."""
    auth.login("supervisor")
    data = {"unit": Unit.get(Unit.code == "X01").id, "name": "Quầy 2", "once": kiosk_form(client)}
    session_cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value  # the cookies of then
    assert client.post("/admin/kiosks/create", data=data).status_code == 200
    again = client.post("/admin/kiosks/create", data=data, follow_redirects=True)
    assert again.status_code == 200 and "Biểu mẫu này đã được gửi" in again.get_data(as_text=True)
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], session_cookie)
    assert replay.post("/admin/kiosks/create", data=data).status_code == 302
    assert client.post("/admin/kiosks/create", data={**data, "once": "made-up"}).status_code == 302
    assert Kiosk.select().count() == 1
    fresh = client.post("/admin/kiosks/create", data={**data, "once": kiosk_form(client)})
    assert fresh.status_code == 200 and Kiosk.select().count() == 2  # a form shown anew makes the next one

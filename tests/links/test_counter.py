"""At the counter: the survey website behind a unit's fixed QR code (the citizen types the dossier
code) and the kiosk (set up once; the officer types the code and hands the tablet over)."""

import datetime
import logging
import re

import pytest

from core.logs import RedactingFilter, redact
from links import service
from models import (
    Case,
    Interview,
    InterviewStatus,
    Kiosk,
    LinkChannels,
    LinkStatus,
    SurveyLink,
    Unit,
    now,
    token_hash,
)

from .test_respondent import walk_to_end


@pytest.fixture
def recent_cases(runner, reference_data, tmp_path, self_survey_ready):
    """Three dossiers of S01 returned two days ago, one of S02, one returned 20 days ago."""
    recent = (now() - datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    old = (now() - datetime.timedelta(days=20)).strftime("%d/%m/%Y")
    rows = [
        f"R-001,S01,1.000001,truc_tiep,{recent},{recent},0912000001",
        f"R-002,S01,1.000001,truc_tiep,{recent},{recent},",
        f"R-003,S02,1.000001,truc_tiep,{recent},{recent},0912000003",
        f"R-004,S01,1.000001,truc_tiep,{old},{old},0912000004",
    ]
    path = tmp_path / "recent.csv"
    header = "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ngay_tra_ket_qua,so_dien_thoai"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", "cases", str(path)])
    assert result.exit_code == 0, result.output
    return {c.code: c for c in Case.select().where(Case.code.startswith("R-"))}


def test_the_counter_page_starts_the_survey_for_a_recent_dossier(client, recent_cases, complete_answers):
    page = client.get("/u/S01")
    assert page.status_code == 200 and Unit.get(Unit.code == "S01").name in page.get_data(as_text=True)
    started = client.post("/u/S01", data={"code": " R-001 "})
    assert started.status_code == 302 and started.headers["Location"].endswith("/survey")
    done = walk_to_end(client, complete_answers)
    assert 'data-testid="done"' in done.get_data(as_text=True)
    link = SurveyLink.get(SurveyLink.case == recent_cases["R-001"].id)
    assert link.channel == LinkChannels.WEBSITE and link.status == LinkStatus.ANSWERED
    interview = Interview.get(Interview.complete_case == link.case_id)
    assert interview.channel == "counter" and interview.status == InterviewStatus.APPROVED


def test_wrong_other_units_old_and_answered_codes_get_one_message(client, recent_cases, complete_answers):
    client.post("/u/S01", data={"code": "R-001"})
    walk_to_end(client, complete_answers)
    answers = []
    for code in ("R-999", "R-003", "R-004", "R-001", ""):
        response = client.post("/u/S01", data={"code": code})
        answers.append((response.status_code, response.get_data(as_text=True).count('data-testid="error"')))
    assert set(answers) == {(422, 1)}
    assert SurveyLink.select().count() == 1  # nothing made for the refused codes


def test_the_counter_does_not_resume_what_someone_else_answered(app, client, recent_cases):
    client.post("/u/S01", data={"code": "R-002"})
    client.post("/survey", data={"page": 0, "action": "next", "dong_y": "co"})
    client.post("/survey", data={"page": 1, "action": "next", "dung_ho_so": "co"})
    stranger = app.test_client()
    stranger.post("/u/S01", data={"code": "R-002"})
    body = stranger.get("/survey").get_data(as_text=True)
    assert 'name="page" value="0"' in body and "checked" not in body
    first = client.get("/survey")  # the first browser still has its own answers
    assert 'name="page" value="2"' in first.get_data(as_text=True)


def test_the_code_page_is_throttled(client, recent_cases):
    statuses = [client.post("/u/S01", data={"code": f"X-{i}"}).status_code for i in range(12)]
    assert statuses[:10] == [422] * 10 and statuses[-1] == 429


def test_a_bot_filling_the_hidden_field_gets_nothing(client, recent_cases):
    response = client.post("/u/S01", data={"code": "R-001", "website": "http://spam"})
    assert response.status_code == 422 and SurveyLink.select().count() == 0


@pytest.fixture
def kiosk(recent_cases):
    unit = Unit.get(Unit.code == "S01")
    return Kiosk.create(unit=unit, name="Quầy 1", secret_hash=token_hash("kiosk-secret-1"))


def test_kiosk_set_up_once_then_hands_over_and_resets(app, client, kiosk, complete_answers):
    assert client.get("/kiosk").status_code == 403  # not set up yet
    assert client.get("/kiosk/setup/kiosk-secret-1").status_code == 302
    assert app.test_client().get("/kiosk/setup/kiosk-secret-1").status_code == 403  # once only
    assert client.get("/kiosk").status_code == 200
    assert client.post("/kiosk", data={"code": "R-003"}).status_code == 422  # another unit's
    started = client.post("/kiosk", data={"code": "R-001"})
    assert started.headers["Location"].endswith("/kiosk/survey")
    page = client.get("/kiosk/survey")
    assert 'http-equiv="refresh"' in page.get_data(as_text=True)  # the idle reset without JavaScript
    response = client.get("/kiosk/survey")
    for _ in range(20):
        body = response.get_data(as_text=True)
        if 'data-testid="done"' in body:
            break
        page_no = int(re.search(r'name="page" value="(\d+)"', body).group(1))
        names = set(re.findall(r'data-name="([a-z_]+)" data-kind="(?!note)', body))
        action = "submit" if 'value="submit"' in body else "next"
        posted = {n: complete_answers[n] for n in names if n in complete_answers}
        response = client.post("/kiosk/survey", data={"page": page_no, "action": action, **posted})
        if response.status_code == 302:
            response = client.get(response.headers["Location"])
    body = response.get_data(as_text=True)
    assert 'data-testid="done"' in body and 'url=/kiosk"' in body  # back to the code page by itself
    assert client.get("/kiosk/survey").headers["Location"].endswith("/kiosk")  # the answers are gone
    interview = Interview.get(Interview.complete_case == kiosk.unit.cases.where(Case.code == "R-001").get().id)
    assert interview.channel == "kiosk"
    assert SurveyLink.get(SurveyLink.case == interview.case_id).channel == LinkChannels.KIOSK


def test_kiosk_reset_leaves_nothing_to_see(client, kiosk):
    client.get("/kiosk/setup/kiosk-secret-1")
    client.post("/kiosk", data={"code": "R-001"})
    client.post("/kiosk/survey", data={"page": 0, "action": "next", "dong_y": "co"})
    assert client.get("/kiosk/reset").headers["Location"].endswith("/kiosk")
    assert client.get("/kiosk/survey").status_code == 302
    again = client.post("/kiosk", data={"code": "R-001"})  # the next citizen starts afresh
    body = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "checked" not in body


def test_a_revoked_kiosk_stops(client, kiosk):
    client.get("/kiosk/setup/kiosk-secret-1")
    kiosk.revoked_at = now()
    kiosk.save()
    assert client.get("/kiosk").status_code == 403


def test_the_daily_lock(app, sent_link):
    link, _token = sent_link()
    link.locks_at = now() - datetime.timedelta(hours=1)
    link.save()
    other, _ = sent_link(Case.select().where(Case.channel == "direct").order_by(Case.id.desc()).first())
    assert service.lock_due() == (1, 0)
    assert SurveyLink.get_by_id(link.id).status == LinkStatus.LOCKED
    assert SurveyLink.get_by_id(other.id).status == LinkStatus.SENT
    assert service.lock_due() == (0, 0)


def test_tokens_never_reach_the_request_logs(caplog):
    assert redact('"GET /s/AbCdEf_-123456789012345 HTTP/1.1" 302') == '"GET /s/… HTTP/1.1" 302'
    logger = logging.getLogger("werkzeug")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info('%s - - "%s" %s', "127.0.0.1", "GET /s/AbCdEf_-123456789012345 HTTP/1.1", 302)
    assert "AbCdEf" not in caplog.text and "/s/…" in caplog.text

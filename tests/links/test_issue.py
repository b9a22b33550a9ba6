"""`links issue`: one link per eligible case of the period, by the period's rules and the channel asked
for; e-mail and SMS links wait in the outbox; issuing again adds only what is new."""

import json

from models import (
    AuditRecord,
    Case,
    Contact,
    Interview,
    LinkChannels,
    LinkStatus,
    MessageState,
    OutboxMessage,
    Period,
    SurveyLink,
)

HEADER = "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ngay_tra_ket_qua,so_dien_thoai,email"
ROWS = [
    "E-001,S01,1.000001,truc_tiep,01/11/2026,10/11/2026,0912000001,a@example.vn",
    "E-002,S01,1.000001,truc_tiep,01/11/2026,10/11/2026,0912000002,",
    "E-003,S01,1.000001,truc_tiep,01/11/2026,10/11/2026,,",
    "E-004,S01,1.000001,truc_tuyen,01/11/2026,10/11/2026,,b@example.vn",
    "E-005,S01,1.000001,buu_chinh,01/11/2026,,0912000005,",  # not returned yet
]


def issue(runner, *args):
    result = runner.invoke(args=["links", "issue", "--period", "2026-11", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def load(runner, reference_data, tmp_path, rows=ROWS):
    path = tmp_path / "cases.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", "cases", str(path)])
    assert result.exit_code == 0, result.output


def test_e_mail_first_then_sms_none_without_contact(runner, reference_data, tmp_path):
    load(runner, reference_data, tmp_path)
    report = issue(runner)
    assert report["cases"] == 4  # the dossier not returned yet is not in the month
    assert report["issued"] == {"email": 2, "sms": 1}
    assert report["not_eligible"] == {"no_contact": 1}
    channels = {Case.get_by_id(link.case_id).code: link.channel for link in SurveyLink.select()}
    assert channels == {"E-001": "email", "E-002": "sms", "E-004": "email"}
    assert {link.status for link in SurveyLink.select()} == {LinkStatus.ISSUED}
    waiting = OutboxMessage.select().where(OutboxMessage.state == MessageState.PENDING)
    assert sorted(m.channel for m in waiting) == ["email", "email", "sms"]
    # every link and message audited, and nothing personal in the trail
    records = AuditRecord.select().where(AuditRecord.model.in_(["survey_link", "outbox_message"]))
    assert records.count() == 6
    text = " ".join((r.after or "") for r in records)
    assert "example.vn" not in text and "0912000001" not in text


def test_issuing_again_adds_only_what_is_new(runner, reference_data, tmp_path):
    load(runner, reference_data, tmp_path)
    issue(runner)
    again = issue(runner)
    assert again["issued_total"] == 0 and again["had_link"] == 3
    assert SurveyLink.select().count() == 3 and OutboxMessage.select().count() == 3
    slips = issue(runner, "--channel", "qr")  # the dossier with no contact gets a slip
    assert slips["issued"] == {"qr": 1}
    assert SurveyLink.get(SurveyLink.channel == LinkChannels.QR).case.code == "E-003"
    assert OutboxMessage.select().count() == 3  # a slip is printed, not sent


def test_rules_of_the_period_are_applied(runner, reference_data, tmp_path):
    load(runner, reference_data, tmp_path)
    period = Period.for_month("2026-11")
    period.settings = json.dumps({"links": {"online": False, "require_contact": False}})
    period.save()
    report = issue(runner)
    assert report["not_eligible"] == {"online": 1}
    assert report["issued"] == {"email": 1, "qr": 1, "sms": 1}


def test_a_channel_asked_for_needs_its_address(runner, reference_data, tmp_path):
    load(runner, reference_data, tmp_path)
    report = issue(runner, "--channel", "sms")
    assert report["issued"] == {"sms": 2}
    assert report["not_eligible"] == {"no_phone": 2}


def test_a_case_answered_already_gets_no_link(runner, reference_data, tmp_path, sent_link):
    # sent_link answers nothing: an approved interview of a case makes it "answered"
    load(runner, reference_data, tmp_path)
    case = Case.get(Case.code == "E-001")
    link, _token = sent_link(case)
    interview = Interview.create(case=case, version=1, channel="web", status="approved", complete_case=case)
    assert interview.id
    report = issue(runner)
    assert report["had_link"] == 1


def test_wrong_input_is_refused_with_a_message(runner, reference_data):
    result = runner.invoke(args=["links", "issue", "--period", "2026-13"])
    assert result.exit_code != 0 and "YYYY-MM" in result.output
    result = runner.invoke(args=["links", "issue", "--period", "2030-01"])
    assert result.exit_code != 0 and "2030-01" in result.output
    result = runner.invoke(args=["links", "issue", "--period", "2026-11", "--channel", "fax"])
    assert result.exit_code != 0
    assert SurveyLink.select().count() == 0 and Contact.select().count() == 0

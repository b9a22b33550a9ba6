"""The auditor's re-check: the short form of the questions marked `recheck`, the phone revealed only
for their own open case (each reveal audited, never the number), the outcome and answers saved and
compared (figures computed by hand), a confirmation refused when a type 1 answer differs."""

import json

import pytest

from models import AuditRecord, Contact, Interview, Period, RecheckCase, RecheckOutcomes
from models.pii import cipher
from rechecks import form, service

MONTH = "2026-10"
# Against tests/factories.py COMPLETE_ANSWERS: type 1 dung_ho_so same, phien_ha differs; type 2
# dung_hen and da_gop_y same, so_lan_di_lai differs; type 3 thai_do 5 → 3 (−2), hai_long_chung 4 → 5
# (+1), nang_luc "no opinion" → 4 (not compared).
DIFFERENT = {
    "dung_ho_so": "co",
    "phien_ha": "co",
    "dung_hen": "som_dung_hen",
    "so_lan_di_lai": "2",
    "da_gop_y": "khong",
    "thai_do": "3",
    "hai_long_chung": "5",
    "nang_luc": "4",
}
SAME = {"dung_ho_so": "co", "phien_ha": "khong", "dung_hen": "som_dung_hen", "so_lan_di_lai": "1", "da_gop_y": "khong"}


@pytest.fixture
def drawn(app, fieldwork_ready, approved, users):
    """Two approved interviews of dtv1 and one of dtv2, all in the re-check sample (share 1)."""
    for name in ("dtv1", "dtv1", "dtv2"):
        approved(name)
    service.draw(Period.get(Period.month == MONTH), share=1, seed="t")
    return list(RecheckCase.select().order_by(RecheckCase.enumerator, RecheckCase.rank))


def test_the_form_asks_the_questions_marked_recheck_with_their_types(app, drawn):
    definition = Interview.get_by_id(drawn[0].interview_id).version.definition_dict()
    items = form.items(definition, {"unit": "UBND"})
    types = {i["name"]: i["recheck"] for i in items}
    assert types["dung_ho_so"] == 1 and types["phien_ha"] == 1 and types["dung_hen"] == 2 and types["thai_do"] == 3
    assert "dong_y" not in types and "de_xuat" not in types  # not marked
    assert all(not i["relevant"] and not i["required"] for i in items)  # asked once each, none skipped
    answers, errors = form.clean(definition, {"phien_ha": "maybe", "so_lan_di_lai": "2", "dong_y": "co"})
    assert set(errors) == {"phien_ha"} and answers == {"so_lan_di_lai": 2}


def test_a_discrepancy_is_saved_with_its_counts(app, drawn, users):
    case = drawn[0]
    with pytest.raises(service.RecheckRefused, match="confirmed_differs"):
        service.record(case.id, users["auditor"], RecheckOutcomes.CONFIRMED, DIFFERENT)
    with pytest.raises(service.RecheckRefused, match="no_answers"):
        service.record(case.id, users["auditor"], RecheckOutcomes.DISCREPANCY, {})
    service.record(case.id, users["auditor"], RecheckOutcomes.DISCREPANCY, DIFFERENT, "Người trả lời nói khác")
    saved = RecheckCase.get_by_id(case.id)
    assert saved.status == "done" and saved.outcome == "discrepancy" and saved.completed_at
    assert (saved.compared_1, saved.differing_1, saved.compared_2, saved.differing_2) == (2, 1, 3, 1)
    assert (saved.compared_3, saved.shift_3) == (2, -1)
    assert saved.answers_dict()["phien_ha"] == "co"
    records = AuditRecord.select().where(
        (AuditRecord.model == "recheck_case") & (AuditRecord.object_id == str(case.id))
    )
    assert records.count() == 2  # created by the draw, updated by the re-check
    with pytest.raises(service.NotYours):  # done: no second re-check
        service.record(case.id, users["auditor"], RecheckOutcomes.DISCREPANCY, DIFFERENT)


def test_comparison_figures_per_interview_and_per_enumerator(app, drawn, users):
    a, b, c = drawn
    service.record(a.id, users["auditor"], RecheckOutcomes.DISCREPANCY, DIFFERENT)
    service.record(b.id, users["auditor"], RecheckOutcomes.CONFIRMED, {**SAME, "hai_long_chung": "4"})
    service.record(c.id, users["auditor"], RecheckOutcomes.UNREACHABLE, DIFFERENT)  # no answers kept
    made, settings, rows, figures = service.comparison(Period.get(Period.month == MONTH))
    assert settings["threshold"] == 0.1
    first = figures[a.enumerator_id]
    assert (first.cases, first.done, first.outcomes["discrepancy"], first.outcomes["confirmed"]) == (2, 2, 1, 1)
    assert first.rate_1 == pytest.approx(1 / 4) and first.rate_2 == pytest.approx(1 / 6)
    assert first.mean_shift_3 == pytest.approx(-1 / 3)
    assert first.flagged(0.1) and not first.flagged(0.3)
    second = figures[c.enumerator_id]
    assert second.rate_1 is None and second.outcomes["unreachable"] == 1 and not second.flagged(0.1)
    assert RecheckCase.get_by_id(c.id).answers is None
    by_case = {r["id"]: r["figures"] for r in rows}
    assert by_case[a.id].rate_1 == pytest.approx(0.5) and by_case[b.id].rate_1 == 0


def test_a_denial_flags_the_enumerator(app, drawn, users):
    service.record(drawn[2].id, users["auditor"], RecheckOutcomes.DENIED, {})
    _made, _settings, _rows, figures = service.comparison(Period.get(Period.month == MONTH))
    assert figures[drawn[2].enumerator_id].flagged(0.1)


def test_the_phone_is_revealed_to_the_auditor_of_the_open_case_only_and_audited(app, drawn, users, second_auditor):
    case = drawn[0]
    interview = Interview.get_by_id(case.interview_id)
    contact = Contact.get(Contact.case == interview.case_id)
    reveals = AuditRecord.select().where(AuditRecord.action == service.REVEAL)
    assert service.reveal_phone(case.id, users["auditor"]) == cipher().decrypt(contact.phone_enc)
    record = reveals.get()
    assert record.object_id == str(interview.case_id) and record.actor
    number = cipher().decrypt(contact.phone_enc)
    assert number not in json.dumps([r.__data__ for r in AuditRecord.select()], default=str)
    with pytest.raises(service.NotYours):
        service.reveal_phone(case.id, second_auditor)
    service.record(case.id, users["auditor"], RecheckOutcomes.UNREACHABLE, {})
    with pytest.raises(service.NotYours):
        service.reveal_phone(case.id, users["auditor"])  # done: the phone is no longer shown
    with pytest.raises(service.NotYours):
        service.record(drawn[1].id, second_auditor, RecheckOutcomes.UNREACHABLE, {})
    assert reveals.count() == 1

"""Answers checked by the server as the page checks them: types, choices, skip rules, constraints,
required questions on submission; never an exception, whatever is posted."""

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires import validation, xlsform

FORM = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "questionnaires", "forms", "sipas_truc_tiep.xlsx"
)
DEFINITION = xlsform.read(FORM)
NAMES = [q["name"] for q in xlsform.questions(DEFINITION)]
CONSENTED = {"dong_y": "co", "dung_ho_so": "co"}


def test_a_refusal_of_consent_asks_nothing_else_and_drops_what_was_answered():
    checked = validation.check(DEFINITION, {"dong_y": "khong", "niem_yet": "5", "so_lan_di_lai": "2"}, complete=True)
    assert checked.answers == {"dong_y": "khong"}
    assert checked.errors == {}
    assert sorted(checked.dropped) == ["niem_yet", "so_lan_di_lai"]


def test_types_choices_and_constraints_are_checked_with_clear_messages():
    checked = validation.check(
        DEFINITION,
        {
            **CONSENTED,
            "niem_yet": "7",
            "so_lan_di_lai": "31",
            "dung_hen": "tre_hen",
            "thu_xin_loi": "co",
            "nang_luc": "x",
        },
    )
    assert checked.errors["niem_yet"] == "Choose one of the answers offered."  # Vietnamese on the pages
    assert checked.errors["so_lan_di_lai"] == "Số lần đi lại từ 0 đến 30."  # the form's own message
    assert "nang_luc" in checked.errors
    assert checked.answers["thu_xin_loi"] == "co"  # asked because the result was late
    on_time = validation.check(DEFINITION, {**CONSENTED, "dung_hen": "som_dung_hen", "thu_xin_loi": "co"})
    assert "thu_xin_loi" not in on_time.answers and on_time.dropped == ["thu_xin_loi"]
    assert validation.check(DEFINITION, {**CONSENTED, "so_lan_di_lai": "2.5"}).errors["so_lan_di_lai"]
    assert validation.check(DEFINITION, {**CONSENTED, "so_lan_di_lai": "3"}).answers["so_lan_di_lai"] == 3


def test_a_submission_needs_every_required_question_that_is_asked():
    partial = validation.check(DEFINITION, CONSENTED, complete=True)
    assert "niem_yet" in partial.errors and "de_xuat" not in partial.errors  # the suggestion is optional
    assert "thu_xin_loi" not in partial.errors  # not asked: the result was not said to be late
    assert validation.check(DEFINITION, CONSENTED, complete=False).errors == {}


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(NAMES + ["unknown"]),
        st.one_of(
            st.none(), st.text(max_size=30), st.integers(), st.floats(), st.lists(st.text(max_size=5), max_size=3)
        ),
    ),
    st.booleans(),
)
def test_checking_never_raises_whatever_is_posted(raw, complete):
    checked = validation.check(DEFINITION, raw, complete=complete)
    assert set(checked.answers) <= set(NAMES) and set(checked.errors) <= set(NAMES)
    again = validation.check(DEFINITION, checked.answers, complete=False)
    assert again.answers == checked.answers  # clean answers are a fixed point

"""The long tables of the sampling screens: the allocation table paged by unit (its totals those of
every unit), the assignment board's page with its case codes, the unit list written as WTForms writes
it, and the fieldwork progress counted by the database."""

import re

import pytest
from markupsafe import Markup
from wtforms import Form, SelectField

from backoffice.base import LongSelect
from backoffice.sampling import AssignmentBoardView
from fieldwork import unit_progress
from models import Assignment, Case, Dispositions, Period, SampleCase, SampleStatus, Unit


def drawn(runner, allocate, assign=True):
    allocate()
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "long"]).exit_code == 0
    if assign:
        assert runner.invoke(args=["sample", "assign", "--period", "2026-10"]).exit_code == 0
    return Period.get(Period.month == "2026-10")


def test_the_board_shows_the_case_codes_of_its_page(
    app, client, users, month_data, enumerators, runner, allocate, auth, monkeypatch
):
    period = drawn(runner, allocate)
    monkeypatch.setattr(AssignmentBoardView, "PAGE", 3)
    auth.login("supervisor")
    every = list(
        Assignment.select(Assignment, SampleCase)
        .join(SampleCase)
        .where(SampleCase.period == period)
        .order_by(Assignment.id)
    )
    names = {a.enumerator_id: a.enumerator.full_name for a in every}
    expected = sorted(every, key=lambda a: (names[a.enumerator_id], a.sample.unit_id, a.sample.rank))
    codes = {c.id: c.code for c in Case.select(Case.id, Case.code)}
    pages = (len(expected) + 2) // 3
    shown = []
    for number in range(1, pages + 1):
        page = client.get(f"/admin/assignments/?period=2026-10&page={number}").get_data(as_text=True)
        table = page.split('data-testid="assignment-table"')[1].split("</table>")[0]
        shown += re.findall(r"<tr>\s*<td>(?:<input[^>]*>)?</td>\s*<td>([^<]+)</td>", table)
        assert re.search(r"\b%d\b" % len(expected), page.split('data-testid="assignment-table"')[0][-200:])
    assert shown == [codes[a.sample.case_id] for a in expected]
    unit = Unit.get(Unit.code == "S01")
    page = client.get(f"/admin/assignments/?period=2026-10&unit={unit.id}&mode=phone").get_data(as_text=True)
    assert f'<option selected value="{unit.id}">S01 – {unit.name}</option>' in page


def test_the_long_select_writes_what_wtforms_writes():
    choices = [("", "—"), ("1", "S01 – Sở Tư pháp"), ("2", "A <b>\"&' unit"), ("3", ""), ("04", "04")]

    class Plain(Form):
        unit = SelectField(choices=choices, validate_choice=False)

    class Long(Form):
        unit = SelectField(choices=choices, validate_choice=False, widget=LongSelect())

    class Data:
        def __init__(self, **values):
            self.values = values

        def __iter__(self):
            return iter(self.values)

        def __contains__(self, key):
            return key in self.values

        def getlist(self, key):
            return [self.values[key]] if key in self.values else []

    for data in ({}, {"unit": "2"}, {"unit": "04"}, {"unit": "9"}, {"unit": ""}):
        plain, long = Plain(Data(**data)), Long(Data(**data))
        written = long.unit(class_="form-control form-control-sm")
        assert isinstance(written, Markup)
        assert written == plain.unit(class_="form-control form-control-sm")


@pytest.mark.parametrize("complete", [True, False])
def test_the_progress_of_each_unit_is_counted_by_the_database(
    app, users, month_data, enumerators, runner, allocate, complete
):
    period = drawn(runner, allocate)
    samples = list(SampleCase.of(period).order_by(SampleCase.id))
    assignments = {a.sample_id: a for a in Assignment.select()}
    outcomes = [Dispositions.COMPLETE if complete else "2.11", "2.11", "3.13", Dispositions.COMPLETE]
    for i, a in enumerate(list(assignments.values())[::2]):
        a.status, a.outcome = "closed", outcomes[i % len(outcomes)]
        a.save()
    for s in samples[-3:]:  # issued and not assigned yet
        if s.id not in assignments:
            s.status = SampleStatus.ISSUED
            s.save()
    assignments = {a.sample_id: a for a in Assignment.select()}
    expected = {}
    for s in SampleCase.of(period):
        counts = expected.setdefault(
            (s.unit_id, s.mode), {"completed": 0, "open": 0, "closed": 0, "issued": 0, "reserve_left": 0}
        )
        if s.status == SampleStatus.RESERVE:
            counts["reserve_left"] += 1
            continue
        counts["issued"] += 1
        a = assignments.get(s.id)
        if a is not None and a.status == "closed":
            counts["closed"] += 1
            counts["completed"] += a.outcome in Dispositions.COMPLETES
        else:
            counts["open"] += 1
    assert unit_progress(period) == expected
    assert any(c["reserve_left"] for c in expected.values()) and any(c["closed"] for c in expected.values())

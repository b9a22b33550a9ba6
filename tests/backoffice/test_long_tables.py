"""The long tables of the sampling screens: the allocation table paged by unit (its totals those of
every unit), the assignment board's page with its case codes, the unit list written as WTForms writes
it, and the fieldwork progress counted by the database."""

import re

import pytest
from markupsafe import Markup
from wtforms import Form, SelectField

from backoffice.base import LongSelect
from backoffice.sampling import AssignmentBoardView, SamplingView
from fieldwork import unit_progress
from models import Allocation, Assignment, Case, Dispositions, Period, SampleCase, SampleStatus, Unit


def drawn(runner, allocate, assign=True):
    allocate()
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "long"]).exit_code == 0
    if assign:
        assert runner.invoke(args=["sample", "assign", "--period", "2026-10"]).exit_code == 0
    return Period.get(Period.month == "2026-10")


def _units_on(page):
    return re.findall(r'<tr data-unit="([^"]+)"', page)


def _total_quota(page):
    return int(re.search(r'data-testid="total-quota">([\d.]+)<', page).group(1).replace(".", ""))


def test_the_allocation_table_is_paged_by_unit_code_with_the_totals_of_every_unit(
    app, client, users, month_data, runner, allocate, auth, monkeypatch
):
    period = drawn(runner, allocate, assign=False)
    auth.login("supervisor")
    whole = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    codes = sorted(a.unit.code for a in Allocation.of(period))
    assert len(codes) > 3 and _units_on(whole) == codes  # one page: no pager
    assert 'data-testid="allocation-pager"' not in whole and 'data-testid="allocation-page"' not in whole

    monkeypatch.setattr(SamplingView, "PAGE", 2)
    pages = (len(codes) + 1) // 2
    seen = []
    for number in range(1, pages + 1):
        page = client.get(f"/admin/sampling/?period=2026-10&page={number}").get_data(as_text=True)
        units = _units_on(page)
        assert 1 <= len(units) <= 2
        seen += units
        first = (number - 1) * 2 + 1
        said = page.split('data-testid="allocation-page">')[1].split("</p>")[0]
        assert f"{first}–{first + len(units) - 1}" in said and str(len(codes)) in said
        assert _total_quota(page) == _total_quota(whole) == sum(a.quota for a in Allocation.of(period))
        assert 'data-testid="allocation-pager"' in page
        for other in range(1, pages + 1):
            link = f'href="/admin/sampling/?period=2026-10&amp;page={other}"'
            assert (link in page) == (other != number)  # every other page is linked, the current one is not
    assert seen == codes  # each unit once, in the order of the codes
    first_page = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    assert _units_on(first_page) == codes[:2]
    for forged in ("0", "-3", "x"):
        assert (
            _units_on(client.get(f"/admin/sampling/?period=2026-10&page={forged}").get_data(as_text=True)) == codes[:2]
        )
    for beyond in (str(pages + 1), "99999999999999999999"):  # beyond the last page: the last page
        page = client.get(f"/admin/sampling/?period=2026-10&page={beyond}").get_data(as_text=True)
        assert _units_on(page) == seen[(pages - 1) * 2 :]
    header_and_rows = client.get("/admin/sampling/export/csv?period=2026-10").data.decode("utf-8-sig").splitlines()
    assert len(header_and_rows) - 1 == len(codes)  # the export has every unit


def test_a_reserve_proposal_on_another_page_enables_the_release_of_every_unit(
    app, client, users, month_data, enumerators, runner, allocate, auth, monkeypatch
):
    period = drawn(runner, allocate)
    s01 = Unit.get(Unit.code == "S01")
    alloc = Allocation.get((Allocation.period == period) & (Allocation.unit == s01))
    refusals = alloc.issued_phone - alloc.quota_phone + 3  # three completes can no longer be reached
    for a in (
        Assignment.select().join(SampleCase).where(SampleCase.unit == s01).order_by(SampleCase.rank).limit(refusals)
    ):
        a.status, a.outcome = "closed", "2.11"
        a.save()
    monkeypatch.setattr(SamplingView, "PAGE", 1)
    auth.login("supervisor")
    codes = sorted(a.unit.code for a in Allocation.of(period))
    elsewhere = codes.index("S01") + 2 if codes.index("S01") + 1 < len(codes) else 1
    page = client.get(f"/admin/sampling/?period=2026-10&page={elsewhere}").get_data(as_text=True)
    assert "S01" not in _units_on(page)
    release_all = page.split('action="/admin/sampling/release"')[1].split("</form>")[0]
    assert "disabled" not in release_all.split("</button>")[0]
    own = client.get(f"/admin/sampling/?period=2026-10&page={codes.index('S01') + 1}").get_data(as_text=True)
    assert _units_on(own) == ["S01"] and 'name="unit" value="%d"' % s01.id in own  # its own release button


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

"""A supervisor allocates, draws and assigns a month of demo data in Chromium, then moves work by hand.

Live server, real rq worker subprocess and Debian's Chromium, on SQLite and on PostgreSQL (fixtures in
conftest.py). The UI may be in Vietnamese or English: the test finds things by data-testid and checks
the outcome in the database rather than in the text.
"""

import re

import pytest
from peewee import fn

from models import Allocation, Assignment, AssignmentEvent, EnumeratorProfile, Period, SampleCase, User

pytestmark = pytest.mark.browser

JOB_TIMEOUT = 60_000  # ms: allocation, draw and assignment of a month
SUPERVISOR, SUPERVISOR_PASSWORD = "giamsat", "demo-giamsat-2026"  # demo users, see demo/cli.py
ENUMERATORS = ("dtv1", "dtv2")
TOTAL = 120
SEED = "demo-2026"


@pytest.fixture
def demo_month(runner):
    """The demo province loaded through the CLI without its fieldwork; returns the previous month (a full
    month of returned cases, not sampled yet)."""
    result = runner.invoke(args=["demo", "load", "--cases", "4000", "--no-fieldwork"])
    assert result.exit_code == 0, result.output
    months = sorted(p.month for p in Period.select())
    assert len(months) == 4  # the three months surveyed and the current one
    return months[2]


@pytest.fixture
def live_app(make_app, demo_month):
    """Only the demo users, unlike the default `live_app`: the enumerators are exactly dtv1 and dtv2."""
    return make_app(WTF_CSRF_ENABLED=True)


def url_re(base, path):
    return re.compile(re.escape(base + path) + "$")


def run_job(page, form, back):
    """Submit `form`, which starts a job: its progress page polls, then reloads into `back` with a message."""
    with page.expect_navigation(url=back, timeout=JOB_TIMEOUT):
        page.click(f"{form} button[type=submit]")
    assert page.locator(".alert-success").count() >= 1, page.locator(".alert").all_inner_texts()


def test_supervisor_allocates_draws_assigns_reassigns_and_marks_absent_and_back(
    page, live_server, rq_worker, sign_in, demo_month, tmp_path
):
    month = demo_month
    sampling = url_re(live_server, f"/admin/sampling/?period={month}")
    board = url_re(live_server, f"/admin/assignments/?period={month}")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))

    sign_in(page, live_server, SUPERVISOR, SUPERVISOR_PASSWORD)
    page.goto(f"{live_server}/admin/sampling/?period={month}")
    assert page.locator("[data-testid=allocation-table]").count() == 0  # not allocated yet

    # Allocate. No worker yet: the job waits and its page shows the progress bar; then the worker runs it,
    # and the page polls and comes back to the allocation with a message.
    page.fill("[data-testid=allocate-form] input[name=total]", str(TOTAL))
    page.click("[data-testid=allocate-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/jobs/[\w-]+$"))
    assert page.locator("[data-testid=progress]").is_visible()
    rq_worker()
    page.wait_for_url(sampling, timeout=JOB_TIMEOUT)
    assert page.locator(".alert-success").count() >= 1, page.locator(".alert").all_inner_texts()
    table = page.locator("[data-testid=allocation-table]")
    assert table.is_visible()
    assert table.locator("tbody tr[data-unit]").count() > 0
    assert page.inner_text("[data-testid=total-quota]").strip() == str(TOTAL)

    # Draw with a recorded seed, after a confirmation.
    page.fill("[data-testid=draw-form] input[name=seed]", SEED)
    run_job(page, "[data-testid=draw-form]", sampling)
    assert len(dialogs) == 1 and month in dialogs[0]
    assert SEED in page.inner_text("[data-testid=period-status]")
    page.screenshot(path=str(tmp_path / "allocation.png"), full_page=True)

    # Assign: the job returns to the assignment board.
    run_job(page, "[data-testid=assign-form]", board)
    rows = page.locator("[data-testid=assignment-table] tbody tr")
    assert rows.count() > 0
    workload = page.inner_text("[data-testid=workload]")
    people = {u.username: u for u in User.select().where(User.username.in_(ENUMERATORS))}
    assert all(p.full_name in workload for p in people.values()), workload  # people by name

    # Reassign two open assignments of one enumerator to the other.
    users = {u.username: u.id for u in people.values()}
    boxes = page.locator("[data-testid=assignment-table] input[name=ids]")
    owner_of = {
        int(v): Assignment.get_by_id(int(v)).enumerator_id
        for v in (boxes.nth(i).get_attribute("value") for i in range(boxes.count()))
    }
    source = owner_of[min(owner_of)]
    target_name = next(name for name, uid in users.items() if uid != source)
    chosen = sorted(aid for aid, uid in owner_of.items() if uid == source)[:2]
    assert len(chosen) == 2
    for aid in chosen:
        page.check(f"[data-testid=assignment-table] input[name=ids][value='{aid}']")
    target = people[target_name]
    page.select_option(
        "[data-testid=reassign-form] select[name=to_user]", label=f"{target.full_name} ({target.username})"
    )
    with page.expect_navigation(url=board):
        page.click("[data-testid=reassign-form] button[type=submit]")
    flash = page.locator(".alert-success")
    assert flash.count() == 1 and re.search(r"\b2\b", flash.inner_text()), page.locator(".alert").all_inner_texts()
    for aid in chosen:
        assert Assignment.get_by_id(aid).enumerator_id == users[target_name]
        events = list(
            AssignmentEvent.select().where(
                (AssignmentEvent.assignment == aid) & (AssignmentEvent.action == "reassigned")
            )
        )
        assert [(e.from_user_id, e.to_user_id) for e in events] == [(source, users[target_name])]

    # The database: the seed, the quotas, and one assignment per issued case.
    period = Period.get(Period.month == month)
    assert period.seed == SEED and period.drawn_at is not None
    assert Allocation.select(fn.SUM(Allocation.quota)).where(Allocation.period == period).scalar() == TOTAL
    issued = SampleCase.select().where((SampleCase.period == period) & (SampleCase.status == "issued")).count()
    assigned = Assignment.select().join(SampleCase).where(SampleCase.period == period).count()
    assert issued > 0 and assigned == issued
    assert {a.enumerator_id for a in Assignment.select(Assignment.enumerator)} == set(users.values())

    # Mark one enumerator absent: their open work goes to the other, and they get no new work until
    # the supervisor marks them back.
    absent = people[ENUMERATORS[0]]
    colleague = people[ENUMERATORS[1]]
    page.select_option("[data-testid=absent-select]", label=f"{absent.full_name} ({absent.username})")
    with page.expect_navigation(url=board):
        page.click("[data-testid=mark-absent]")
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()
    open_of_absent = Assignment.select().where((Assignment.enumerator == absent.id) & (Assignment.status == "open"))
    assert open_of_absent.count() == 0
    assert not EnumeratorProfile.get(EnumeratorProfile.user == absent.id).available
    assert absent.full_name in page.inner_text("[data-testid=absent-list]")
    assert absent.full_name not in page.inner_text("[data-testid=absent-select]")  # no new work for them
    assert colleague.full_name in page.inner_text("[data-testid=reassign-form] select[name=to_user]")

    page.select_option("[data-testid=back-select]", label=f"{absent.full_name} ({absent.username})")
    with page.expect_navigation(url=board):
        page.click("[data-testid=mark-back]")
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()
    assert EnumeratorProfile.get(EnumeratorProfile.user == absent.id).available
    assert page.locator("[data-testid=absent-list]").count() == 0

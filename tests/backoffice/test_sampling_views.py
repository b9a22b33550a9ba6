"""The supervisor's sampling screens: each step runs as a job with progress, then reports back."""

import re

from jobs.queue import queue
from links import settings as links_settings
from models import Allocation, Assignment, AssignmentEvent, Period, SampleCase, UnitLevel
from sampling.settings import merged


def run_step(work_jobs, client, url, data):
    """POST a step, run the job with a real worker, follow the job page back; return the final page."""
    response = client.post(url, data=data)
    assert response.status_code == 302
    job_page = response.headers["Location"]
    assert job_page.startswith("/admin/jobs/")
    assert 'data-testid="progress"' in client.get(job_page).get_data(as_text=True)
    assert client.get(job_page + "/status").get_json()["status"] == "queued"
    work_jobs()
    done = client.get(job_page)
    assert done.status_code == 302
    return client.get(done.headers["Location"]).get_data(as_text=True)


def test_supervisor_allocates_draws_and_assigns(app, client, users, month_data, enumerators, auth, work_jobs):
    auth.login("supervisor")
    page = run_step(work_jobs, client, "/admin/sampling/allocate", {"period": "2026-10", "total": "40"})
    assert re.search(r'data-testid="total-quota">40<', page)
    assert Allocation.select().count() > 0
    page = run_step(work_jobs, client, "/admin/sampling/draw", {"period": "2026-10", "seed": "web-seed"})
    assert "web-seed" in page and Period.get(Period.month == "2026-10").seed == "web-seed"
    page = run_step(work_jobs, client, "/admin/sampling/draw", {"period": "2026-10", "seed": "again"})
    assert "alert-danger" in page and Period.get(Period.month == "2026-10").seed == "web-seed"
    page = run_step(work_jobs, client, "/admin/sampling/assign", {"period": "2026-10"})
    assert 'data-testid="assignment-table"' in page
    assert Assignment.select().count() == SampleCase.select().where(SampleCase.status == "issued").count()
    rows = client.get("/admin/assignments/?period=2026-10&enumerator=%d" % enumerators["dtv1"].id).get_data(
        as_text=True
    )
    assert "dtv1" in rows and "dtv2</td>" not in rows


def test_wrong_values_are_refused_with_a_message_and_change_nothing(app, client, users, month_data, auth):
    auth.login("supervisor")
    for total in ("abc", "-3", ""):
        response = client.post("/admin/sampling/allocate", data={"period": "2026-10", "total": total})
        assert response.status_code == 302 and "/admin/jobs/" not in response.headers["Location"]
    assert client.post("/admin/sampling/allocate", data={"period": "2026-13", "total": "5"}).status_code == 404
    response = client.post("/admin/sampling/draw", data={"period": "2026-10", "seed": "<script>"})
    assert "/admin/jobs/" not in response.headers["Location"]
    assert Allocation.select().count() == 0 and queue(app).count == 0


def test_override_needs_a_reason(app, client, users, month_data, auth, work_jobs):
    auth.login("supervisor")
    run_step(work_jobs, client, "/admin/sampling/allocate", {"period": "2026-10", "total": "40"})
    row = Allocation.select().where(Allocation.eligible > 20).first()
    response = client.post(
        "/admin/sampling/override", data={"period": "2026-10", "unit": row.unit_id, "quota": "20", "reason": ""}
    )
    assert "/admin/jobs/" not in response.headers["Location"]
    assert Allocation.get_by_id(row.id).bound != "override"
    run_step(
        work_jobs,
        client,
        "/admin/sampling/override",
        {"period": "2026-10", "unit": row.unit_id, "quota": "20", "reason": "Theo đề nghị của Sở"},
    )
    row = Allocation.get_by_id(row.id)
    assert (row.quota, row.bound, row.override_reason) == (20, "override", "Theo đề nghị của Sở")


def test_officers_see_the_table_but_cannot_run_steps(app, client, users, month_data, auth):
    auth.login("officer")
    page = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    assert 'data-testid="allocate-form"' not in page
    assert client.post("/admin/sampling/allocate", data={"period": "2026-10", "total": "40"}).status_code == 403
    assert Allocation.select().count() == 0


def test_a_job_page_is_only_for_who_started_it(app, client, users, month_data, make_app, auth):
    auth.login("supervisor")
    response = client.post("/admin/sampling/allocate", data={"period": "2026-10", "total": "40"})
    job_page = response.headers["Location"]
    other = app.test_client()
    auth.login("officer", client=other)
    assert other.get(job_page).status_code == 404
    admin = app.test_client()
    auth.login("admin", client=admin)
    assert admin.get(job_page).status_code == 200


def test_board_bulk_reassign_and_absence(app, client, users, month_data, enumerators, auth, work_jobs):
    auth.login("supervisor")
    run_step(work_jobs, client, "/admin/sampling/allocate", {"period": "2026-10", "total": "30"})
    run_step(work_jobs, client, "/admin/sampling/draw", {"period": "2026-10", "seed": "b"})
    run_step(work_jobs, client, "/admin/sampling/assign", {"period": "2026-10"})
    ids = [a.id for a in Assignment.select().where(Assignment.enumerator == enumerators["dtv1"]).limit(2)]
    response = client.post(
        "/admin/assignments/reassign",
        data={"ids": ids, "to_user": enumerators["dtv3"].id, "reason": "cân bằng"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert all(Assignment.get_by_id(i).enumerator_id == enumerators["dtv3"].id for i in ids)
    assert AssignmentEvent.select().where(AssignmentEvent.action == "reassigned").count() == 2
    history = client.get(f"/admin/assignments/{ids[0]}").get_data(as_text=True)
    assert "cân bằng" in history and "dtv3" in history
    response = client.post(
        "/admin/assignments/reassign", data={"ids": ids, "to_user": enumerators["dtv4"].id}, follow_redirects=True
    )
    assert all(Assignment.get_by_id(i).enumerator_id == enumerators["dtv3"].id for i in ids)  # unsuitable: refused
    client.post("/admin/assignments/move-absent", data={"from_user": enumerators["dtv3"].id, "reason": "nghỉ phép"})
    assert (
        Assignment.select()
        .where((Assignment.enumerator == enumerators["dtv3"]) & (Assignment.status == "open"))
        .count()
        == 0
    )


def test_supervisor_sets_enumerator_modes_and_coverage(app, client, users, auth):
    from models import EnumeratorProfile, EnumeratorUnit, Unit, UnitLevel

    unit = Unit.create(code="X01", name="UBND xã A", level=UnitLevel.get(UnitLevel.code == "xa"))
    auth.login("supervisor")
    page = client.get("/admin/enumerators/new/").get_data(as_text=True)
    assert "enumerator" in page and "officer</option>" not in page  # only enumerators are offered
    response = client.post(
        "/admin/enumerators/new/", data={"user": users["enumerator"].id, "f2f": "y", "available": "y"}
    )
    assert response.status_code == 302
    profile = EnumeratorProfile.get(EnumeratorProfile.user == users["enumerator"])
    assert (profile.phone, profile.f2f, profile.available) == (False, True, True)
    response = client.post("/admin/coverage/new/", data={"user": users["enumerator"].id, "unit": unit.id})
    assert response.status_code == 302
    assert EnumeratorUnit.select().where(EnumeratorUnit.unit == unit).count() == 1


def test_an_allocated_period_keeps_its_month_and_cannot_be_deleted(app, client, users, month_data, auth, work_jobs):
    auth.login("supervisor")
    run_step(work_jobs, client, "/admin/sampling/allocate", {"period": "2026-10", "total": "20"})
    period = Period.get(Period.month == "2026-10")
    response = client.post(f"/admin/periods/edit/?id={period.id}", data={"month": "2026-09", "status": "open"})
    assert response.status_code == 200 and Period.get_by_id(period.id).month == "2026-10"
    client.post("/admin/periods/delete/", data={"id": period.id})
    assert Period.get_or_none(Period.id == period.id) is not None
    assert Allocation.select().where(Allocation.period == period).count() > 0


def test_an_override_can_be_cleared_from_the_table(app, client, users, month_data, auth, work_jobs):
    auth.login("supervisor")
    run_step(work_jobs, client, "/admin/sampling/allocate", {"period": "2026-10", "total": "40"})
    row = Allocation.select().where(Allocation.eligible > 20).first()
    run_step(
        work_jobs,
        client,
        "/admin/sampling/override",
        {"period": "2026-10", "unit": row.unit_id, "quota": "20", "reason": "Theo đề nghị của Sở"},
    )
    page = run_step(
        work_jobs,
        client,
        "/admin/sampling/override",
        {"period": "2026-10", "unit": row.unit_id, "clear": "y", "reason": "Không cần nữa"},
    )
    assert Allocation.get_by_id(row.id).bound != "override"
    assert "alert-success" in page


def settings_data(**changes):
    """The settings form as a supervisor posts it: the defaults, with some fields changed."""
    data = {
        "period": "2026-10",
        "repeat_days": "90",
        "minimum": "5",
        "rate_phone": "50",
        "rate_f2f": "80",
        "reserve": "100",
        "phone_default": "100",
        **{f"rule_{r}": "y" for r in ("immediate", "online", "postal", "recent_phone", "no_phone")},
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_are_edited_as_labelled_fields_and_validated(app, client, users, month_data, auth):
    Period.for_month("2026-10")
    auth.login("supervisor")
    page = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    assert 'data-testid="settings"' in page
    assert "Số phỏng vấn tối thiểu mỗi đơn vị" in page and 'name="minimum" ' in page and 'value="5"' in page
    assert "repeat_days" not in page.split('data-testid="settings"')[1].split("</label>")[0]  # no JSON key shown
    for wrong in ({"minimum": "-1"}, {"rate_phone": "0"}, {"repeat_days": "ba mươi"}, {"phone_default": "140"}):
        response = client.post("/admin/sampling/settings", data=settings_data(**wrong), follow_redirects=True)
        assert "Chưa lưu thiết lập" in response.get_data(as_text=True)
        assert Period.get(Period.month == "2026-10").settings is None
    xa = UnitLevel.get(UnitLevel.code == "xa")
    response = client.post(
        "/admin/sampling/settings",
        data=settings_data(minimum="2", rule_online=None, **{f"phone_{xa.id}": "40"}),
        follow_redirects=True,
    )
    assert "alert-success" in response.get_data(as_text=True)
    stored = merged(Period.get(Period.month == "2026-10").settings)
    assert stored["minimum"] == 2 and stored["rules"]["online"] is False and stored["rules"]["postal"] is True
    assert stored["modes"]["xa"] == {"phone": 0.4, "f2f": 0.6} and stored["modes"]["default"]["phone"] == 1.0
    page = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    assert re.search(r'name="phone_%d"[^>]*value="40' % xa.id, page) or re.search(
        r'value="40[^"]*"[^>]*name="phone_%d"' % xa.id, page
    )
    officer = app.test_client()
    auth.login("officer", client=officer)
    assert officer.post("/admin/sampling/settings", data=settings_data()).status_code == 403


def test_saving_the_sampling_settings_keeps_the_link_rules(client, users, month_data, auth):
    period = Period.for_month("2026-10")
    period.settings = '{"links": {"lock_days": 7}, "minimum": 4}'
    period.save()
    auth.login("supervisor")
    response = client.post("/admin/sampling/settings", data=settings_data(minimum="3"), follow_redirects=True)
    assert "alert-success" in response.get_data(as_text=True)
    stored = Period.get(Period.month == "2026-10").settings
    assert merged(stored)["minimum"] == 3
    assert links_settings.merged(stored)["lock_days"] == 7

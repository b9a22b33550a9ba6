"""The auditor's trail speaks their language: actions, roles and object types in words, objects named
as users know them beside their id, and filters by date, person, object type and action."""

import json
import re

from models import AuditRecord, JobRun, Unit, UnitLevel, now


def test_the_trail_names_actions_objects_and_people_in_words(app, auth, users, client):
    level = UnitLevel.get(UnitLevel.code == "xa")
    unit = Unit.create(code="X07", name="UBND xã Bảy", level=level)
    auth.login("auditor")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert f"{unit.id} · UBND xã Bảy" in page
    assert "Tạo mới" in page or "Đã tạo" in page
    assert ">unit<" not in page and ">create<" not in page


def test_the_trail_is_filtered_by_date_range(app, auth, users, client):
    level = UnitLevel.get(UnitLevel.code == "xa")
    Unit.create(code="X08", name="UBND xã Tám", level=level)
    auth.login("auditor")
    today = now().date()  # the trail's dates are local (Vietnam) time, not the machine's
    index = _filter_index(client, "Ngày")
    span = f"{today:%Y-%m-%d} to {today:%Y-%m-%d}"
    page = client.get("/admin/audit/", query_string={f"flt0_{index}": span}).get_data(as_text=True)
    assert "UBND xã Tám" in page
    past = f"{today.year - 1}-01-01 to {today.year - 1}-01-31"
    page = client.get("/admin/audit/", query_string={f"flt0_{index}": past}).get_data(as_text=True)
    assert "UBND xã Tám" not in page
    assert AuditRecord.select().count() > 0


def _filter_index(client, label):
    """The URL index of the list's filter called `label` (as Flask-Admin numbers them)."""
    html = client.get("/admin/audit/").get_data(as_text=True)
    groups = re.search(r'id="filter-groups-data"[^>]*>(.*?)</', html, re.S).group(1)
    data = json.loads(groups.replace("&#34;", '"').replace("&quot;", '"'))
    for name, filters in data.items():
        for f in filters:
            if name == label:
                return f["index"]
    raise AssertionError(f"no filter {label}: {list(data)}")


def test_an_auditor_verifies_the_chain_from_the_web_and_sees_the_first_broken_record(
    app, auth, users, client, work_jobs, tamper
):
    level = UnitLevel.get(UnitLevel.code == "xa")
    for i in range(3):
        Unit.create(code=f"V{i}", name=f"UBND xã V{i}", level=level)
    auth.login("auditor")
    response = client.post("/admin/audit/verify")
    run = JobRun.select().order_by(JobRun.id.desc()).first()
    assert run.kind == "audit.verify" and run.actor == "auditor"
    assert response.headers["Location"].endswith(f"/admin/jobs/{run.id}")
    work_jobs()
    page = client.get(f"/admin/jobs/{run.id}", follow_redirects=True).get_data(as_text=True)
    assert "toàn vẹn" in page.lower() or "intact" in page.lower()
    assert JobRun.get_by_id(run.id).summary_dict()["whole"] is True

    target = AuditRecord.select().order_by(AuditRecord.seq).offset(2).first()
    tamper(f"UPDATE audit_record SET actor = 'mallory' WHERE seq = {target.seq}")
    client.post("/admin/audit/verify")
    work_jobs()
    run = JobRun.select().order_by(JobRun.id.desc()).first()
    assert run.summary_dict()["first_broken"] == target.seq
    page = client.get(f"/admin/jobs/{run.id}", follow_redirects=True).get_data(as_text=True)
    assert f"{target.seq}" in page and "alert-danger" in page


def test_the_unfiltered_trail_shows_its_exact_size_without_counting(app, client, users, auth, imported_cases):
    auth.login("auditor")
    total = AuditRecord.select().count()
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert f"({total})" in page or f"{total:,}".replace(",", ".") in page

"""The back office as its users see it: lists, filters, masked phones, audited edits."""

import re

from models import AuditRecord, Case, Period, Unit, UnitLevel, User


def _codes(html):
    return sorted(set(re.findall(r"HS-\d{4}", html)))


def test_cases_list_masks_phones(client, users, runner, reference_data, auth, imported_cases):
    auth.login("supervisor")
    html = client.get("/admin/cases/").get_data(as_text=True)
    assert "091****678" in html  # HS-0001, 0912345678
    assert "0912345678" not in html and "912345678" not in html.replace("091****678", "")
    assert "Nguyễn Văn An" not in html and "an@example.vn" not in html


def test_cases_filters_and_code_search(client, users, runner, reference_data, auth, imported_cases):
    auth.login("officer")
    x01 = Unit.get(Unit.code == "X01").id

    def codes(query):
        response = client.get("/admin/cases/?" + query)
        assert response.status_code == 200
        return _codes(response.get_data(as_text=True))

    assert codes("") == ["HS-0001", "HS-0002", "HS-0003", "HS-0004", "HS-0009", "HS-0010"]
    assert codes(f"flt0_0={x01}") == ["HS-0001", "HS-0002"]
    assert codes("flt0_1=2026-10") == ["HS-0001", "HS-0002", "HS-0003", "HS-0009", "HS-0010"]
    assert codes("flt0_1=2026-09") == []
    assert codes("flt0_2=postal") == ["HS-0004"]
    assert codes("flt0_3=1") == ["HS-0002", "HS-0009"]
    assert codes("search=HS-000") == ["HS-0001", "HS-0002", "HS-0003", "HS-0004", "HS-0009"]
    assert codes("search=HS-0010") == ["HS-0010"]
    assert codes("search=0010") == []  # a prefix of the code, not any substring


def test_a_malformed_filter_value_is_ignored_with_a_message(
    client, users, runner, reference_data, auth, imported_cases
):
    auth.login("officer")
    response = client.get("/admin/cases/?flt0_1=octobre")
    assert response.status_code == 200
    assert len(_codes(response.get_data(as_text=True))) == 6


def test_unit_edits_from_the_back_office_are_audited(client, users, auth):
    auth.login("officer")
    level = UnitLevel.get(UnitLevel.code == "xa")
    response = client.post(
        "/admin/units/new/", data={"code": "X50", "name": "UBND xã Mới", "level": str(level.id), "active": "y"}
    )
    assert response.status_code == 302
    unit = Unit.get(Unit.code == "X50")
    record = AuditRecord.select().order_by(AuditRecord.seq.desc()).first()
    assert (record.action, record.model, record.object_id, record.actor, record.role, record.source) == (
        "create",
        "unit",
        str(unit.id),
        "officer",
        "officer",
        "web",
    )


def test_a_unit_with_cases_cannot_be_deleted(client, users, runner, reference_data, auth, imported_cases):
    auth.login("admin")
    unit = Unit.get(Unit.code == "X01")
    count = AuditRecord.select().count()
    response = client.post("/admin/units/delete/", data={"id": unit.id}, follow_redirects=True)
    assert response.status_code == 200
    assert Unit.get_or_none(Unit.code == "X01") is not None
    assert Case.select().where(Case.unit == unit).count() == 2
    assert AuditRecord.select().count() == count


def test_period_month_must_be_well_formed(client, users, auth):
    auth.login("supervisor")
    response = client.post("/admin/periods/new/", data={"month": "10/2026", "status": "open"})
    assert response.status_code == 200
    assert Period.select().count() == 0
    response = client.post("/admin/periods/new/", data={"month": "2026-10", "status": "open"})
    assert response.status_code == 302
    assert Period.get().month == "2026-10"


def test_admin_creates_a_user_with_a_hashed_password(client, users, auth):
    auth.login("admin")
    response = client.post(
        "/admin/users/new/",
        data={
            "username": "dtv9",
            "full_name": "Điều tra viên 9",
            "role": "enumerator",
            "active": "y",
            "password": "short",
        },
    )
    assert response.status_code == 200 and User.get_or_none(User.username == "dtv9") is None
    response = client.post(
        "/admin/users/new/",
        data={
            "username": "dtv9",
            "full_name": "Điều tra viên 9",
            "role": "enumerator",
            "active": "y",
            "password": "a-long-enough-password",
        },
    )
    assert response.status_code == 302
    user = User.get(User.username == "dtv9")
    assert user.check_password("a-long-enough-password") and user.role_id == "enumerator"


def test_home_shows_counts(client, users, runner, reference_data, auth, imported_cases):
    auth.login("officer")
    html = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'data-testid="count-cases">6<', html)
    assert re.search(r'data-testid="count-units">6<', html)


def test_a_forged_sort_column_is_ignored(client, users, runner, reference_data, auth, imported_cases):
    auth.login("officer")
    for query in ("sort=1", "sort=99&desc=1", "sort=abc"):
        response = client.get("/admin/cases/?" + query)
        assert response.status_code == 200
        assert len(_codes(response.get_data(as_text=True))) == 6
    assert client.get("/admin/units/?sort=4").status_code == 200


def test_a_forged_unit_filter_value_is_ignored(client, users, runner, reference_data, auth, imported_cases):
    auth.login("officer")
    response = client.get("/admin/cases/?flt0_0=abc")
    assert response.status_code == 200
    assert len(_codes(response.get_data(as_text=True))) == 6


def test_each_roles_home_shows_what_needs_its_attention_now(app, auth, users, client, month_data):
    from models import Period

    Period.create(month="2026-10")
    pages = {}
    for role in ("supervisor", "officer", "auditor", "admin"):
        other = app.test_client()
        auth.login(role, client=other)
        pages[role] = other.get("/admin/").get_data(as_text=True)
    assert "Tháng 2026-10: chưa phân bổ chỉ tiêu" in pages["supervisor"] and "Phân bổ" in pages["supervisor"]
    assert "Tháng 2026-10" in pages["officer"]
    assert "Chuỗi nhật ký chưa được kiểm tra" in pages["auditor"] and "Thay đổi gần đây" in pages["auditor"]
    assert "Tác vụ và tài khoản" in pages["admin"]
    assert "Chuỗi nhật ký" not in pages["supervisor"] and "Tác vụ và tài khoản" not in pages["officer"]


def test_the_cases_list_counts_again_when_cases_are_added(app, client, users, auth, import_month):
    auth.login("officer")
    import_month(month="10")
    first = Case.select().count()
    assert f"{first}" in client.get("/admin/cases/").get_data(as_text=True).replace(".", "")
    import_month(month="10", start=5000)
    assert f"{Case.select().count()}" in client.get("/admin/cases/").get_data(as_text=True).replace(".", "")
    assert Case.select().count() > first

"""Safe defaults in the back office: a new user's role is chosen, never defaulted; accounts are locked
and unlocked by actions; an enumerator marked absent gets no new work and is told why."""

import datetime

from models import Assignment, AuditRecord, EnumeratorProfile, User

NEW_USER = {"username": "moi", "full_name": "Người Mới", "password": "mot-mat-khau-dai", "active": "y"}


def test_a_new_user_must_be_given_a_role(app, auth, users, client):
    auth.login("admin")
    form = client.get("/admin/users/new/").get_data(as_text=True)
    assert "— chọn vai trò —" in form
    assert 'name="locked_until"' not in form  # locking is an action, not a free-text date
    response = client.post("/admin/users/new/", data=NEW_USER)
    assert response.status_code == 200  # the form again, with the error
    assert User.get_or_none(User.username == "moi") is None
    client.post("/admin/users/new/", data={**NEW_USER, "role": "officer"})
    assert User.get(User.username == "moi").role_id == "officer"


def test_an_account_is_locked_and_unlocked_by_actions_each_audited(app, auth, users, client):
    auth.login("admin")
    officer = users["officer"]
    signed_in = app.test_client()
    auth.login("officer", client=signed_in)
    assert signed_in.get("/admin/cases/").status_code == 200
    client.post("/admin/users/action/", data={"action": "lock", "rowid": [str(officer.id)]})
    assert User.get_by_id(officer.id).locked_by_admin
    assert signed_in.get("/admin/cases/").status_code == 302  # the open session ends with the lock
    other = app.test_client()
    page = auth.login("officer", client=other).get_data(as_text=True)
    assert "đã bị quản trị viên khóa" in page
    wrong = auth.login("officer", password="not-the-password", client=app.test_client()).get_data(as_text=True)
    assert "quản trị viên khóa" not in wrong  # without the password, a locked account is not revealed
    client.post("/admin/users/action/", data={"action": "unlock", "rowid": [str(officer.id)]})
    assert User.get_by_id(officer.id).locked_until is None
    assert auth.login("officer", client=app.test_client()).status_code == 302
    changes = AuditRecord.select().where((AuditRecord.model == "user") & (AuditRecord.object_id == str(officer.id)))
    assert sum("locked_until" in (r.after or "") for r in changes) >= 2


def test_an_admin_cannot_lock_their_own_account(app, auth, users, client):
    auth.login("admin")
    page = client.post(
        "/admin/users/action/", data={"action": "lock", "rowid": [str(users["admin"].id)]}, follow_redirects=True
    )
    assert "không thể tự khóa" in page.get_data(as_text=True)
    assert not User.get_by_id(users["admin"].id).locked_by_admin


def test_an_enumerator_marked_absent_is_told_the_truth_and_back_again(app, auth, users, client):
    enumerator = users["enumerator"]
    other = app.test_client()
    auth.login("enumerator", client=other)
    assert "Hiện bạn chưa được giao phỏng vấn nào" in other.get("/interviewer/").get_data(as_text=True)

    auth.login("supervisor")
    client.post("/admin/assignments/move-absent", data={"from_user": str(enumerator.id)})
    assert not EnumeratorProfile.get(EnumeratorProfile.user == enumerator.id).available
    page = other.get("/interviewer/").get_data(as_text=True)
    assert "đang được đánh dấu vắng mặt" in page
    assert "Hiện bạn chưa được giao" not in page

    client.post("/admin/assignments/mark-back", data={"from_user": str(enumerator.id)})
    assert EnumeratorProfile.get(EnumeratorProfile.user == enumerator.id).available
    assert "vắng mặt" not in other.get("/interviewer/").get_data(as_text=True)
    assert Assignment.select().count() == 0


def test_dates_and_numbers_are_written_the_vietnamese_way(app):
    from formatting import date, moment, number, percent

    with app.test_request_context("/?lang=vi"):
        assert number(55001) == "55.001"
        assert number(1234.5, 1) == "1.234,5"
        assert percent(0.125) == "12,5 %"
        assert moment(datetime.datetime(2026, 11, 24, 8, 28, 27, 360189)) == "24/11/2026 08:28"
        assert moment(datetime.datetime(2026, 10, 15)) == "15/10/2026"  # a date alone: no 00:00
        assert date("2026-10-15 00:00:00") == "15/10/2026"
        assert moment(None) == "" and number(None) == ""


def test_only_an_enumerator_can_be_marked_absent(app, auth, users, client):
    auth.login("supervisor")
    for forged in (str(users["supervisor"].id), "99999"):
        page = client.post("/admin/assignments/move-absent", data={"from_user": forged}, follow_redirects=True)
        assert page.status_code == 200 and "Vui lòng chọn điều tra viên vắng mặt" in page.get_data(as_text=True)
    assert EnumeratorProfile.select().count() == 0

"""The sample in view: the drawn cases listed, filtered and exported; the draw verified from the web;
a case opened to answer "was this dossier sampled, and who has it?"; cases imported after the draw
shown on the allocation page; disabled actions that say what they wait for."""

import csv
import io

import openpyxl

from models import Allocation, Assignment, AuditRecord, Case, Contact, Period, SampleCase, Unit, User
from models.pii import cipher


def drawn_and_assigned(runner, allocate):
    allocate()
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "view"]).exit_code == 0
    assert runner.invoke(args=["sample", "assign", "--period", "2026-10"]).exit_code == 0
    return Period.get(Period.month == "2026-10")


def _csv(response):
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def test_the_drawn_sample_is_listed_filtered_and_exported_without_personal_data(
    app, client, users, month_data, enumerators, runner, allocate, auth
):
    period = drawn_and_assigned(runner, allocate)
    auth.login("officer")
    allocation_page = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    assert f"/admin/sample/?flt0_0={period.id}" in allocation_page  # "See the drawn sample"
    page = client.get(f"/admin/sample/?flt0_0={period.id}").get_data(as_text=True)
    assert "Thứ tự rút" in page and "Mẫu dự phòng" in page and "Chưa đưa ra" in page
    dtv1 = User.get(User.username == "dtv1")
    assert dtv1.full_name in page  # people by name

    unit = Unit.get(Unit.code == "S01")
    header, body = _csv(client.get(f"/admin/sample/export/csv/?flt0_0={period.id}&flt1_1={unit.id}"))
    assert header[:3] == ["Kỳ", "Mã hồ sơ", "Đơn vị"]
    expected = SampleCase.select().where((SampleCase.period == period) & (SampleCase.unit == unit)).count()
    assert len(body) == expected > 0
    assert {r[2] for r in body} == {unit.name}
    ranks = [(r[4], int(r[5])) for r in body]
    by_mode = {}
    for mode, rank in ranks:
        by_mode.setdefault(mode, []).append(rank)
    assert all(v == sorted(v) for v in by_mode.values())  # in the drawn order within each mode
    issued = [r for r in body if r[6] == "Mẫu chính"]
    assert issued and all(r[7] for r in issued)  # every issued case has its enumerator's name
    text = "\n".join(",".join(r) for r in body)
    phones = {cipher().decrypt(c.phone_enc) for c in Contact.select() if c.phone_enc}
    assert not any(p in text for p in phones)

    book = client.get(f"/admin/sample/export/xlsx/?flt0_0={period.id}&flt1_1={unit.id}")
    cells = list(openpyxl.load_workbook(io.BytesIO(book.data), read_only=True).active.iter_rows(values_only=True))
    assert list(cells[0]) == header and len(cells) - 1 == len(body)
    exports = AuditRecord.select().where(AuditRecord.action == "export", AuditRecord.model == "sample_case")
    assert exports.count() == 2 and all(r.actor == "officer" for r in exports)

    # filters: by enumerator, and what has become of the case
    header, mine = _csv(client.get(f"/admin/sample/export/csv/?flt0_0={period.id}&flt1_4={dtv1.id}"))
    assert len(mine) == Assignment.select().where(Assignment.enumerator == dtv1).count() > 0
    header, reserve = _csv(client.get(f"/admin/sample/export/csv/?flt0_0={period.id}&flt1_5=reserve"))
    assert len(reserve) == SampleCase.select().where(SampleCase.status == "reserve").count()
    # forged filter values are ignored, or refused with a clear page, never a server error
    assert client.get("/admin/sample/?flt0_0=abc&flt1_5=nothing").status_code == 200
    assert client.get("/admin/sample/?flt1_5=%00").status_code == 400


def test_a_case_page_says_whether_it_was_sampled_and_who_has_it(
    app, client, users, month_data, enumerators, runner, allocate, auth
):
    drawn_and_assigned(runner, allocate)
    assignment = Assignment.select().first()
    sample = SampleCase.get_by_id(assignment.sample_id)
    case = Case.get_by_id(sample.case_id)
    auth.login("supervisor")
    page = client.get(f"/admin/case/{case.id}").get_data(as_text=True)
    assert case.code in page and "2026-10" in page
    assert User.get_by_id(assignment.enumerator_id).full_name in page
    assert "Phân công" in page.split('data-testid="assignment-history"')[1].split("</table>")[0]
    history = page.split('data-testid="audit-history"')[1]
    assert "Hồ sơ được chọn mẫu" in history and "Phân công" in history  # the sample's and the assignment's records
    contact = Contact.get_or_none(Contact.case == case)
    if contact and contact.phone_enc:
        assert cipher().decrypt(contact.phone_enc) not in page  # no personal data
    assert 'data-testid="case-trail"' not in page  # the audit trail is for auditors and admins

    other = Case.select().where(Case.id.not_in(SampleCase.select(SampleCase.case))).first()
    page = client.get(f"/admin/case/{other.id}").get_data(as_text=True)
    assert "Không được chọn trong kỳ 2026-10" in page
    assert client.get("/admin/case/999999").status_code == 404
    # the cases list links each code to its page
    assert f"/admin/case/{case.id}" in client.get(f"/admin/cases/?search={case.code}").get_data(as_text=True)

    auditor = app.test_client()
    auth.login("auditor", client=auditor)
    page = auditor.get(f"/admin/case/{case.id}").get_data(as_text=True)
    assert 'data-testid="case-trail"' in page


def test_the_draw_is_verified_from_the_web_as_a_job_and_its_result_shown(
    app, client, users, month_data, enumerators, runner, allocate, auth, work_jobs, tamper
):
    period = drawn_and_assigned(runner, allocate)
    auth.login("auditor")
    response = client.post("/admin/sampling/verify", data={"period": "2026-10"})
    assert response.headers["Location"].startswith("/admin/jobs/")
    work_jobs()
    done = client.get(response.headers["Location"])
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "alert-success" in page
    result = page.split('data-testid="verification-result"')[1].split("</div>")[0]
    assert "text-success" in page.split('data-testid="verification-result"')[0][-80:]
    assert f"Mẫu đã lưu ({SampleCase.select().count()} hồ sơ) trùng khớp hoàn toàn" in result

    sample = SampleCase.select().where(SampleCase.status == "reserve").first()
    other = Case.select().where(Case.id.not_in(SampleCase.select(SampleCase.case))).first()
    tamper(f"UPDATE sample_case SET case_id = {other.id} WHERE id = {sample.id}")
    response = client.post("/admin/sampling/verify", data={"period": "2026-10"})
    work_jobs()
    done = client.get(response.headers["Location"])
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "alert-danger" in page
    assert "text-danger" in page.split('data-testid="verification-result"')[0][-80:]
    assert Period.get_by_id(period.id).seed == "view"  # verification changed nothing


def test_cases_imported_after_the_draw_are_counted_on_the_allocation_page(
    app, client, users, month_data, import_month, runner, allocate, auth
):
    allocate()
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "late"])
    auth.login("supervisor")
    page = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    assert 'data-testid="late-cases"' not in page
    import_month(month="10", start=5000)
    page = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    late = sum(sum(c.values()) for c in month_data.values())
    assert 'data-testid="late-cases"' in page
    assert f'data-testid="total-late">{late}<' in page.replace(".", "")
    header, body = _csv(client.get("/admin/sampling/export/csv?period=2026-10"))
    column = header.index("Nhập sau khi chọn mẫu")
    assert sum(int(r[column]) for r in body) == late
    assert len(body) == Allocation.select().count()  # one row per unit
    assert AuditRecord.select().where(AuditRecord.model == "allocation", AuditRecord.action == "export").count() == 1


def test_disabled_actions_say_what_they_wait_for(app, client, users, month_data, runner, allocate, auth):
    Period.for_month("2026-10")
    auth.login("supervisor")
    page = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    assert "Đang chờ phân bổ" in page and "Đang chờ chọn mẫu" in page
    allocate()
    runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "w"])
    page = client.get("/admin/sampling/?period=2026-10").get_data(as_text=True)
    assert "kỳ đã chọn mẫu nên phân bổ không thể thay đổi nữa" in page
    assert "đánh dấu ô phía trên để rút lại" in page
    assert 'data-testid="drawn-explained"' in page and "mẫu dự phòng" in page


def test_assignments_are_exported_with_names_and_the_board_filters(
    app, client, users, month_data, enumerators, runner, allocate, auth
):
    drawn_and_assigned(runner, allocate)
    auth.login("supervisor")
    page = client.get("/admin/assignments/").get_data(as_text=True)
    assert "/admin/assignments/export/xlsx?period=2026-10" in page.replace("&amp;", "&")
    dtv1 = User.get(User.username == "dtv1")
    header, body = _csv(client.get(f"/admin/assignments/export/csv?period=2026-10&enumerator={dtv1.id}"))
    assert header[:2] == ["Kỳ", "Mã hồ sơ"] and "Điều tra viên" in header
    assert len(body) == Assignment.select().where(Assignment.enumerator == dtv1).count() > 0
    assert {r[header.index("Điều tra viên")] for r in body} == {dtv1.full_name}
    header, every = _csv(client.get("/admin/assignments/export/csv?period=2026-10&enumerator=9x"))
    assert len(every) == Assignment.select().count()  # a forged filter is ignored
    book = client.get("/admin/assignments/export/xlsx?period=2026-10")
    cells = list(openpyxl.load_workbook(io.BytesIO(book.data), read_only=True).active.iter_rows(values_only=True))
    assert len(cells) - 1 == Assignment.select().count()
    assert client.get("/admin/assignments/export/csv?period=2030-01").status_code == 404
    officer = app.test_client()
    auth.login("officer", client=officer)
    assert officer.get("/admin/assignments/export/csv?period=2026-10").status_code == 403

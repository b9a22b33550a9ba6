"""A supervisor reviews submitted interviews: approves (only approved ones count), rejects back to the
enumerator with a required comment, corrects an approved one with a reason, the original kept."""

import json

from models import Assignment, AuditRecord, Interview


def test_a_supervisor_rejects_then_approves_and_corrects(app, client, users, auth, submitted_interview):
    interview = submitted_interview()
    auth.login("supervisor")
    page = client.get("/admin/review/").get_data(as_text=True)
    assert f"/admin/review/{interview.id}" in page
    detail = client.get(f"/admin/review/{interview.id}").get_data(as_text=True)
    assert (
        "Anh/chị đánh giá thế nào về công chức tiếp nhận hồ sơ" in detail and 'data-testid="review-actions"' in detail
    )

    client.post(f"/admin/review/{interview.id}/reject", data={"comment": ""})
    assert Interview.get_by_id(interview.id).status == "submitted"  # a rejection needs its comment
    client.post(f"/admin/review/{interview.id}/reject", data={"comment": "Hỏi lại câu số lần đi lại"})
    rejected = Interview.get_by_id(interview.id)
    assert rejected.status == "rejected" and rejected.complete_case_id is None
    assert Assignment.get_by_id(rejected.assignment_id).status == "open"

    enumerator = app.test_client()
    auth.login("dtv1", client=enumerator)
    page = enumerator.get(f"/interviewer/i/{interview.id}").get_data(as_text=True)
    assert "Hỏi lại câu số lần đi lại" in page
    done = enumerator.post(f"/interviewer/i/{interview.id}/submit", data={"so_lan_di_lai": "2"})
    assert done.status_code == 302 and Interview.get_by_id(interview.id).status == "submitted"

    client.post(f"/admin/review/{interview.id}/approve")
    approved = Interview.get_by_id(interview.id)
    assert approved.status == "approved" and approved.reviewed_by_id == users["supervisor"].id
    assert client.post(f"/admin/review/{interview.id}/approve").status_code == 302  # twice: refused, unchanged

    before = approved.answers
    client.post(f"/admin/review/{interview.id}/correct", data={"so_lan_di_lai": "3", "reason": ""})
    assert Interview.get_by_id(interview.id).answers == before  # a correction needs its reason
    client.post(
        f"/admin/review/{interview.id}/correct", data={"so_lan_di_lai": "3", "reason": "Người dân gọi lại đính chính"}
    )
    corrected = Interview.get_by_id(interview.id)
    assert json.loads(corrected.answers)["so_lan_di_lai"] == 3 and corrected.original_answers == before
    assert (
        AuditRecord.select()
        .where((AuditRecord.model == "interview") & (AuditRecord.object_id == str(interview.id)))
        .count()
        >= 4
    )


def test_officers_and_enumerators_cannot_review(app, client, users, auth, submitted_interview):
    interview = submitted_interview()
    auth.login("officer")
    assert client.get("/admin/review/").status_code == 403
    assert client.post(f"/admin/review/{interview.id}/approve").status_code == 403
    assert Interview.get_by_id(interview.id).status == "submitted"


def test_the_supervisor_home_page_points_to_the_reviews_and_alerts_waiting(
    app, client, users, auth, submitted_interview
):
    submitted_interview(phien_ha="co")
    auth.login("supervisor")
    page = client.get("/admin/").get_data(as_text=True)
    assert "1 cuộc phỏng vấn chờ duyệt" in page and "/admin/review/" in page
    assert "1 cảnh báo mới" in page and "/admin/alerts/" in page

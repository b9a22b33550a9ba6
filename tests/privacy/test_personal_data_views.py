"""Every view of personal data is in the audit trail under one of PersonalDataViews' actions, and the
auditor's list shows them: who, when, which case, what for; filtered by user and date."""

import importlib
import json
import re

from models import Assignment, AuditRecord, Case, PersonalDataViews, SampleCase, User, db, is_postgres, now

MIGRATION = importlib.import_module("migrations.0017_privacy")


def _reveal(app, auth, username):
    """The enumerator reveals the phone of their first open phone assignment; returns it."""
    user = User.get(User.username == username)
    assignment = (
        Assignment.select()
        .join(SampleCase)
        .where((Assignment.enumerator == user) & (Assignment.status == "open") & (SampleCase.mode == "phone"))
        .order_by(Assignment.id)
        .first()
    )
    client = app.test_client()
    auth.login(username, client=client)
    assert client.post(f"/interviewer/a/{assignment.id}/phone").status_code == 200
    return assignment


def _filter_index(html, label):
    groups = re.search(r'id="filter-groups-data"[^>]*>(.*?)</', html, re.S).group(1)
    data = json.loads(groups.replace("&#34;", '"').replace("&quot;", '"'))
    return next(f["index"] for f in data[label])


def test_the_auditor_lists_who_saw_which_phone_and_why(app, auth, users, fieldwork_ready):
    first = _reveal(app, auth, "dtv1")
    second = _reveal(app, auth, "dtv2")
    records = list(AuditRecord.personal_data_views())
    assert [(r.action, r.actor) for r in records] == [(PersonalDataViews.REVEAL_PHONE, n) for n in ("dtv1", "dtv2")]

    client = app.test_client()
    auth.login("auditor", client=client)
    page = client.get("/admin/privacy/").get_data(as_text=True)
    assert 'data-testid="personal-data-views-intro"' in page
    for assignment in (first, second):
        code = Case.get_by_id(SampleCase.get_by_id(assignment.sample_id).case_id).code
        assert code in page and f'data-testid="view-reason" data-assignment="{assignment.id}"' in page
    assert "(dtv1)" in page and "(dtv2)" in page
    # other audit records (the draw, the assignments) are not views of personal data
    assert page.count("(dtv") == 2

    user_filter = _filter_index(page, "Người dùng")
    only_one = client.get("/admin/privacy/", query_string={f"flt0_{user_filter}": "dtv2"})
    text = only_one.get_data(as_text=True)
    assert "(dtv2)" in text and "(dtv1)" not in text
    date_filter = _filter_index(page, "Ngày")
    past = f"{now().year - 1}-01-01 to {now().year - 1}-01-31"
    text = client.get("/admin/privacy/", query_string={f"flt0_{date_filter}": past}).get_data(as_text=True)
    assert "(dtv1)" not in text and "(dtv2)" not in text


def test_the_list_reads_its_own_index():
    """The model's condition is the partial index's (migration 0017), so the database uses it."""
    assert "action IN (" + ", ".join(f"'{a}'" for a in MIGRATION.VIEW_ACTIONS) + ")" == AuditRecord.VIEWS_WHERE
    assert tuple(MIGRATION.VIEW_ACTIONS) == PersonalDataViews.ALL


def test_the_database_uses_the_index(app):
    query, params = AuditRecord.personal_data_views().order_by(AuditRecord.seq.desc()).limit(50).sql()
    if is_postgres():
        db.execute_sql("SET enable_seqscan = off")
        plan = " ".join(r[0] for r in db.execute_sql("EXPLAIN " + query, params).fetchall())
        db.execute_sql("SET enable_seqscan = on")
    else:
        plan = " ".join(str(r) for r in db.execute_sql("EXPLAIN QUERY PLAN " + query, params).fetchall())
    assert "audit_record_personal_data_view" in plan

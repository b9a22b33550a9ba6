"""Cờ nghi vấn in the back office: supervisors, auditors and administrators see the period's flagged
interviews with each flag in words, counted by kind and enumerator, and recompute them as a job;
officers and enumerators are refused. The supervisor's review page shows an interview's flags."""

import json
import re

from models import Contact, FlagKinds, InterviewFlag, JobRun, Period


def _flagged(body):
    return {int(i) for i in re.findall(r'data-interview="(\d+)"', body)}


def test_supervisor_and_auditor_see_the_flags_officer_and_enumerator_do_not(
    app, client, auth, users, submitted_interview
):
    one = submitted_interview("dtv1")  # too short, no attempt
    two = submitted_interview("dtv2")
    contact = Contact.get_by_id(one.case_id)
    for role in ("supervisor", "auditor", "admin"):
        auth.login(role)
        page = client.get("/admin/flags/?period=2026-10")
        assert page.status_code == 200, role
        body = page.get_data(as_text=True)
        assert _flagged(body) == {one.id, two.id}
        assert f'data-flag="{FlagKinds.TOO_SHORT}"' in body and f'data-flag="{FlagKinds.NO_ATTEMPT}"' in body
        assert one.case.code in body and 'data-enumerator="dtv1"' in body and 'data-enumerator="dtv2"' in body
        if contact.phone_hash:
            assert contact.phone_hash not in body
        # review links for those who review, the case page for the auditor
        assert (f"/admin/review/{one.id}" in body) == (role != "auditor")
        auth.logout()
    for role in ("officer", "enumerator"):
        auth.login(role)
        assert client.get("/admin/flags/").status_code == 403, role
        assert client.post("/admin/flags/recompute", data={"period": "2026-10"}).status_code == 403
        auth.logout()


def test_filters_by_kind_and_enumerator(app, client, auth, users, submitted_interview):
    one = submitted_interview("dtv1", cong_chuc_giai_quyet="5", nang_luc="5")  # and a straight line
    two = submitted_interview("dtv2")
    auth.login("supervisor")
    body = client.get(f"/admin/flags/?period=2026-10&kind={FlagKinds.STRAIGHT_LINE}").get_data(as_text=True)
    assert _flagged(body) == {one.id}
    body = client.get(f"/admin/flags/?period=2026-10&enumerator={two.enumerator_id}").get_data(as_text=True)
    assert _flagged(body) == {two.id}
    counts = re.search(r'data-kind="too_short">.*?text-right">(\d+)<', body, re.S)
    assert counts and counts.group(1) == "2"
    # forged filters are ignored, not errors
    assert client.get("/admin/flags/?period=x&kind=<b>&enumerator=²&page=-4").status_code == 200


def test_the_review_page_shows_the_interviews_flags(app, client, auth, users, submitted_interview):
    interview = submitted_interview("dtv1")
    auth.login("supervisor")
    body = client.get(f"/admin/review/{interview.id}").get_data(as_text=True)
    assert 'data-testid="interview-flags"' in body and f'data-flag="{FlagKinds.TOO_SHORT}"' in body
    InterviewFlag.delete().execute()
    body = client.get(f"/admin/review/{interview.id}").get_data(as_text=True)
    assert 'data-testid="interview-flags"' not in body


def test_recompute_runs_as_a_job(app, client, auth, users, submitted_interview, work_jobs):
    interview = submitted_interview("dtv1")
    InterviewFlag.delete().execute()
    period = Period.get(Period.month == "2026-10")
    period.settings = json.dumps({**json.loads(period.settings or "{}"), "quality": {"min_duration_seconds": 0}})
    period.save()
    auth.login("auditor")
    started = client.post("/admin/flags/recompute", data={"period": "2026-10"})
    assert started.status_code == 302 and "/admin/jobs/" in started.headers["Location"]
    work_jobs()
    run = JobRun.get()
    assert run.status == "done", run.message
    kinds = {f.kind for f in InterviewFlag.select().where(InterviewFlag.interview == interview.id)}
    assert FlagKinds.NO_ATTEMPT in kinds and FlagKinds.TOO_SHORT not in kinds  # the period's own minimum
    assert client.post("/admin/flags/recompute", data={"period": "2031-01"}).status_code == 404

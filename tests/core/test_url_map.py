"""Every URL of the app against every role: no page can be added without being covered here."""

import pytest

ROLES = ("admin", "supervisor", "officer", "auditor", "enumerator")
NOBODY = ()
READ_REF = ("admin", "supervisor", "officer")
WRITE_REF = ("admin", "officer")
CASE_READERS = ("admin", "supervisor", "officer", "auditor")


def only(roles, ok=200):
    return {r: (ok if r in roles else 403) for r in ROLES}


def model_view(read, write, details=True, delete=None, export=False):
    delete = write if delete is None else delete
    return {
        "index_view": only(read),
        "details_view": only(read if details else NOBODY),
        "create_view": only(write),
        "edit_view": only(write),
        "delete_view": only(delete, ok=302),
        "action_view": only(delete, ok=302),
        "export": only(read if export else NOBODY),
        "ajax_update": only(NOBODY),
        "ajax_lookup": only(NOBODY),
    }


# The respondent's pages answer everyone alike, signed in or not: an unknown token, no survey in this
# browser and a device that is not a kiosk are refused as such; the counter's page is open to all.
RESPONDENT_PAGES = {
    "public.link": 404,
    "public.survey": 404,
    "public.survey_post": 404,
    "public.counter": 200,
    "public.counter_post": 422,  # no dossier code given
    "public.kiosk": 403,
    "public.kiosk_start": 403,
    "public.kiosk_setup": 403,
    "public.kiosk_survey": 403,
    "public.kiosk_survey_post": 403,
    "public.kiosk_reset": 403,
}

# The public results pages are the same for everyone, signed in or not: nothing is published in the
# sample data, so the latest results say so and a month's page and its open data are not found.
PUBLIC_PAGES = {
    "healthz": 503,  # no worker runs during this test
    "public.results": 200,
    "public.results_period": 404,
    "public.results_data": 404,
}

# endpoint -> {role: expected status}; "anonymous" is checked separately
EXPECTED = {
    **{endpoint: dict.fromkeys(ROLES, status) for endpoint, status in RESPONDENT_PAGES.items()},
    **{endpoint: dict.fromkeys(ROLES, status) for endpoint, status in PUBLIC_PAGES.items()},
    "public.index": dict.fromkeys(ROLES, 302),
    "admin.index": {**dict.fromkeys(ROLES, 200), "enumerator": 302},
    "auth.login": dict.fromkeys(ROLES, 302),
    "auth.logout": dict.fromkeys(ROLES, 302),
    "interviewer.home": only(("enumerator",)),
    "interviewer.find": only(("enumerator",), ok=302),  # back to the list: no such case of theirs
    # another's (or no such) assignment or interview: refused to every role, enumerators included
    **{
        f"interviewer.{name}": dict.fromkeys(ROLES, 403)
        for name in ("assignment", "phone", "attempt", "begin", "interview", "answers", "submit_interview")
    },
    "imports.index": only(READ_REF),
    "imports.run": only(READ_REF),
    "imports.status": only(READ_REF, ok=302),  # to the job's status
    "sampling.index": only(READ_REF + ("auditor",)),
    "sampling.export_table": only(READ_REF + ("auditor",), ok=404),  # no month given
    "sampling.verify": only(READ_REF + ("auditor",), ok=404),  # any reader may verify a draw
    "case.index": only(CASE_READERS, ok=302),  # to the cases list
    "case.page": only(CASE_READERS),
    "imports.rejected_csv": only(READ_REF, ok=404),  # those who may import; the sample run kept no rows
    # POSTs without a form: write roles are sent back (302) or told the period does not exist (404)
    "sampling.open_period": only(("admin", "supervisor"), ok=302),
    "sampling.allocate": only(("admin", "supervisor"), ok=404),  # no month given
    "sampling.override": only(("admin", "supervisor"), ok=404),
    "sampling.draw": only(("admin", "supervisor"), ok=404),
    "sampling.release": only(("admin", "supervisor"), ok=404),
    "sampling.assign": only(("admin", "supervisor"), ok=404),
    "sampling.settings": only(("admin", "supervisor"), ok=404),
    "questionnaires.index": only(READ_REF),
    "questionnaires.upload": only(WRITE_REF, ok=302),  # no file: back with a message
    "questionnaires.publish": only(WRITE_REF, ok=404),  # no such version
    "questionnaires.retire": only(WRITE_REF, ok=404),
    "questionnaires.rules": only(WRITE_REF, ok=302),
    "questionnaires.preview": only(READ_REF, ok=404),  # no such version
    "alerts.index": only(READ_REF),
    "alerts.count": only(READ_REF),
    "alerts.acknowledge_alert": only(READ_REF, ok=404),  # no such alert
    "flags.index": only(("admin", "supervisor", "auditor")),
    "flags.recompute": only(("admin", "supervisor", "auditor"), ok=404),  # no period given
    "review.index": only(("admin", "supervisor")),
    "review.show": only(("admin", "supervisor"), ok=404),  # no such interview
    "review.approve_interview": only(("admin", "supervisor"), ok=404),
    "review.reject_interview": only(("admin", "supervisor"), ok=404),
    "review.correct_interview": only(("admin", "supervisor"), ok=404),
    "outbox.index": only(("admin", "supervisor")),
    "outbox.send_now": only(("admin", "supervisor"), ok=302),  # to the job's page
    "outbox.export_sms": only(("admin", "supervisor"), ok=302),
    "outbox.download": only(("admin", "supervisor"), ok=404),  # no such delivery file
    "interview_imports.index": only(("admin", "supervisor")),
    "interview_imports.run": only(("admin", "supervisor"), ok=404),  # the sample run is another kind of job
    "interview_imports.status": only(("admin", "supervisor"), ok=404),
    "results.index": only(CASE_READERS),
    "results.compile": only(WRITE_REF, ok=404),  # no period given
    "results.publish": only(WRITE_REF, ok=404),  # no such version
    "results.download": only(CASE_READERS, ok=404),
    "dashboards.index": only(CASE_READERS),
    "dashboards.progress": only(CASE_READERS),  # the sample period: no allocation, an empty list
    "results.report": only(CASE_READERS, ok=404),  # no such version
    "assignments.index": only(("admin", "supervisor")),
    "assignments.export_board": only(("admin", "supervisor"), ok=404),  # no period given
    "assignments.reassign_selected": only(("admin", "supervisor"), ok=302),
    "assignments.move_absent": only(("admin", "supervisor"), ok=302),
    "assignments.mark_back": only(("admin", "supervisor"), ok=302),
    "assignments.history": only(("admin", "supervisor"), ok=404),  # no such assignment
    # the jobs list is for admins and supervisors (officers are sent home); a job for them and its starter
    "jobs.index": {**only(("admin", "supervisor")), "officer": 302, "auditor": 302},
    "jobs.show": {**only(("admin", "supervisor")), "officer": 404, "auditor": 404},  # started by someone else
    "jobs.status": {**only(("admin", "supervisor")), "officer": 404, "auditor": 404},
    "audit.verify": only(("admin", "auditor"), ok=302),  # to the verification job's page
    "links.index": only(CASE_READERS),
    "links.issue": only(("admin", "supervisor"), ok=404),  # no period given
    "links.print_slips": only(("admin", "supervisor"), ok=404),
    "links.case_slip": only(("admin", "supervisor"), ok=302),  # no self-administered form: back to the case
    "links.poster": only(CASE_READERS),
    "links.poster_svg": only(CASE_READERS),
    "links.poster_png": only(CASE_READERS),
    "kiosks.index": only(("admin", "supervisor")),
    "kiosks.create": only(("admin", "supervisor"), ok=302),  # no form: back with a message
    "kiosks.revoke": only(("admin", "supervisor"), ok=404),  # no such kiosk
    # re-checks: auditors (and admins) draw and re-check their own cases; supervisors invalidate
    "rechecks.index": only(("admin", "auditor")),
    "rechecks.draw": only(("admin", "auditor"), ok=404),  # no period given
    "rechecks.verify": only(("admin", "auditor"), ok=404),
    "rechecks.case": only(("admin", "auditor"), ok=404),  # not one of theirs (no such case)
    "rechecks.phone": only(("admin", "auditor"), ok=404),
    "rechecks.record": only(("admin", "auditor"), ok=404),
    "discrepancies.index": only(("admin", "supervisor", "auditor")),
    "discrepancies.show": only(("admin", "supervisor", "auditor"), ok=404),  # no such re-check
    "discrepancies.invalidate": only(("admin", "supervisor"), ok=404),  # no such re-check
}
for prefix, spec in {
    "cases": model_view(CASE_READERS, NOBODY, details=False, export=True),
    "sample": model_view(CASE_READERS, NOBODY, details=False, export=True),
    "units": model_view(READ_REF, WRITE_REF),
    "procedures": model_view(READ_REF, WRITE_REF),
    "periods": model_view(READ_REF, READ_REF),
    "users": {**model_view(("admin",), ("admin",), delete=NOBODY), "action_view": only(("admin",), ok=302)},
    "audit": model_view(("admin", "auditor"), NOBODY, export=True),
    "privacy": model_view(("admin", "auditor"), NOBODY, details=False),
    "security": model_view(("admin", "auditor"), NOBODY, details=False),
    "enumerators": model_view(("admin", "supervisor"), ("admin", "supervisor"), details=False),
    "coverage": {
        **model_view(("admin", "supervisor"), ("admin", "supervisor"), details=False),
        "edit_view": only(NOBODY),
    },
}.items():
    EXPECTED.update({f"{prefix}.{name}": statuses for name, statuses in spec.items()})
POST_ONLY_OK = {"auth.logout"}


def test_every_endpoint_has_an_expectation(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - {"static", "admin.static"}
    assert endpoints - set(EXPECTED) == set(), "new pages must be added to EXPECTED"
    assert set(EXPECTED) - endpoints == set()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_pages(app, endpoint_requests, role, auth):
    client = app.test_client()
    assert auth.login(role, client=client).status_code == 302
    failures = []
    for endpoint, method, url in endpoint_requests:
        if endpoint == "auth.logout":
            continue  # checked last: it ends the session
        status = client.open(url, method=method).status_code
        if status != EXPECTED[endpoint][role]:
            failures.append(f"{method} {url}: {status}, expected {EXPECTED[endpoint][role]}")
    assert failures == []
    assert client.post("/logout").status_code == EXPECTED["auth.logout"][role]
    assert client.get("/admin/").status_code == 302  # signed out


@pytest.mark.parametrize("role", ROLES)
def test_the_post_side_of_a_page_refuses_whom_the_page_refuses(app, endpoint_requests, role, auth):
    """A page that is also a form (GET and POST on one rule) is checked above by its GET: its POST must
    refuse the same roles, before reading anything the form sends."""
    both = {r.endpoint for r in app.url_map.iter_rules() if {"GET", "POST"} <= r.methods}
    assert len(both) >= 10  # the back office's model forms, the uploads, the sign-in, the survey pages
    client = app.test_client()
    auth.login(role, client=client)
    failures = []
    for endpoint, _method, url in endpoint_requests:
        if endpoint in both and EXPECTED[endpoint][role] == 403:
            status = client.post(url, data={"id": "1", "name": "x"}).status_code
            if status != 403:
                failures.append(f"POST {url}: {status}")
    assert failures == []


def test_anonymous_users_are_sent_to_the_login_page(app, endpoint_requests, auth):
    client = app.test_client()
    for endpoint, method, url in endpoint_requests:
        response = client.open(url, method=method)
        if endpoint == "auth.login":
            assert response.status_code == 200
        elif endpoint in ("auth.logout", "public.index"):
            assert response.status_code == 302
        elif endpoint in RESPONDENT_PAGES:
            assert response.status_code == RESPONDENT_PAGES[endpoint], url
        elif endpoint in PUBLIC_PAGES:
            assert response.status_code == PUBLIC_PAGES[endpoint], url
        else:
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login?next="), url


def test_forbidden_page_is_explained_in_vietnamese(app, users, auth):
    client = app.test_client()
    auth.login("enumerator", client=client)
    response = client.get("/admin/users/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)

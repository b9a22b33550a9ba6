"""Forged or malformed requests get a clear answer, never a server error, on every page of the URL map
and on both databases: negative and huge pages, NUL bytes, unknown sort columns and filters, overlong
values."""

import pytest

from models import User

# Query strings a hand-edited or forged address may carry
FORGED_QUERIES = [
    "page=-1",
    "page=99999999999999",
    "page=abc",
    "page_size=100000",
    "page_size=-5",
    "sort=999",
    "sort=-3",
    "sort=abc&desc=xyz",
    "search=%00",
    "search=HS%00-1",
    "search=" + "x" * 5000,
    "search=%27%22%3B--",
    "flt0_99=1",
    "flt0_0=%00",
    "flt1_0=abc",
    "flt0_0=" + "9" * 40,
    "period=%00",
    "period=9999-99",
    "period=" + "2" * 3000,
    "unit=abc&enumerator=-1&mode=%00&status=zz",
    "id=%00",
    "id=-1",
    "id=99999999999999999999",
    "id=%C2%B2",  # a superscript two: a "digit" to str.isdigit, not to int()
    "unit=%C2%B2&enumerator=%C2%B2",
    "lang=%00",
    "next=%00",
]
NOT_ALLOWED = "không được phép"  # the Vietnamese message for a refused value


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_no_page_gives_a_server_error_on_forged_parameters(app, endpoint_requests, auth, role):
    client = app.test_client()
    auth.login(role, client=client)
    failures = []
    for endpoint, method, url in endpoint_requests:
        if method != "GET" or endpoint == "auth.logout":
            continue
        for query in FORGED_QUERIES:
            forged = url + ("&" if "?" in url else "?") + query
            response = client.get(forged)
            response.close()  # a streamed export is ended here, in its own request's context
            if response.status_code >= 500 and not (endpoint == "healthz" and response.status_code == 503):
                failures.append(f"{forged[:120]}: {response.status_code}")  # (the health check's 503: no worker)
    assert failures == []


def test_a_nul_byte_or_an_overlong_value_is_refused_with_a_clear_message(app, auth):
    client = app.test_client()
    auth.login("admin", client=client)
    for url in ("/admin/cases/?search=HS%00", "/admin/users/?flt0_0=%00", "/admin/sampling/?period=" + "2" * 3000):
        response = client.get(url)
        assert response.status_code == 400, url
        assert NOT_ALLOWED in response.get_data(as_text=True), url


def test_a_form_with_a_nul_byte_is_refused_and_changes_nothing(app, auth, users):
    client = app.test_client()
    auth.login("admin", client=client)
    before = User.select().count()
    response = client.post("/admin/users/new/", data={"username": "bad\x00name", "full_name": "X", "role": "1"})
    assert response.status_code == 400
    assert User.select().count() == before


def test_a_forged_page_shows_the_first_page(app, auth, users):
    client = app.test_client()
    auth.login("admin", client=client)
    response = client.get("/admin/users/?page=-1")
    assert response.status_code == 200
    assert "admin" in response.get_data(as_text=True)

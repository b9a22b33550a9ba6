"""The Content-Security-Policy and the other security headers, and every page of every role written so
that the policy refuses nothing: no inline script, no `on…=` handler, no style attribute, no <style>
element without this response's nonce."""

import re

import pytest

from core.security import CSP

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.S)
STYLE_ELEMENT = re.compile(r"<style(?P<attrs>[^>]*)>", re.I)
NONCE = re.compile(r"'nonce-([^']+)'")


def inline_code(body, policy):
    """What the policy would refuse in `body`: a list of the offending snippets."""
    found = [m.group(0)[:120] for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE) for m in pattern.finditer(body)]
    nonces = set(NONCE.findall(policy))
    for m in STYLE_ELEMENT.finditer(body):
        nonce = re.search(r'nonce="([^"]+)"', m.group("attrs"))
        if not nonce or nonce.group(1) not in nonces:
            found.append(m.group(0))
    return found


def directives(policy):
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_every_response_carries_the_strict_policy_and_the_usual_headers(client, users, auth):
    for response in (client.get("/login"), client.get("/static/css/sipas.css"), client.get("/no-such-page")):
        headers = response.headers
        policy = directives(headers["Content-Security-Policy"])
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert policy["default-src"] == "'self'" and policy["base-uri"] == "'self'"
        assert policy["form-action"] == "'self'" and policy["img-src"] == "'self' data:"
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP in development
    assert directives("; ".join(f"{k} {v}" for k, v in CSP.items())) == policy


def test_https_requests_and_secure_deployments_get_strict_transport_security(make_app):
    plain = make_app()
    secure = plain.test_client().get("/login", base_url="https://sipas.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    behind_tls = make_app(SESSION_COOKIE_SECURE=True).test_client().get("/login")  # TLS ends at the proxy
    assert "max-age=31536000" in behind_tls.headers["Strict-Transport-Security"]
    off = make_app(HSTS_SECONDS=0).test_client().get("/login", base_url="https://sipas.example")
    assert "Strict-Transport-Security" not in off.headers


@pytest.mark.parametrize("role", ("admin", "supervisor", "officer", "auditor", "enumerator", None))
def test_no_page_of_any_role_holds_code_the_policy_refuses(app, endpoint_requests, auth, role):
    client = app.test_client()
    if role:
        auth.login(role, client=client)
    offending = {}
    for endpoint, method, url in endpoint_requests:
        if method != "GET" or endpoint == "auth.logout":
            continue
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        found = inline_code(response.get_data(as_text=True), response.headers["Content-Security-Policy"])
        if found:
            offending[url] = found
    assert offending == {}


def test_the_printable_pages_style_elements_carry_a_fresh_nonce_of_their_own(client, sample_ids, auth):
    auth.login("admin")
    nonces = []
    for _ in range(2):
        poster = client.get(f"/admin/links/poster/{sample_ids['units']}")
        policy = poster.headers["Content-Security-Policy"]
        assert poster.status_code == 200 and inline_code(poster.get_data(as_text=True), policy) == []
        assert "<style nonce=" in poster.get_data(as_text=True)
        nonces += NONCE.findall(policy)
    assert len(set(nonces)) == 2  # one per response
    assert "nonce-" not in client.get("/login").headers["Content-Security-Policy"]  # no <style>: style-src 'self'

"""CSRF protection, security headers (a strict Content-Security-Policy) and safe redirects."""

import secrets
from urllib.parse import urlsplit

from flask import abort, g, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
MAX_QUERY_VALUE = 1000  # characters of one value in the address: no page of the app needs more

# No inline script, handler, style attribute or `javascript:` address anywhere: scripts and styles come
# from this site's static files. The one exception, `style_nonce()`, lets the self-contained printable
# pages (the results notice, slips, poster) carry their own <style> element with this response's nonce.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def style_nonce():
    """The nonce of this response's own <style> elements (templates: `<style nonce="{{ style_nonce() }}">`)."""
    if "csp_style_nonce" not in g:
        g.csp_style_nonce = secrets.token_urlsafe(18)
    return g.csp_style_nonce


def content_security_policy():
    policy = dict(CSP)
    if "csp_style_nonce" in g:
        policy["style-src"] += f" 'nonce-{g.csp_style_nonce}'"
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def check_request_values():
    """Refuse, before any view runs, what only a forged request carries: NUL bytes in the address or a
    form (PostgreSQL cannot even compare them), or an address value longer than MAX_QUERY_VALUE."""
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value or len(value) > MAX_QUERY_VALUE:
            abort(400, description="value")
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, description="value")


def is_safe_next(target):
    """Only a path on this site: no scheme, no host, no protocol-relative `//` or backslash trick."""
    if not target or not isinstance(target, str):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


def init_app(app):
    csrf.init_app(app)
    app.before_request(check_request_values)
    app.jinja_env.globals["style_nonce"] = style_nonce

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy())
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if app.config["HSTS_SECONDS"] and (request.is_secure or app.config["SESSION_COOKIE_SECURE"]):
            headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        return response

"""CSRF protection, security headers and safe redirects."""

from urllib.parse import urlsplit

from flask import abort, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
MAX_QUERY_VALUE = 1000  # characters of one value in the address: no page of the app needs more


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

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

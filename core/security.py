"""CSRF protection, security headers and safe redirects."""

from urllib.parse import urlsplit

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


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

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

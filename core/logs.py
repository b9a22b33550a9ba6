"""Request logs without survey tokens: `/s/<token>` is written `/s/…` by the web server's access log
(gunicorn, `--logger-class core.logs.RedactingLogger`) and the development server's; the health
check's requests (`/healthz`, asked every few seconds by a load balancer) are not written at all."""

import logging
import re

from gunicorn.glogging import Logger

TOKEN_PATH_RE = re.compile(r"/s/[A-Za-z0-9_-]+")
REDACTED_PATH = "/s/…"
QUIET_PATHS = ("/healthz",)  # requests not worth a line of the access log
QUIET_LINE_RE = re.compile(r'^"?[A-Z]+ (' + "|".join(map(re.escape, QUIET_PATHS)) + r")[? ]")


def redact(text):
    return TOKEN_PATH_RE.sub(REDACTED_PATH, text) if isinstance(text, str) else text


class RedactingLogger(Logger):
    """gunicorn's logger, with the request line and path of its access log redacted."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in QUIET_PATHS:
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "{raw_uri}e"):
            if key in atoms:
                atoms[key] = redact(atoms[key])
        return atoms


class RedactingFilter(logging.Filter):
    """For the development server's (werkzeug's) request lines."""

    def filter(self, record):
        if any(isinstance(a, str) and QUIET_LINE_RE.match(a) for a in record.args or ()):
            return False
        if record.args:
            record.args = tuple(redact(a) for a in record.args)
        record.msg = redact(record.msg)
        return True


def init_app(app):
    logging.getLogger("werkzeug").addFilter(RedactingFilter())

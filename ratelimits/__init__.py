"""Rate limits of the public pages (Flask-Limiter): one limiter that the pages decorate and the host
configures, counted in Redis so that every web process shares them (in memory without Redis)."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def client_key():
    """The client's address, under the app's queue name: apps sharing a Redis (tests) count apart."""
    return f"{current_app.config.get('RQ_QUEUE', 'sipas')}:{get_remote_address()}"


limiter = Limiter(key_func=client_key, default_limits=[], headers_enabled=True, key_prefix="sipas-limits")


def init_app(app):
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)  # Redis down: serve rather than fail
    limiter.init_app(app)

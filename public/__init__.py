"""Pages for anyone, signed in or not: the front door, the respondent's survey (a one-time link, the
counter's survey website, the kiosk) and, later, the public results."""

from . import home, kiosk, survey
from .blueprint import bp

__all__ = ["bp", "home", "init_app", "kiosk", "survey"]


def init_app(app):
    app.register_blueprint(bp)

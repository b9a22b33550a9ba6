"""Pages for anyone, signed in or not: the front door, the respondent's survey (a one-time link, the
counter's survey website, the kiosk) and the public results page."""

from . import home, kiosk, results, survey
from .blueprint import bp

__all__ = ["bp", "home", "init_app", "kiosk", "results", "survey"]


def init_app(app):
    app.register_blueprint(bp)

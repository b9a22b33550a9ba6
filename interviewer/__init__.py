"""The mobile-first interviewer app for enumerators: their day, call attempts, the interview."""

from . import assignment, day, interview
from .blueprint import bp

__all__ = ["assignment", "bp", "day", "init_app", "interview"]


def init_app(app):
    app.register_blueprint(bp)

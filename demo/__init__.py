"""A realistic demo province for `make run` (refused in production)."""

from .cli import DEMO_USERS, demo_cli

__all__ = ["DEMO_USERS", "init_app"]


def init_app(app):
    app.cli.add_command(demo_cli)

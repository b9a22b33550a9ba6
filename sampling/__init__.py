"""Sampling: eligibility, allocation (pure), the reproducible draw (pure), release and assignment, with
their jobs and commands."""

from . import cli, jobs

__all__ = ["init_app", "jobs"]


def init_app(app):
    app.cli.add_command(cli.sample_cli)

"""Re-checks (phúc tra): the re-check sample (pure draw, recorded seed, verification), the short
re-check form, the comparison with the interview and the invalidation of an interview; their jobs
and the `rechecks` commands."""

from . import cli, compare, draw, form, jobs, service

__all__ = ["cli", "compare", "draw", "form", "init_app", "jobs", "service"]


def init_app(app):
    app.cli.add_command(cli.rechecks_cli)

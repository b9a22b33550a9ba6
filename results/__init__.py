"""Monthly results: the arithmetic (pure), the tallies read from the database, the figures assembled,
versions compiled, compared and published, their exports; jobs and the `results` commands."""

from . import arithmetic, cli, exporting, figures, jobs, service, tallies

__all__ = ["arithmetic", "cli", "exporting", "figures", "init_app", "jobs", "service", "tallies"]


def init_app(app):
    app.cli.add_command(cli.results_cli)

"""Self-administered surveys: one-time links sent by e-mail and SMS, QR slips, the counter's survey
website and kiosk; the respondent's answers through the same questionnaires as interviews."""

from . import cli, issuing, jobs, pages, service, tokens
from .service import LinkRefused

__all__ = ["LinkRefused", "cli", "init_app", "issuing", "jobs", "pages", "service", "tokens"]


def init_app(app):
    app.cli.add_command(cli.links_cli)

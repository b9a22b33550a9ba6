"""Questionnaires in XLSForm: parsing, the expression subset, versions."""

from . import cli

__all__ = ["init_app"]


def init_app(app):
    app.cli.add_command(cli.questionnaire_cli)

"""Backups of the whole database: `flask --app run backup create|restore` (PostgreSQL through pg_dump
and pg_restore, SQLite through its online backup API), each recorded in the audit trail."""

from . import cli, service

__all__ = ["cli", "init_app", "service"]


def init_app(app):
    app.cli.add_command(cli.backup_cli)

"""`flask --app run backup create [-o FILE]` and `backup restore FILE [--yes]`."""

import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from . import service

backup_cli = AppGroup("backup", help="Backups of the database (pg_dump/pg_restore, or SQLite's backup API).")


def _fail(exc):
    click.echo(f"Error: {exc}", err=True)
    sys.exit(2)


@backup_cli.command("create")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None, help="The backup file.")
def backup_create(output):
    """Back up the database while the app runs; print the file, its size and SHA-256."""
    url = current_app.config["DATABASE_URL"]
    path = output or os.path.join(current_app.instance_path, "backups", service.default_name(url))
    try:
        info = service.create(url, path)
    except service.BackupError as exc:
        _fail(exc)
    click.echo(f"Backup written: {info.path}")
    click.echo(f"  size    {info.size} bytes")
    click.echo(f"  sha256  {info.sha256}")
    click.echo(f"  audit chain head at the backup: seq {info.audit_seq}, hash {info.audit_hash}")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def backup_restore(file, yes):
    """Replace the whole database with a backup (stop the web servers and workers first)."""
    url = current_app.config["DATABASE_URL"]
    try:
        service.check_file(url, file)
        sha256 = service.sha256_of(file)
        current = service.current_state(url, sha256)
    except service.BackupError as exc:
        _fail(exc)
    click.echo(f"This replaces EVERY table of the database {current.database}")
    click.echo(f"  (its audit chain now ends at seq {current.audit_seq}, hash {current.audit_hash})")
    click.echo(f"with the backup {file} (sha256 {sha256}).")
    if current.recorded_backup:
        recorded = current.recorded_backup
        click.echo(f"  That backup was taken at {recorded['at']:%Y-%m-%d %H:%M:%S} by {recorded['actor']}.")
    else:
        click.echo("  This database's audit trail has no record of that backup.")
    click.echo("Everything written since that backup is lost.")
    if not yes and not click.confirm("Restore?", default=False):
        click.echo("Nothing was changed.", err=True)
        sys.exit(1)
    try:
        seq, hash_ = service.restore(url, file, current)
    except service.BackupError as exc:
        _fail(exc)
    click.echo(f"Restored. The audit chain ends at seq {seq}, hash {hash_} (then the restore's own record).")
    click.echo("Run `flask --app run audit verify` to check it.")

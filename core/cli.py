"""The host's commands: `flask --app run db|audit|users|serve …` (each domain adds its own)."""

import sys

import click
from flask.cli import AppGroup

import migrations
from jobs.audit_check import describe as describe_chain
from models import Role, Roles, User, audit, db

from . import serve

db_cli = AppGroup("db", help="Database schema.")
audit_cli = AppGroup("audit", help="The audit trail.")
users_cli = AppGroup("users", help="User accounts.")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply pending migrations."""
    applied = migrations.upgrade(db.obj)
    click.echo(f"Applied: {', '.join(applied)}" if applied else "Database is up to date.")


@audit_cli.command("verify")
def audit_verify():
    """Check the hash chain; exit 1 at the first broken or missing record."""
    ok, count, problem = audit.verify()
    if ok:
        click.echo(describe_chain(ok, count, problem))
        return
    click.echo(describe_chain(ok, count, problem), err=True)
    sys.exit(1)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(Roles.ALL), required=True)
@click.option("--name", "full_name", default=None)
@click.password_option()
def users_create(username, role, full_name, password):
    """Create a user (the password is asked for)."""
    if User.get_or_none(User.username == username):
        click.echo(f"User {username} exists already.", err=True)
        sys.exit(2)
    user = User(username=username, full_name=full_name or username, role=Role.get_by_id(role))
    user.set_password(password)
    user.save()
    click.echo(f"Created {role} {username}.")


def init_app(app):
    for command in (db_cli, audit_cli, users_cli, serve.serve_command):
        app.cli.add_command(command)

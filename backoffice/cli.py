"""Command-line interface: `flask --app run db|import|audit|users|demo|worker|serve …`."""
import json
import sys

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

import migrations
from models import Role, User, audit, db

from .importing import KINDS, ImportRefused, import_file

db_cli = AppGroup("db", help="Database schema.")
audit_cli = AppGroup("audit", help="The audit trail.")
users_cli = AppGroup("users", help="User accounts.")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply pending migrations."""
    applied = migrations.upgrade(db.obj)
    click.echo(f"Applied: {', '.join(applied)}" if applied else "Database is up to date.")


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_appcontext
def import_command(kind, path, as_json):
    """Import units, procedures or cases from a CSV or XLSX file."""
    try:
        report = import_file(kind, path)
    except ImportRefused as exc:
        if as_json:
            click.echo(json.dumps({"error": str(exc)}, ensure_ascii=False))
        else:
            click.echo(str(exc), err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    click.echo(_("created: %(c)d  updated: %(u)d  unchanged: %(n)d  rejected: %(r)d  warnings: %(w)d",
                 c=report.created, u=report.updated, n=report.unchanged, r=report.rejected_total,
                 w=report.warnings_total))
    for row in report.rejected:
        click.echo(_("Rejected, line %(line)d: %(reason)s", line=row["line"], reason=row["reason"]))
    for row in report.warnings:
        click.echo(_("Warning, line %(line)d: %(reason)s", line=row["line"], reason=row["reason"]))


@audit_cli.command("verify")
def audit_verify():
    """Check the hash chain; exit 1 at the first broken or missing record."""
    ok, count, problem = audit.verify()
    if ok:
        click.echo(_("Audit trail intact: %(n)d records.", n=count))
        return
    messages = {
        "missing": _("record %(seq)d is missing (the next one found is %(other)d)", seq=problem.seq, other=problem.other or 0),
        "unlinked": _("record %(seq)d does not follow record %(other)d: the chain is broken", seq=problem.seq,
                      other=problem.other or 0),
        "altered": _("record %(seq)d was altered: its hash does not match its content", seq=problem.seq),
    }
    click.echo(_("Audit trail BROKEN after %(n)d good records: %(problem)s", n=count,
                 problem=messages[problem.kind]), err=True)
    sys.exit(1)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r for r in ("admin", "supervisor", "enumerator", "officer", "auditor")]),
              required=True)
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


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst):
    """Run an rq worker (with its scheduler) for this app."""
    from rq import SimpleWorker

    from sampling.jobs import schedule_daily

    from .queue import connection, queue
    schedule_daily()
    # SimpleWorker runs jobs in this process: no forked child inherits a database connection.
    worker = SimpleWorker([queue()], connection=connection())
    worker.work(burst=burst, with_scheduler=True)


def init_app(app):
    from sampling.cli import sample_cli

    from . import demo, serve
    for group in (db_cli, audit_cli, users_cli, demo.demo_cli, sample_cli):
        app.cli.add_command(group)
    app.cli.add_command(import_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(serve.serve_command)

"""`flask --app run import units|procedures|cases FILE`."""

import json
import sys

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .files import KINDS, ImportRefused, import_file


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_appcontext
def import_command(kind, path, as_json):
    """Import units, procedures or cases from a CSV or XLSX file."""
    run_import(lambda: import_file(kind, path), as_json)


def run_import(work, as_json):
    """Run an import (`work()` returns its ImportReport) and print its report, as text or one JSON
    object; a refused file prints why and exits 2. Shared by every import command."""
    try:
        report = work()
    except ImportRefused as exc:
        if as_json:
            click.echo(json.dumps({"error": str(exc)}, ensure_ascii=False))
        else:
            click.echo(str(exc), err=True)
        sys.exit(2)
    if as_json:
        click.echo(report.to_json())
        return
    click.echo(
        _(
            "created: %(c)d  updated: %(u)d  unchanged: %(n)d  rejected: %(r)d  warnings: %(w)d",
            c=report.created,
            u=report.updated,
            n=report.unchanged,
            r=report.rejected_total,
            w=report.warnings_total,
        )
    )
    for row in report.rejected:
        click.echo(_("Rejected, line %(line)d: %(reason)s", line=row["line"], reason=row["reason"]) + _quoted(row))
    for row in report.warnings:
        click.echo(_("Warning, line %(line)d: %(reason)s", line=row["line"], reason=row["reason"]) + _quoted(row))


def _quoted(row):
    return f" «{row['value']}»" if row.get("value") else ""

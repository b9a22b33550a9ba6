"""`flask --app run interviews import FILE [--json] [--approve]` and `interviews export --period P`."""

import os
import shutil

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from exports import CSV, FORMATS, csv_chunks, xlsx_file
from importing.cli import run_import
from models import Period

from .answers_import import export_table, import_answers

interviews_cli = AppGroup("interviews", help="Answers from outside the app, and their export.")


@interviews_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option(
    "--approve", is_flag=True, help="Approve the interviews the file creates or changes (a supervisor's act)."
)
def import_command(path, as_json, approve):
    """Import answers from a CSV or XLSX file, one row per case."""
    run_import(lambda: import_answers(path, approve=approve), as_json)


@interviews_cli.command("export")
@click.option("--period", "month", required=True, help="YYYY-MM: the month the cases were returned.")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default=CSV, show_default=True)
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False), help="The file to write.")
def export_command(month, file_format, path):
    """Write the month's submitted and approved interviews in the import's layout (no personal data)."""
    if not Period.valid_month(month):
        raise click.BadParameter(_("The month must be written YYYY-MM, e.g. 2026-10."), param_hint="--period")
    headers, rows = export_table(month)
    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    if file_format == CSV:
        with open(path, "wb") as f:
            for chunk in csv_chunks(headers, counted()):
                f.write(chunk)
    else:
        written = xlsx_file(headers, counted(), title=month)
        shutil.move(written, path)
        os.chmod(path, 0o644)
    click.echo(_("%(n)d interviews written to %(path)s.", n=count, path=path))

"""`flask --app run results compile|publish|export --period P …`."""

import json

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from exports import CSV, XLSX, csv_chunks
from models import Period, ResultVersion

from . import exporting, service, workbook
from .settings import ResultSettingsError

results_cli = AppGroup("results", help="Monthly results: compile, publish, export.")
JSON = "json"


def _period(month):
    if not Period.valid_month(month):
        raise click.BadParameter(_("The month must be written YYYY-MM, e.g. 2026-10."), param_hint="--period")
    period = Period.get_or_none(Period.month == month)
    if period is None:
        raise click.ClickException(_("No cases were imported for %(month)s.", month=month))
    return period


def _version(period, number):
    version = (
        ResultVersion.get_or_none((ResultVersion.period == period) & (ResultVersion.number == number))
        if number
        else ResultVersion.latest(period)
    )
    if version is None:
        raise click.ClickException(_("%(month)s has no compiled results of that version.", month=period.month))
    return version


@results_cli.command("compile")
@click.option("--period", "month", required=True, help="YYYY-MM: the month the dossiers were returned.")
@click.option("--note", default=None, help="Why this version (what changed).")
@click.option("--json", "as_json", is_flag=True, help="Print the version's number and digest as JSON.")
def compile_command(month, note, as_json):
    """Compile the period's results into a new version (none when nothing changed)."""
    period = _period(month)
    try:
        version, created = service.compile_period(period, note)
    except ResultSettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(
            json.dumps({"period": month, "version": version.number, "created": created, "digest": version.digest})
        )
    elif created:
        click.echo(_("%(month)s: version %(n)d compiled.", month=month, n=version.number))
    else:
        click.echo(_("%(month)s: nothing changed since version %(n)d.", month=month, n=version.number))


@results_cli.command("publish")
@click.option("--period", "month", required=True)
@click.option("--version", "number", type=int, default=None, help="Default: the latest.")
def publish_command(month, number):
    """Publish a compiled version (the period's latest)."""
    period = _period(month)
    version = _version(period, number)
    try:
        service.publish(version, "cli")
    except service.ResultsRefused as exc:
        raise click.ClickException(
            {
                "published": _("This version is published already."),
                "not_latest": _("Only the latest version can be published."),
            }[str(exc)]
        ) from exc
    click.echo(_("%(month)s: version %(n)d published.", month=month, n=version.number))


@results_cli.command("export")
@click.option("--period", "month", required=True)
@click.option("--version", "number", type=int, default=None, help="Default: the latest.")
@click.option("--format", "file_format", type=click.Choice([JSON, CSV, XLSX]), default=JSON, show_default=True)
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False))
def export_command(month, number, file_format, path):
    """Write a version's figures (no personal data): JSON, the unit table as CSV, or the workbook."""
    version = _version(_period(month), number)
    if file_format == XLSX:
        workbook.workbook_file(version, path)
    elif file_format == JSON:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(exporting.as_json(version), f, ensure_ascii=False, indent=1)
    else:
        headers, rows = exporting.unit_table(version)
        with open(path, "wb") as f:
            for chunk in csv_chunks(headers, iter(rows)):
                f.write(chunk)
    click.echo(_("Version %(n)d of %(month)s written to %(path)s.", n=version.number, month=month, path=path))

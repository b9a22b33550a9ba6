"""`flask --app run flags compute --period YYYY-MM [--json]`."""

import json

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from models import Period

from . import jobs, service
from .settings import QualitySettingsError

flags_cli = AppGroup("flags", help="Fabrication flags of interviews.")


@flags_cli.command("compute")
@click.option("--period", "month", required=True, help="YYYY-MM: the month the dossiers were returned.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def compute_command(month, as_json):
    """Recompute every fabrication flag of the period's complete interviews."""
    if not Period.valid_month(month):
        raise click.BadParameter(_("The month must be written YYYY-MM, e.g. 2026-10."), param_hint="--period")
    period = Period.get_or_none(Period.month == month)
    if period is None:
        raise click.ClickException(_("No cases were imported for %(month)s.", month=month))
    try:
        report = service.flag_period(period)
    except QualitySettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps({"period": month, **report}, sort_keys=True))
    else:
        click.echo(jobs.summary(period, report))

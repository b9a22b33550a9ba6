"""`flask --app run links issue --period P [--channel email|sms|qr|kiosk] [--json]` and `links lock`."""

import json

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from models import LinkChannels, Period

from . import issuing, service
from .settings import LinkSettingsError

links_cli = AppGroup("links", help="Self-administered survey links: issue, lock.")


@links_cli.command("issue")
@click.option("--period", "month", required=True, help="YYYY-MM: the month the dossiers were returned.")
@click.option(
    "--channel",
    type=click.Choice(LinkChannels.ISSUED),
    default=None,
    help="Only this channel (default: e-mail when the applicant left one, else SMS).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def issue_command(month, channel, as_json):
    """Issue a link for each eligible case of the period that has none (e-mail and SMS go to the outbox)."""
    if not Period.valid_month(month):
        raise click.BadParameter(_("The month must be written YYYY-MM, e.g. 2026-10."), param_hint="--period")
    period = issuing.period_of(month)
    if period is None:
        raise click.ClickException(_("No cases were imported for %(month)s.", month=month))
    try:
        report = issuing.issue(period, channel)
    except LinkSettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    data = report.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo(
        _(
            "%(month)s: %(n)d link(s) issued (%(by)s); %(had)d case(s) had one, %(answered)d answered already, "
            "%(not)d not eligible.",
            month=month,
            n=data["issued_total"],
            by=", ".join(f"{k} {v}" for k, v in data["issued"].items()) or "-",
            had=data["had_link"],
            answered=data["answered"],
            **{"not": sum(data["not_eligible"].values())},
        )
    )


@links_cli.command("lock")
def lock_command():
    """Lock the links whose time is up (the daily job does it too)."""
    locked, closed = service.lock_due()
    click.echo(_("%(n)d link(s) locked, %(c)d closed (answered through another channel).", n=locked, c=closed))

"""`flask --app run links issue --period P [--channel email|sms|qr|kiosk] [--json]`, `links lock`,
`links send`, `links remind` and `links outbox-export [--period P] -o FILE.csv`."""

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from models import LinkChannels, Period

from . import delivery_file, issuing, outbox, reminders, service
from .jobs import send_message
from .settings import LinkSettingsError

links_cli = AppGroup("links", help="Self-administered survey links: issue, lock, send, remind, export the SMS.")


def _period(month):
    if not Period.valid_month(month):
        raise click.BadParameter(_("The month must be written YYYY-MM, e.g. 2026-10."), param_hint="--period")
    period = Period.get_or_none(Period.month == month)
    if period is None:
        raise click.ClickException(_("No cases were imported for %(month)s.", month=month))
    return period


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


@links_cli.command("send")
def send_command():
    """Run one sending pass of the outbox now (the job does it every two minutes)."""
    config = current_app.config
    if not outbox.deliverers(config):
        raise click.ClickException(_("Neither an SMTP server nor an SMS gateway is configured: nothing was sent."))
    click.echo(send_message(outbox.send_pending(config)))


@links_cli.command("remind")
def remind_command():
    """Queue the reminders due now (the daily job does it too); the next sending pass sends them."""
    click.echo(_("%(n)d reminder(s) queued.", n=reminders.queue_reminders()))


@links_cli.command("outbox-export")
@click.option("--period", "month", default=None, help="YYYY-MM: only the SMS of this period.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The CSV file to write.")
def outbox_export_command(month, output):
    """Write the SMS waiting to a CSV file for a bulk-SMS service (phone,message), marking them
    exported: the file holds phones, keep it safe and delete it once delivered."""
    period = _period(month) if month else None
    report = delivery_file.export(current_app.config, output, period)
    click.echo(
        _(
            "%(n)d SMS written to %(file)s (%(s)d not written: the link ended or has no phone).",
            n=report.exported,
            file=output,
            s=report.skipped,
        )
    )

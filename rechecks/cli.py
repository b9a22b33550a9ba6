"""`flask --app run rechecks …`: draw a period's re-check sample, verify it."""

import json
import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from models import Period

from . import service
from .messages import describe, verification_lines
from .settings import RecheckSettingsError

rechecks_cli = AppGroup("rechecks", help="Re-checks (phúc tra) of a survey period's interviews.")


def _period(month):
    period = Period.get_or_none(Period.month == month) if Period.valid_month(month) else None
    if period is None:
        raise click.BadParameter(_("No such period (write the month YYYY-MM, e.g. 2026-10)."), param_hint="--period")
    return period


def _run(step, *args, **kwargs):
    try:
        return step(*args, **kwargs)
    except service.RecheckRefused as exc:
        click.echo(describe(exc), err=True)
        sys.exit(2)
    except RecheckSettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


@rechecks_cli.command("draw")
@click.option("--period", "month", required=True, help="YYYY-MM")
@click.option("--share", type=float, default=None, help="Share of each enumerator's approved interviews (0.1).")
@click.option("--seed", default=None, help="The seed (else a random one, recorded).")
@click.option("--json", "as_json", is_flag=True)
def draw_command(month, share, seed, as_json):
    """Draw the period's re-check sample and give it to the active auditors."""
    made, count = _run(service.draw, _period(month), share, seed)
    if as_json:
        click.echo(json.dumps({"seed": made.seed, "share": made.share, "cases": count, "digest": made.digest}))
        return
    click.echo(_("%(n)d interviews to re-check, drawn with seed %(seed)s.", n=count, seed=made.seed))


@rechecks_cli.command("verify")
@click.option("--period", "month", required=True, help="YYYY-MM")
def verify_command(month):
    """Redraw from the recorded seed and frame; exit 1 unless the stored sample is identical."""
    passed, lines = verification_lines(_run(service.verify, _period(month)))
    for line in lines:
        click.echo(line, err=not passed)
    if not passed:
        sys.exit(1)

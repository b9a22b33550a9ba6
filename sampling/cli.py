"""`flask --app run sample …`: allocate, draw, verify, release, assign."""

import json
import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from peewee import JOIN

from models import Allocation, Assignment, Case, Period, SampleCase, Unit, User

from . import assignment, service
from .messages import describe, verification_lines
from .settings import RULES, merged

sample_cli = AppGroup("sample", help="Sampling of a survey period.")


def _period(month):
    try:
        return Period.for_month(month)
    except ValueError as exc:
        raise click.BadParameter(_("The month must be written YYYY-MM, e.g. 2026-10."), param_hint="--period") from exc


def _run(step, *args, **kwargs):
    try:
        return step(*args, **kwargs)
    except service.SamplingError as exc:
        click.echo(describe(exc), err=True)
        sys.exit(2)


def allocation_rows(period):
    codes = dict(Unit.select(Unit.id, Unit.code).tuples())
    rows = []
    for a in Allocation.of(period):
        rows.append(
            {
                "unit": codes[a.unit_id],
                "cases": a.cases,
                "eligible": a.eligible,
                "excluded": a.excluded_dict(),
                "quota": a.quota,
                "issued": a.issued,
                "reserve": a.reserve,
            }
        )
    return sorted(rows, key=lambda r: r["unit"])


@sample_cli.command("allocate")
@click.option("--period", "month", required=True, help="YYYY-MM")
@click.option("--total", type=click.IntRange(min=0), required=True, help="Interviews to complete this month.")
@click.option("--json", "as_json", is_flag=True)
def allocate_command(month, total, as_json):
    """Compute and store the allocation of a period, and print it."""
    period = _period(month)
    _run(service.allocate_period, period, total)
    rows = allocation_rows(period)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    click.echo(f"{'unit':<10}{'cases':>8}{'eligible':>10}{'quota':>7}{'issued':>8}{'reserve':>9}  excluded")
    for r in rows:
        excluded = ", ".join(f"{k}={v}" for k, v in r["excluded"].items() if v)
        click.echo(
            f"{r['unit']:<10}{r['cases']:>8}{r['eligible']:>10}{r['quota']:>7}{r['issued']:>8}"
            f"{r['reserve']:>9}  {excluded}"
        )
    click.echo(_("Total quota %(q)d of %(t)d.", q=sum(r["quota"] for r in rows), t=total))


@sample_cli.command("draw")
@click.option("--period", "month", required=True)
@click.option("--seed", default=None, help="Recorded on the period; random when not given.")
@click.option("--redo", is_flag=True, help="Replace an existing draw (before any assignment only).")
def draw_command(month, seed, redo):
    """Draw the period's sample (stratified by procedure field within each unit)."""
    period = _period(month)
    count = _run(service.draw, period, seed, redo)
    period = Period.get_by_id(period.id)
    click.echo(_("Drew %(n)d cases with seed %(seed)s.", n=count, seed=period.seed))


@sample_cli.command("verify")
@click.option("--period", "month", required=True)
def verify_command(month):
    """Redraw from the recorded seed and inputs; exit 1 unless the stored sample is identical."""
    passed, lines = verification_lines(_run(service.verify, _period(month)))
    for line in lines:
        click.echo(line, err=not passed)
    if not passed:
        sys.exit(1)


@sample_cli.command("release")
@click.option("--period", "month", required=True)
@click.option("--unit", "unit_code", default=None)
def release_command(month, unit_code):
    """Release reserve, in drawn order, where completes plus open work cannot reach the quota."""
    period = _period(month)
    unit_id = Unit.get(Unit.code == unit_code).id if unit_code else None
    released = _run(service.release, period, unit_id)
    codes = dict(Unit.select(Unit.id, Unit.code).tuples())
    for uid, mode, n in released:
        click.echo(f"{codes[uid]} {mode}: {n}")
    click.echo(_("Released %(n)d reserve cases.", n=sum(n for _u, _m, n in released)))


@sample_cli.command("assign")
@click.option("--period", "month", required=True)
def assign_command(month):
    """Assign the issued, unassigned cases to enumerators, balancing open work."""
    assigned, left = _run(assignment.assign_period, _period(month))
    click.echo(_("Assigned %(n)d cases; %(left)d left without a suitable enumerator.", n=assigned, left=left))


def sample_rows(period):
    """The drawn sample of a period: case code, unit code, mode, sample status (issued, reserve) and the
    login of the enumerator it is assigned to (None when not assigned), by unit, mode and drawn order."""
    logins = dict(User.select(User.id, User.username).tuples())
    query = (
        SampleCase.select(Case.code, Unit.code, SampleCase.mode, SampleCase.status, Assignment.enumerator)
        .join(Case, on=(SampleCase.case == Case.id))
        .switch(SampleCase)
        .join(Unit, on=(SampleCase.unit == Unit.id))
        .switch(SampleCase)
        .join(Assignment, JOIN.LEFT_OUTER, on=(Assignment.sample == SampleCase.id))
        .where(SampleCase.period == period)
        .order_by(Unit.code, SampleCase.mode, SampleCase.rank)
        .tuples()
    )
    return [
        {"case_code": code, "unit": unit, "mode": mode, "status": status, "enumerator": logins.get(enumerator)}
        for code, unit, mode, status, enumerator in query.iterator()
    ]


@sample_cli.command("list")
@click.option("--period", "month", required=True)
@click.option("--json", "as_json", is_flag=True)
def list_command(month, as_json):
    """List the drawn sample: case, unit, mode, status (issued, reserve) and enumerator."""
    if not Period.valid_month(month):
        raise click.BadParameter(_("The month must be written YYYY-MM, e.g. 2026-10."), param_hint="--period")
    period = Period.get_or_none(Period.month == month)
    rows = sample_rows(period) if period else []
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['case_code']:<24}{r['unit']:<10}{r['mode']:<6}{r['status']:<9}{r['enumerator'] or '-'}")
    click.echo(_("%(n)d drawn cases.", n=len(rows)))


__all__ = ["sample_cli", "RULES"]


@sample_cli.command("settings")
@click.option("--period", "month", required=True)
@click.option("--set", "new", default=None, help="JSON merged over the defaults, e.g. '{\"minimum\": 3}'.")
def settings_command(month, new):
    """Show a period's sampling settings, or change them (before the draw)."""
    period = _period(month)
    if new is not None:
        try:
            merged(new)
        except (ValueError, TypeError, KeyError) as exc:
            click.echo(_("Invalid settings: %(error)s", error=str(exc)), err=True)
            sys.exit(2)
        if period.drawn_at:
            click.echo(describe("drawn"), err=True)
            sys.exit(2)
        period.settings = json.dumps(json.loads(new), ensure_ascii=False, sort_keys=True)
        period.save()
    click.echo(json.dumps(merged(period.settings), ensure_ascii=False, indent=1, sort_keys=True))

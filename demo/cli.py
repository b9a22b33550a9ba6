"""`flask --app run demo load`: a realistic demo province, loaded through the importers."""

import datetime
import tempfile

import click
from flask import current_app
from flask.cli import AppGroup

from importing import import_file
from models import Period, Role, Unit, User, audit

from . import data as demo_data
from .fieldwork import load_fieldwork
from .links import counter_example, load_links
from .rechecks import load_rechecks

demo_cli = AppGroup("demo", help="Demo data.")

# username, full name, role, password: for the demo only, refused in production
DEMO_USERS = [
    ("admin", "Quản trị viên", "admin", "demo-admin-2026"),
    ("giamsat", "Trần Thị Giám Sát", "supervisor", "demo-giamsat-2026"),
    ("dtv1", "Nguyễn Văn Điều Tra", "enumerator", "demo-dtv1-2026"),
    ("dtv2", "Lê Thị Phỏng Vấn", "enumerator", "demo-dtv2-2026"),
    ("noivu", "Phạm Minh Nội Vụ", "officer", "demo-noivu-2026"),
    ("phuctra", "Hoàng Văn Phúc Tra", "auditor", "demo-phuctra-2026"),
]


def create_demo_users():
    for username, name, role, password in DEMO_USERS:
        if User.get_or_none(User.username == username) is None:
            user = User(username=username, full_name=name, role=Role.get_by_id(role))
            user.set_password(password)
            user.save()


@demo_cli.command("load")
@click.option("--cases", "case_count", default=55_000, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when units exist already.")
@click.option("--fieldwork/--no-fieldwork", default=True, help="Sample and interview the months (default) or not.")
def load(case_count, if_empty, fieldwork):
    """Generate and import a demo province (units, procedures, cases), demo users and periods."""
    if current_app.config["SIPAS_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production mode.")
    if if_empty and Unit.select().exists():
        click.echo("Demo data already loaded; reusing it.")
        return
    with audit.acting_as("demo-loader", "system", "cli"):
        create_demo_users()
        today = datetime.date.today()
        months = []
        for back in range(3, -1, -1):  # the three months surveyed (cases returned then), and this one
            index = today.year * 12 + today.month - 1 - back
            month = f"{index // 12:04d}-{index % 12 + 1:02d}"
            months.append(Period.get_or_none(Period.month == month) or Period.create(month=month))
        with tempfile.TemporaryDirectory() as folder:
            paths = demo_data.write_province(folder, case_count=case_count, today=today)
            for kind in ("units", "procedures", "cases"):
                report = import_file(kind, paths[kind])
                click.echo(
                    f"{kind}: {report.created} created, {report.updated} updated, "
                    f"{report.rejected_total} rejected, {report.warnings_total} warnings"
                )
        if not fieldwork:
            return
        counts = load_fieldwork(months[:-1])
        click.echo(
            f"fieldwork: {months[0].month} and {months[1].month} finished, {months[2].month} in progress: "
            f"{counts['approved']} interviews approved, {counts['submitted']} awaiting review, "
            f"{counts['rejected']} rejected"
        )
        for index, period in enumerate(months[:-1]):
            links = load_links(Period.get_by_id(period.id), finished=index < len(months) - 2)
            click.echo(f"survey links {period.month}: " + ", ".join(f"{k} {v}" for k, v in sorted(links.items())))
        rechecked = load_rechecks(Period.get_by_id(months[0].id))
        click.echo(f"re-checks {months[0].month}: {rechecked['drawn']} drawn, {rechecked['recorded']} recorded")
        example = counter_example()
        if example:
            click.echo(f"  The counter's survey website: /u/{example[0]} (try the dossier code {example[1]})")

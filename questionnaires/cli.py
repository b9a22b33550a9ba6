"""`flask --app run questionnaire …`: check, import, export, publish, retire."""

import json
import sys

import click
from flask.cli import AppGroup

from . import service, xlsform

questionnaire_cli = AppGroup("questionnaire", help="Questionnaires in XLSForm.")


def _problems(problems, as_json):
    if as_json:
        click.echo(json.dumps({"errors": [p.to_dict() for p in problems]}, ensure_ascii=False))
    for p in problems if not as_json else ():
        where = ", ".join(filter(None, [f"sheet {p.sheet}" if p.sheet else None, f"row {p.row}" if p.row else None]))
        click.echo(f"{where}: {p.reason}" if where else p.reason, err=True)
    sys.exit(2)


@questionnaire_cli.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
def check_command(path, as_json):
    """Check a workbook against the supported subset; exit 2 when anything is outside it."""
    problems = xlsform.check(path)
    if problems:
        _problems(problems, as_json)
    click.echo(json.dumps({"errors": []}) if as_json else "OK")


@questionnaire_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
def import_command(path, as_json):
    """Store a workbook as a new draft version (the same file again changes nothing)."""
    try:
        version, created = service.import_form(path)
    except xlsform.FormProblems as exc:
        _problems(exc.problems, as_json)
    except service.QuestionnaireError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(service.summary(version), ensure_ascii=False))
    else:
        state = "stored as a draft" if created else "already stored, unchanged"
        click.echo(f"{version.questionnaire.form_id} {version.version}: {state}")


@questionnaire_cli.command("export")
@click.argument("form_id")
@click.option("--version", default=None)
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, writable=True))
def export_command(form_id, version, path):
    """Write a stored version back as an XLSForm workbook."""
    try:
        found = service.export_form(form_id, path, version)
    except service.QuestionnaireError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"{found.questionnaire.form_id} {found.version} written to {path}")


def _step(step, form_id, version):
    try:
        done = step(service.find(form_id, version))
    except service.QuestionnaireError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"{done.questionnaire.form_id} {done.version}: {done.status}")


@questionnaire_cli.command("publish")
@click.argument("form_id")
@click.option("--version", required=True)
def publish_command(form_id, version):
    """Publish a draft: new interviews get it, and it never changes."""
    _step(service.publish, form_id, version)


@questionnaire_cli.command("retire")
@click.argument("form_id")
@click.option("--version", required=True)
def retire_command(form_id, version):
    """Retire a published version: no new interview gets it."""
    _step(service.retire, form_id, version)

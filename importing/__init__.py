"""Import of the one-stop system's exports: units, procedures and cases (see FORMATS.md)."""

from . import cli, jobs
from .files import KINDS, ImportRefused, ImportReport, file_sha256, import_file

__all__ = ["KINDS", "ImportRefused", "ImportReport", "file_sha256", "import_file", "init_app", "jobs"]


def init_app(app):
    app.cli.add_command(cli.import_command)

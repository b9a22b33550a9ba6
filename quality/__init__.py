"""Fabrication flags: signs that an interview may not have happened as recorded (too short, a burst of
completes, the same answer down an element, no call attempt, a phone shared between cases, outside
working hours), computed as each interview becomes complete and for a whole period; each in words."""

from . import cli, jobs, rules, service
from .explain import explain, kind_labels
from .service import flag_interview, flag_period

__all__ = ["cli", "explain", "flag_interview", "flag_period", "init_app", "jobs", "kind_labels", "rules", "service"]


def init_app(app):
    app.cli.add_command(cli.flags_cli)

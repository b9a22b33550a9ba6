"""Fieldwork: who collects the data (enumerators' profiles and coverage) and how far it has got."""

from . import alerts, cli, jobs
from .attempts import AttemptRefused, call_order
from .calls import NotYours, record_attempt
from .contacts import reveal_phone
from .enumerators import Enumerator, enumerators, is_absent, set_available
from .interviewing import InterviewRefused
from .progress import unit_progress

__all__ = [
    "AttemptRefused",
    "alerts",
    "init_app",
    "jobs",
    "Enumerator",
    "InterviewRefused",
    "NotYours",
    "call_order",
    "enumerators",
    "is_absent",
    "record_attempt",
    "reveal_phone",
    "set_available",
    "unit_progress",
]


def init_app(app):
    app.cli.add_command(cli.interviews_cli)

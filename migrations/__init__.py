"""Numbered schema migrations (NNNN_name.py, each with `up(migrator, db)`), applied in order."""

from pathlib import Path

from playhouse.migrations import Runner

DIRECTORY = Path(__file__).parent


def runner(database):
    return Runner(database, directory=str(DIRECTORY))


def upgrade(database):
    """Apply every pending migration; return the names applied."""
    return runner(database).up()


def pending(database):
    return [m.name for m in runner(database).status() if not m.applied and m.path]

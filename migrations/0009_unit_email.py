"""A unit's contact e-mail, to which alerts raised by answers are sent."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("unit", "email", CharField(max_length=200, null=True)))

"""Where an interview's answers came from (NULL: led in the app; `file`: imported from a spreadsheet)
and the AAPOR outcome they came with (1.1 complete, 1.2 partial; NULL for the app's, which are 1.1)."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("interview", "source", CharField(max_length=16, null=True)),
        migrator.add_column("interview", "outcome", CharField(max_length=8, null=True)),
    )

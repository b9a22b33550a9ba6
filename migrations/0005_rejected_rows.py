"""An import's rejected rows, kept encrypted in chunks for download until they expire; the import run
says how many were kept and until when."""

from peewee import BlobField, DateTimeField, ForeignKeyField, IntegerField


def up(migrator, db):
    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class ImportRun(Base):
        class Meta:
            table_name = "import_run"

    class RejectedRows(Base):
        import_run = ForeignKeyField(ImportRun, on_delete="CASCADE")
        chunk = IntegerField()
        data = BlobField()
        rows = IntegerField(default=0)
        expires_at = DateTimeField(index=True)

        class Meta:
            table_name = "rejected_rows"
            indexes = ((("import_run", "chunk"), True),)

    db.create_tables([RejectedRows])
    migrator.migrate(
        migrator.add_column("import_run", "rejected_kept", IntegerField(default=0)),
        migrator.add_column("import_run", "rejected_until", DateTimeField(null=True)),
    )

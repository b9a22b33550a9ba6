"""A record of each import: which file, and its report; its state is its job's (JobRun). The rows it
rejected are kept for a while, encrypted, to be downloaded, fixed and imported again."""

import json

from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel
from .jobs import JobRun


class ImportRun(BaseModel):
    job = ForeignKeyField(
        JobRun, null=True, backref="imports", column_name="job_run_id", object_id_name="job_id", on_delete="SET NULL"
    )
    kind = CharField(max_length=16)  # units, procedures, cases
    filename = CharField(max_length=300)
    file_sha256 = CharField(max_length=64, null=True)
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    unchanged = IntegerField(default=0)
    rejected = IntegerField(default=0)
    warnings = IntegerField(default=0)
    report = TextField(null=True)  # JSON: the summary and the rejected rows with reasons
    rejected_kept = IntegerField(default=0)  # rejected rows kept for download (RejectedRows)
    rejected_until = DateTimeField(null=True)  # when they stop being available (then deleted)

    def report_dict(self):
        return json.loads(self.report) if self.report else None

    def rejected_available(self, at):
        """Whether the rejected rows can still be downloaded at time `at`."""
        return bool(self.rejected_kept) and self.rejected_until is not None and at < self.rejected_until

    @classmethod
    def recent(cls, limit=20):
        """The latest imports with their job."""
        return cls.select(cls, JobRun).join(JobRun, on=(cls.job == JobRun.id)).order_by(cls.id.desc()).limit(limit)


class RejectedRows(BaseModel):
    """One chunk of an import's rejected rows: CSV lines (chunk 0: the file's header), encrypted."""

    import_run = ForeignKeyField(ImportRun, backref="rejected_chunks", on_delete="CASCADE")
    chunk = IntegerField()
    data = BlobField()  # models.pii cipher of the chunk's CSV text
    rows = IntegerField(default=0)
    expires_at = DateTimeField(index=True)

    class Meta:
        table_name = "rejected_rows"
        indexes = ((("import_run", "chunk"), True),)

    @classmethod
    def chunk_ids(cls, run):
        """The ids of a run's chunks, header first."""
        query = cls.select(cls.id).where(cls.import_run == run).order_by(cls.chunk)
        return [pk for (pk,) in query.tuples()]

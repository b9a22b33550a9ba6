"""A record of each import: which file, and its report; its state is its job's (JobRun)."""

import json

from peewee import CharField, ForeignKeyField, IntegerField, TextField

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

    def report_dict(self):
        return json.loads(self.report) if self.report else None

    @classmethod
    def recent(cls, limit=20):
        """The latest imports with their job."""
        return cls.select(cls, JobRun).join(JobRun, on=(cls.job == JobRun.id)).order_by(cls.id.desc()).limit(limit)

"""A record of each import: who, what file, and its report."""
import json

from peewee import CharField, DateTimeField, IntegerField, TextField

from .base import BaseModel, now


class ImportRun(BaseModel):
    kind = CharField(max_length=16)  # units, procedures, cases
    filename = CharField(max_length=300)
    file_sha256 = CharField(max_length=64, null=True)
    actor = CharField(max_length=200)
    status = CharField(max_length=16, default="queued")  # queued, running, done, refused, failed
    job_id = CharField(max_length=64, null=True)
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    unchanged = IntegerField(default=0)
    rejected = IntegerField(default=0)
    warnings = IntegerField(default=0)
    message = TextField(null=True)
    report = TextField(null=True)  # JSON: the summary and the rejected rows with reasons
    started_at = DateTimeField(default=now)
    finished_at = DateTimeField(null=True)

    def report_dict(self):
        return json.loads(self.report) if self.report else None

"""One lasting row per background job: what, who, when, state, progress, result."""

import datetime
import json

from peewee import CharField, DateTimeField, FloatField, TextField

from .base import BaseModel, now
from .vocabulary import JobStatus


class JobRun(BaseModel):
    """A background job as its users follow it; written by the worker, read by the back office.

    `params` are what the job function is called with (ids and choices, never personal data)."""

    kind = CharField(max_length=64, index=True)  # JobKinds
    title = CharField(max_length=300)
    params = TextField(default="{}")
    actor = CharField(max_length=200)
    role = CharField(max_length=32)
    status = CharField(max_length=16, default=JobStatus.QUEUED, index=True)
    progress = FloatField(default=0.0)  # 0-100
    message = TextField(null=True)  # the latest progress note, then the result or the error for the user
    summary = TextField(null=True)  # JSON: what the job returned
    error = TextField(null=True)  # for administrators: the exception's type and text
    rq_id = CharField(max_length=64, null=True)
    upload = CharField(max_length=500, null=True)  # a file the job consumes, deleted when it ends
    return_to = CharField(max_length=500, null=True)  # the page to go back to when it ends
    created_at = DateTimeField(default=now, index=True)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    heartbeat_at = DateTimeField(null=True)  # refreshed while a worker runs it

    @property
    def finished(self):
        return self.status in JobStatus.FINISHED

    @property
    def ok(self):
        return self.status == JobStatus.DONE

    def params_dict(self):
        return json.loads(self.params or "{}")

    def summary_dict(self):
        return json.loads(self.summary) if self.summary else None

    @classmethod
    def recent(cls, limit=50):
        return cls.select().order_by(cls.id.desc()).limit(limit)

    @classmethod
    def latest(cls, kind, **params):
        """The latest job of a kind started with these parameters (among its last 100), or None."""
        for run in cls.select().where(cls.kind == kind).order_by(cls.id.desc()).limit(100):
            if all(run.params_dict().get(k) == v for k, v in params.items()):
                return run
        return None

    @classmethod
    def unfinished(cls):
        return cls.select().where(cls.status.in_(JobStatus.UNFINISHED))

    @classmethod
    def failed_since(cls, since):
        return cls.select().where((cls.status == JobStatus.FAILED) & (cls.created_at >= since))

    @classmethod
    def lost(cls, stale_after_seconds, at=None):
        """Running jobs whose worker stopped refreshing their heartbeat."""
        limit = (at or now()) - datetime.timedelta(seconds=stale_after_seconds)
        return cls.select().where(
            (cls.status == JobStatus.RUNNING) & (cls.heartbeat_at.is_null(True) | (cls.heartbeat_at < limit))
        )

    def set_state(self, **values):
        """Write these columns of this row at once (a plain UPDATE: job rows are not survey data)."""
        for name, value in values.items():
            setattr(self, name, value)
        type(self).update(**values).where(type(self).id == self.id).execute()

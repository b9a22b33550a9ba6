"""Lasting job records: one job_run row per background job; an import run points at its job, which
now holds its state (status, message, times, who started it)."""

import datetime
import json

from peewee import CharField, DateTimeField, FloatField, ForeignKeyField, TextField

OLD_IMPORT_COLUMNS = ("actor", "status", "job_id", "message", "started_at", "finished_at")


def up(migrator, db):
    now = datetime.datetime.now

    class Base(db.Model):
        class Meta:
            legacy_table_names = False

    class JobRun(Base):
        kind = CharField(max_length=64, index=True)
        title = CharField(max_length=300)
        params = TextField(default="{}")
        actor = CharField(max_length=200)
        role = CharField(max_length=32)
        status = CharField(max_length=16, default="queued", index=True)
        progress = FloatField(default=0.0)
        message = TextField(null=True)
        summary = TextField(null=True)
        error = TextField(null=True)
        rq_id = CharField(max_length=64, null=True)
        upload = CharField(max_length=500, null=True)
        return_to = CharField(max_length=500, null=True)
        created_at = DateTimeField(default=now, index=True)
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        heartbeat_at = DateTimeField(null=True)

    db.create_tables([JobRun])
    migrator.migrate(
        migrator.add_column(
            "import_run", "job_run_id", ForeignKeyField(JobRun, field=JobRun.id, null=True, on_delete="SET NULL")
        )
    )
    # Each past import becomes a job of kind "import" with its state.
    old = db.execute_sql(
        "SELECT id, kind, filename, actor, status, message, started_at, finished_at, job_id FROM import_run ORDER BY id"
    ).fetchall()
    for run_id, kind, filename, actor, status, message, started, finished, rq_id in old:
        status = status if status in ("done", "refused", "failed") else "failed"
        job = JobRun.create(
            kind="import",
            title=f"{kind}: {filename}"[:300],
            params=json.dumps({"run_id": run_id}),
            actor=actor,
            role="",
            status=status,
            progress=100.0,
            message=message,
            rq_id=rq_id,
            created_at=started,
            started_at=started,
            finished_at=finished or started,
        )
        db.execute_sql(f"UPDATE import_run SET job_run_id = {int(job.id)} WHERE id = {int(run_id)}")
    migrator.migrate(*[migrator.drop_column("import_run", c) for c in OLD_IMPORT_COLUMNS])

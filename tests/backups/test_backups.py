"""`backup create` and `backup restore`: a round trip on each database that brings the data back and
leaves an audit chain `audit verify` accepts, the backup and the restore recorded in it."""

import hashlib
import json
import os
import stat

from backups import service
from models import AuditRecord, BackupEvents, Case, Contact, Period, audit


def _head():
    return audit.head()


def test_round_trip_brings_the_data_back(app, runner, import_month, tmp_path):
    import_month()
    cases_before = Case.select().count()
    contacts_before = Contact.select().count()
    Period.create(month="2026-11", note="kept")
    backup = tmp_path / "out" / "sipas.backup"

    result = runner.invoke(args=["backup", "create", "-o", str(backup)])
    assert result.exit_code == 0, result.output
    data = backup.read_bytes()
    assert str(backup) in result.output and hashlib.sha256(data).hexdigest() in result.output
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    record = AuditRecord.select().where(AuditRecord.action == BackupEvents.BACKUP).get()
    detail = json.loads(record.after)
    assert detail["sha256"] == hashlib.sha256(data).hexdigest() and detail["size"] == len(data)
    assert detail["file"] == "sipas.backup" and detail["audit_seq"] == record.seq - 1
    head_at_backup = (detail["audit_seq"], detail["audit_hash"])

    # changed and removed after the backup
    period = Period.get(Period.month == "2026-11")
    period.note = "changed"
    period.save()
    period.delete_instance()
    Period.create(month="2026-12")
    assert not Period.select().where(Period.month == "2026-11").exists()

    refused = runner.invoke(args=["backup", "restore", str(backup)], input="n\n")
    assert refused.exit_code == 1 and "Nothing was changed" in refused.output
    assert "replaces EVERY table" in refused.output and "Everything written since" in refused.output
    assert Period.select().where(Period.month == "2026-12").exists()

    result = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert Period.get(Period.month == "2026-11").note == "kept"
    assert not Period.select().where(Period.month == "2026-12").exists()
    assert Case.select().count() == cases_before and Contact.select().count() == contacts_before
    restored = AuditRecord.select().order_by(AuditRecord.seq.desc()).first()
    assert restored.action == BackupEvents.RESTORE
    detail = json.loads(restored.after)
    # the restored chain is the backup's: its head then, and the backup's own record (written after it)
    assert (detail["audit_seq"], detail["sha256"]) == (head_at_backup[0], hashlib.sha256(data).hexdigest())
    assert AuditRecord.get(AuditRecord.seq == head_at_backup[0]).hash == head_at_backup[1]

    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_restore_confirmed_interactively(app, runner, tmp_path):
    Period.create(month="2026-11")
    backup = tmp_path / "b"
    assert runner.invoke(args=["backup", "create", "-o", str(backup)]).exit_code == 0
    Period.create(month="2026-12")
    result = runner.invoke(args=["backup", "restore", str(backup)], input="y\n")
    assert result.exit_code == 0, result.output
    assert [p.month for p in Period.select()] == ["2026-11"]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_not_a_backup_is_refused_and_changes_nothing(app, runner, tmp_path):
    Period.create(month="2026-11")
    bogus = tmp_path / "bogus.dump"
    bogus.write_bytes(b"not a backup at all" * 100)
    head = _head()
    result = runner.invoke(args=["backup", "restore", str(bogus), "--yes"])
    assert result.exit_code == 2 and "Error" in result.output
    assert _head() == head and Period.select().count() == 1
    missing = runner.invoke(args=["backup", "restore", str(tmp_path / "nope"), "--yes"])
    assert missing.exit_code == 2 and "No such file" in missing.output


def test_default_file_in_the_instance_folder(app, runner):
    result = runner.invoke(args=["backup", "create"])
    assert result.exit_code == 0, result.output
    folder = os.path.join(app.instance_path, "backups")
    (name,) = os.listdir(folder)
    assert name.startswith("sipas-") and os.path.join(folder, name) in result.output


def test_pg_tools_found_on_path_or_named(app, runner, tmp_path, monkeypatch):
    """PostgreSQL needs pg_dump on PATH (a clear message without it); SQLite needs no tool at all."""
    monkeypatch.setenv("PATH", str(tmp_path))
    result = runner.invoke(args=["backup", "create", "-o", str(tmp_path / "x")])
    if app.config["DATABASE_URL"].startswith("postgresql"):
        assert result.exit_code == 2 and "pg_dump was not found on PATH" in result.output
        assert not (tmp_path / "x").exists()
    else:
        assert result.exit_code == 0 and (tmp_path / "x").exists()


def test_the_database_password_never_reaches_the_command_line():
    """pg_dump and pg_restore get the address without its password (read by every local user with
    `ps`), and the password through their environment."""
    url, env = service._without_password("postgresql://sipas:p%40ss%3Aw0rd@db.local:5433/sipas?sslmode=require")
    assert url == "postgresql://sipas@db.local:5433/sipas?sslmode=require" and "w0rd" not in url
    assert env["PGPASSWORD"] == "p@ss:w0rd"
    same, _env = service._without_password("postgresql://postgres@127.0.0.1:5432/test")
    assert same == "postgresql://postgres@127.0.0.1:5432/test"

"""The audit trail: every change recorded in its transaction, hash-chained, verifiable."""

import json

import pytest
from peewee import IntegrityError

from models import AuditRecord, Period, Unit, UnitLevel, audit, db


def test_model_changes_are_recorded_with_before_and_after(app):
    level = UnitLevel.get(UnitLevel.code == "xa")
    with audit.acting_as("alice", "officer", "web"):
        unit = Unit.create(code="X01", name="UBND xã A", level=level)
        unit.name = "UBND xã B"
        unit.save()
        unit.delete_instance()
    records = list(AuditRecord.select().order_by(AuditRecord.seq))
    assert [r.action for r in records] == ["create", "update", "delete"]
    assert all((r.actor, r.role, r.source, r.model) == ("alice", "officer", "web", "unit") for r in records)
    assert json.loads(records[1].before)["name"] == "UBND xã A"
    assert json.loads(records[1].after)["name"] == "UBND xã B"
    assert records[2].after is None


def test_a_failed_change_leaves_no_record(app):
    Period.create(month="2026-10")
    count = AuditRecord.select().count()
    with pytest.raises(IntegrityError):
        Period.create(month="2026-10")  # unique month
    assert AuditRecord.select().count() == count


def test_saving_without_change_writes_nothing(app):
    period = Period.create(month="2026-10")
    count = AuditRecord.select().count()
    Period.get_by_id(period.id).save()
    assert AuditRecord.select().count() == count


def test_import_from_the_command_line_is_attributed_and_redacted(runner, reference_data, fixture_file):
    runner.invoke(args=["import", "cases", fixture_file("cases.csv")])
    created = list(AuditRecord.select().where(AuditRecord.model == "case"))
    assert len(created) == 6
    assert all(r.actor.startswith("cli:") and r.source == "cli" for r in created)
    after = json.loads(created[0].after)
    assert after["code"] == "HS-0001" and after["digest"] == "[redacted]"
    contacts = list(AuditRecord.select().where(AuditRecord.model == "contact"))
    assert contacts and all(r.actor.startswith("cli:") for r in contacts)
    contact = json.loads(contacts[0].after)
    assert contact["phone_enc"] == contact["name_enc"] == contact["phone_hash"] == "[redacted]"


def test_password_hashes_never_reach_the_trail(app, users):
    text = " ".join((r.after or "") + (r.before or "") for r in AuditRecord.select())
    assert "scrypt" not in text and users["admin"].password_hash not in text


def test_verify_passes_on_an_intact_chain(runner, reference_data):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert str(AuditRecord.select().count()) in result.output


def test_verify_reports_an_altered_record(runner, reference_data, tamper):
    target = AuditRecord.select().order_by(AuditRecord.seq).offset(3).first()
    tamper(f"UPDATE audit_record SET actor = 'mallory' WHERE seq = {target.seq}")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert audit.verify()[2] == audit.Problem("altered", target.seq, None)
    assert f" {target.seq} " in result.output


def test_verify_reports_a_deleted_record(runner, reference_data, tamper):
    tamper("DELETE FROM audit_record WHERE seq = 5")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert audit.verify()[2] == audit.Problem("missing", 5, 6)
    assert " 5 " in result.output


def test_verify_reports_a_rewritten_chain(runner, reference_data, tamper):
    """Recomputing one record's hash to hide an edit breaks the link to the next one."""
    rec = AuditRecord.get(AuditRecord.seq == 2)
    forged = audit.chain_hash(
        rec.seq,
        rec.at,
        "mallory",
        rec.role,
        rec.source,
        rec.action,
        rec.model,
        rec.object_id,
        rec.before,
        rec.after,
        rec.prev_hash,
    )
    tamper(f"UPDATE audit_record SET actor = 'mallory', hash = '{forged}' WHERE seq = 2")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert audit.verify()[2] == audit.Problem("unlinked", 3, 2)
    assert " 3 " in result.output


def test_writing_outside_a_transaction_is_refused(app):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record_many([("create", "unit", "1", None, {})])


def test_a_password_change_is_recorded_without_the_hash(app, users):
    user = users["officer"]
    user.set_password("a-brand-new-password")
    user.save()
    last = AuditRecord.select().order_by(AuditRecord.seq.desc()).first()
    assert (last.action, last.model, last.object_id) == ("update", "user", str(user.id))
    assert json.loads(last.before) == {"password_hash": "[redacted]"}
    assert json.loads(last.after) == {"password_hash": "[redacted]"}


def test_concurrent_writers_keep_one_unbroken_chain(app):
    """Writers in parallel (own connections) serialise on the chain: no fork, no gap."""
    import threading

    errors = []

    def write(thread):
        try:
            with audit.acting_as(f"writer{thread}", "officer", "web"):
                for month in range(1, 13):
                    Period.create(month=f"{2000 + thread}-{month:02d}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=write, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Period.select().count() == 48
    ok, count, problem = audit.verify()
    assert ok and count == 48, problem

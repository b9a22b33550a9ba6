"""Migrations from an empty database, on both backends; the audit table refuses changes."""

import pytest
from peewee import DatabaseError

import migrations
from models import connect_database

EXPECTED_TABLES = {
    "audit_record",
    "case",
    "contact",
    "import_run",
    "period",
    "procedure",
    "role",
    "schema_migration",
    "unit",
    "unit_level",
    "user",
    "allocation",
    "sample_case",
    "enumerator_profile",
    "enumerator_unit",
    "assignment",
    "assignment_event",
    "job_run",
    "security_event",
    "rejected_rows",
    "questionnaire",
    "questionnaire_version",
    "form_rule",
    "call_attempt",
    "interview",
    "alert",
    "disposition",
    "survey_link",
    "link_token",
    "outbox_message",
    "kiosk",
    "interview_flag",
    "answer",
    "result_version",
    "recheck_draw",
    "recheck_case",
}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_from_empty_database(empty_database, backend):
    database = connect_database(empty_database(backend))
    assert database.get_tables() == []
    applied = migrations.upgrade(database)
    assert applied == [
        "0001_initial",
        "0002_sampling",
        "0003_job_runs",
        "0004_security_log",
        "0005_rejected_rows",
        "0006_audit_object_index",
        "0007_questionnaires",
        "0008_interviews",
        "0009_unit_email",
        "0010_interview_source",
        "0011_survey_links",
        "0013_results",
        "0014_result_version_lookup",
        "0015_interview_flags",
        "0016_rechecks",
        "0017_privacy",
        "0019_reveal_index",
        "0020_case_frame_index",
    ]
    assert set(database.get_tables()) == EXPECTED_TABLES
    assert migrations.upgrade(database) == []  # a second run applies nothing
    roles = {r[0] for r in database.execute_sql("SELECT code FROM role").fetchall()}
    assert roles == {"admin", "supervisor", "enumerator", "officer", "auditor"}
    levels = {r[0] for r in database.execute_sql("SELECT code FROM unit_level").fetchall()}
    assert levels == {"so", "xa", "huyen", "nganh_doc", "tinh"}
    database.close()


def test_cli_upgrade(make_app, empty_database, database_url):
    backend = "postgresql" if database_url.startswith("postgres") else "sqlite"
    app = make_app(DATABASE_URL=empty_database(backend))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "0001_initial" in result.output
    assert "up to date" in app.test_cli_runner().invoke(args=["db", "upgrade"]).output


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_record SET actor = 'mallory'",
        "DELETE FROM audit_record",
    ],
)
def test_audit_table_refuses_update_and_delete(app, statement):
    from models import Period, audit, db

    Period.create(month="2026-10")
    with pytest.raises(DatabaseError, match="append-only"), db.atomic():
        db.execute_sql(statement)
    assert audit.verify()[0]


def test_a_case_page_finds_its_audit_records_by_index(app):
    """The records of a sampled case and its assignment are found through the partial index (on SQLite,
    whose planner takes a partial index only when the query repeats its condition)."""
    from models import AuditRecord, db, is_postgres

    sql, params = AuditRecord.of_objects({"assignment": [1, 2], "sample_case": [3]}).sql()
    if is_postgres():
        with db.atomic():
            db.execute_sql("SET LOCAL enable_seqscan = off")  # an empty table: ask whether the index can serve
            plan = " ".join(str(r) for r in db.execute_sql("EXPLAIN " + sql, params).fetchall())
        assert "audit_record_object" in plan
        return
    plan = " ".join(str(r) for r in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "audit_record_object" in plan

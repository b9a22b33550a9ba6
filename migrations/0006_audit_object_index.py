"""The audit records of one sampled case, assignment or other small table found by an index (a case's
page shows them). The two bulk tables, cases and contacts, are left out of it: their million rows a
month would slow every import, and their records are found through the audit trail's filters."""

INDEX = (
    "CREATE INDEX IF NOT EXISTS audit_record_object ON audit_record (model, object_id) "
    "WHERE model NOT IN ('case', 'contact')"
)


def up(migrator, db):
    db.execute_sql(INDEX)

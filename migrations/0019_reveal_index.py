"""The phone reveals of the audit trail found by an index: a phone interview whose phone was never shown
and that has no call attempt is flagged (quality/), and every complete asks. The contact's records are
left out of 0006's index (a million a month at import); the reveals are one per call at most."""

INDEX = "CREATE INDEX IF NOT EXISTS audit_record_reveal ON audit_record (object_id) WHERE action = 'reveal_phone'"


def up(migrator, db):
    db.execute_sql(INDEX)

"""Personal data purge and views: when a period's names, phones and e-mails were purged
(period.purged_at), and an index of the audit records of personal-data views (the auditor's list), partial
so that the bulk writes of cases and contacts do not pay for it."""

from peewee import DateTimeField

VIEW_ACTIONS = ("reveal_phone", "reveal_recheck_contact", "download_rejected_rows", "download_sms_delivery")
INDEX = (
    "CREATE INDEX IF NOT EXISTS audit_record_personal_data_view ON audit_record (seq) "
    "WHERE action IN (" + ", ".join(f"'{a}'" for a in VIEW_ACTIONS) + ")"
)


def up(migrator, db):
    migrator.migrate(migrator.add_column("period", "purged_at", DateTimeField(null=True)))
    db.execute_sql(INDEX)

"""A covering index for the look-up of each period's versions (the public page, the dashboards): on
SQLite a row's large `figures` text sits before `digest` and `published_at`, so reading those from
the table walks each row's overflow pages; the index holds every column the look-up reads."""


def up(migrator, db):
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS result_version_lookup "
        "ON result_version (period_id, number, status, id, digest, published_at)"
    )

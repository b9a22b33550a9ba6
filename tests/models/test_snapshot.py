"""Reads spread over several PostgreSQL connections (models.snapshot) see one snapshot, as one query
would, and leave nothing behind; the sampling frame read that way is the frame read as one query."""

import psycopg2
import pytest

from models import Period, db, is_postgres, now, snapshot
from sampling import eligibility
from sampling.settings import merged

# Spread reads are PostgreSQL's (SQLite reads a frame in one query): these tests run on it alone
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def pg_app(app):
    assert is_postgres()
    return app


def _backends():
    return db.execute_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchone()[0]


def _other_connection():
    database = db.obj
    connection = psycopg2.connect(dbname=database.database, **database.connect_params)
    connection.autocommit = True
    return connection


def test_every_connection_reads_the_snapshot_of_the_first(pg_app, month_data, monkeypatch):
    """A change committed after the read began (here, while the second connection is opened) is seen
    by no statement of the read, whichever connection runs it."""
    joined = snapshot._joined

    def change_then_join(*args):
        other = _other_connection()
        with other.cursor() as cursor:
            cursor.execute('DELETE FROM "contact" WHERE case_id = (SELECT max(case_id) FROM "contact")')
        other.close()
        return joined(*args)

    monkeypatch.setattr(snapshot, "_joined", change_then_join)
    with pg_app.app_context():
        before = db.execute_sql('SELECT count(*) FROM "contact"').fetchone()[0]
        statements = [('SELECT count(*), pg_backend_pid() FROM "contact", pg_sleep(0.02)', ())] * 6
        rows = [row for batch in snapshot.spread_reads(statements) for row in batch]
        assert len({pid for _n, pid in rows}) == snapshot.READERS
        assert [n for n, _pid in rows] == [before] * 6
        assert db.execute_sql('SELECT count(*) FROM "contact"').fetchone()[0] == before - 1  # it was committed


def test_settings_hold_on_every_connection_and_only_for_the_read(pg_app):
    with pg_app.app_context():
        statements = [("SELECT current_setting('enable_sort'), pg_backend_pid(), pg_sleep(0.05)", ())] * 4
        rows = [r for batch in snapshot.spread_reads(statements, {"enable_sort": "off"}) for r in batch]
        assert {setting for setting, _pid, _ in rows} == {"off"}
        assert len({pid for _s, pid, _ in rows}) == snapshot.READERS  # read by that many connections at once
        assert db.execute_sql("SELECT current_setting('enable_sort')").fetchone()[0] == "on"
        assert not db.in_transaction()


def test_an_error_in_one_read_is_raised_and_leaves_no_connection_open(pg_app):
    with pg_app.app_context():
        db.connect(reuse_if_open=True)
        open_before = _backends()
        statements = [("SELECT pg_sleep(0.05)", ())] * 3 + [("SELECT 1 / 0", ())]
        with pytest.raises(psycopg2.errors.DivisionByZero):
            list(snapshot.spread_reads(statements))
        assert not db.in_transaction()
        assert db.execute_sql("SELECT 2").fetchone()[0] == 2  # this connection works on
        assert _backends() == open_before


def test_a_reader_stopped_early_closes_its_connections(pg_app):
    with pg_app.app_context():
        db.connect(reuse_if_open=True)
        open_before = _backends()
        reads = snapshot.spread_reads([("SELECT pg_sleep(0.02)", ())] * 6)
        next(reads)
        reads.close()
        assert not db.in_transaction()
        assert _backends() == open_before


def test_inside_a_transaction_reads_are_not_spread(pg_app):
    with pg_app.app_context():
        with db.atomic():
            assert not snapshot.can_spread()
            with pytest.raises(RuntimeError):
                next(snapshot.spread_reads([("SELECT 1", ())] * 2))
        assert snapshot.can_spread()


def test_the_frame_read_spread_is_the_frame_read_in_one_query(pg_app, month_data):
    with pg_app.app_context():
        period, _ = Period.get_or_create(month="2026-10")
        settings, at = merged(period.settings), now()
        spread = eligibility.build_frame(period, settings, at)
        counted = eligibility.count_frame(period, settings, at)
        with db.atomic():  # one query: the frame of a caller's transaction
            assert not snapshot.can_spread()
            single = eligibility.build_frame(period, settings, at)
            counted_single = eligibility.count_frame(period, settings, at)
    assert spread == single
    assert sum(f.cases for f in spread[0].values()) == sum(sum(c.values()) for c in month_data.values())
    assert len(spread[0]) > 1  # several units, read in several ranges
    assert counted == counted_single
    assert {u: (f.cases, f.eligible, dict(f.excluded)) for u, f in counted.items()} == {
        u: (f.cases, f.eligible, dict(f.excluded)) for u, f in spread[0].items()
    }

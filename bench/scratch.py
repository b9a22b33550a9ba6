"""Scratch databases for the bench scripts: made, migrated and dropped by them."""

import os

import psycopg2
from playhouse.db_url import parse

PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pg_connect(url):
    params = parse(url)
    return psycopg2.connect(
        dbname=params["database"],
        user=params.get("user"),
        host=params.get("host"),
        port=params.get("port"),
        password=params.get("password"),
        connect_timeout=5,
    )


def pg_admin(sql):
    """Run one statement outside a transaction (CREATE/DROP DATABASE) on the bench server."""
    conn = pg_connect(PG_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def pg_available():
    """True, or the reason PostgreSQL cannot be reached."""
    try:
        pg_connect(PG_URL).close()
        return True
    except psycopg2.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)


def scratch_url(backend, folder, name):
    """A fresh, migrated database for `backend`; return its URL."""
    import migrations
    from models import connect_database

    if backend == "sqlite":
        url = "sqlite:///" + os.path.join(folder, f"{name}.db")
    else:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{name}"')
        url = PG_URL.rpartition("/")[0] + "/" + name
    database = connect_database(url)
    migrations.upgrade(database)
    database.close()
    return url

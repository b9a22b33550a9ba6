"""Fixtures: every database test runs on SQLite and on PostgreSQL; jobs use a real Redis and a real rq
worker. Data fixtures (reference data, a month of cases, enumerators) are in factories.py; the browser's in
browser/conftest.py. Tests never import each other or this file: they ask for fixtures."""

import os
import shutil
import subprocess
import sys
import uuid

import psycopg2
import pytest
from playhouse.db_url import parse
from rq import SimpleWorker
from werkzeug.security import generate_password_hash

import migrations
from core.redis_server import PrivateRedis
from models import Roles, connect_database

pytest_plugins = ["factories"]

PG_URL = os.environ.get("SIPAS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = bool(os.environ.get("CI"))
PASSWORD = "correct-horse-battery"
DATA_TABLES = [
    "audit_record",
    "contact",
    "case",
    "import_run",
    "job_run",
    "period",
    "procedure",
    "unit",
    "user",
    "allocation",
    "sample_case",
    "enumerator_profile",
    "enumerator_unit",
    "assignment",
    "assignment_event",
    "security_event",
    "rejected_rows",
    "questionnaire",
    "questionnaire_version",
    "form_rule",
    "call_attempt",
    "interview",
    "alert",
    "survey_link",
    "link_token",
    "outbox_message",
    "kiosk",
    "answer",
    "result_version",
    "interview_flag",
    "recheck_draw",
    "recheck_case",
]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_KEYS = {"SECRET_KEY": "test-secret-key-" + "x" * 32, "PII_KEY": "test-pii-key-" + "y" * 32}


def _pg_available():
    try:
        params = parse(PG_URL)
        psycopg2.connect(
            dbname=params["database"],
            user=params.get("user"),
            host=params.get("host"),
            port=params.get("port"),
            connect_timeout=3,
        ).close()
        return True
    except Exception:
        return False


def pytest_sessionfinish(session, exitstatus):
    """In CI, a skipped test is a failure: both databases and the browser must really run."""
    if IN_CI and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = reporter.stats.get("skipped", []) if reporter else []
        if skipped:
            reporter.write_line(f"CI: {len(skipped)} test(s) skipped; failing the run.", red=True)
            session.exitstatus = 1


@pytest.fixture(scope="session")
def pg_server_url():
    if not _pg_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} (set SIPAS_TEST_POSTGRES)")
    return PG_URL


def _on_server(base_url, *statements):
    """Run statements outside a transaction on the server of `base_url` (CREATE/DROP DATABASE)."""
    params = parse(base_url)
    conn = psycopg2.connect(
        dbname=params["database"], user=params.get("user"), host=params.get("host"), port=params.get("port")
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
    conn.close()


def _scratch_pg_database(base_url, name):
    """Create (or recreate) database `name` on the server of `base_url`; return its URL."""
    _on_server(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    head, _, _ = base_url.rpartition("/")
    return f"{head}/{name}"


def _drop_pg_database(base_url, name):
    _on_server(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def empty_database(request, tmp_path_factory):
    """A factory of empty databases (URL) on the backend named `backend`."""
    created = []

    def make(backend):
        if backend == "sqlite":
            return "sqlite:///" + str(tmp_path_factory.mktemp("empty") / "empty.db")
        base = request.getfixturevalue("pg_server_url")
        name = f"sipas_empty_{os.getpid()}_{len(created)}"
        created.append((base, name))
        return _scratch_pg_database(base, name)

    yield make
    for base, name in created:
        _drop_pg_database(base, name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = connect_database(f"sqlite:///{path}")
    migrations.upgrade(database)
    database.close()
    return path


@pytest.fixture(scope="session")
def pg_test_url(request):
    base = request.getfixturevalue("pg_server_url")
    name = f"sipas_test_{os.getpid()}"
    url = _scratch_pg_database(base, name)
    database = connect_database(url)
    migrations.upgrade(database)
    database.close()
    yield url
    from models import db

    if not db.is_closed() if db.obj is not None else False:
        db.close()
    _drop_pg_database(base, name)


def _truncate_pg(url):
    database = connect_database(url)
    database.connect()
    # Replica mode skips the triggers that keep audit records append-only (superuser only).
    database.execute_sql("SET session_replication_role = replica")
    tables = ", ".join(f'"{t}"' for t in DATA_TABLES)
    database.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A migrated, empty database for one test, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "sipas.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_test_url")
    _truncate_pg(url)
    return url


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL if given, else a private redis-server started for the session."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = PrivateRedis().start()
    yield server.url
    server.stop()


@pytest.fixture
def test_keys():
    """The secrets every test app runs with."""
    return dict(TEST_KEYS)


@pytest.fixture
def make_app(database_url, tmp_path, redis_url):
    from core import create_app
    from models import db

    def make(**overrides):
        config = {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "REDIS_URL": redis_url,
            "RQ_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            **TEST_KEYS,
        }
        config.update(overrides)
        os.environ["SIPAS_INSTANCE"] = str(tmp_path / "instance")
        return create_app(config)

    yield make
    if db.obj is not None and not db.is_closed():
        db.close()


@pytest.fixture
def app(make_app):
    """The app; like in production, each request and command gets its own app context."""
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def password_hash():
    return generate_password_hash(PASSWORD, method="scrypt")


@pytest.fixture
def users(app, password_hash):
    """One user per role, named after the role, all with the same password (see `auth`)."""
    from models import Role, User

    out = {}
    for role in Roles.ALL:
        out[role] = User.create(
            username=role, full_name=f"Test {role}", role=Role.get_by_id(role), password_hash=password_hash
        )
    return out


class AuthActions:
    """Sign in and out through the login form, as flaskr's tests do."""

    password = PASSWORD

    def __init__(self, client):
        self._client = client

    def login(self, username, password=PASSWORD, client=None):
        return (client or self._client).post("/login", data={"username": username, "password": password})

    def logout(self, client=None):
        return (client or self._client).post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def fixture_file():
    """The path of a sample file in tests/fixtures/."""
    return lambda name: os.path.join(ROOT, "tests", "fixtures", name)


@pytest.fixture
def work_jobs(app):
    """Run the app's queue to the end with a real rq worker (burst mode, in this process)."""
    from jobs.queue import connection, queue

    def work():
        with app.app_context():
            SimpleWorker([queue(app)], connection=connection(app)).work(burst=True)

    return work


@pytest.fixture
def worker_env(app):
    """The environment of a `flask worker` subprocess on the test app's database, Redis and queue."""
    config = app.config
    return dict(
        os.environ,
        SIPAS_INSTANCE=app.instance_path,
        **{key: str(config[key]) for key in ("DATABASE_URL", "REDIS_URL", "RQ_QUEUE", "SECRET_KEY", "PII_KEY")},
    )


@pytest.fixture
def rq_worker(worker_env, tmp_path):
    """Real `flask worker` subprocesses, started by `start(**env)`; returns the Popen. Stopped at the end."""
    log = open(tmp_path / "worker.log", "ab")
    procs = []

    def start(**env):
        proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "run", "worker"],
            env={**worker_env, **env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()  # rq: warm shutdown
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()

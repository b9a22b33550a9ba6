"""`/healthz`: 200 when the database, Redis, a worker and the scheduler are alive; 503 naming what is
not; open without a login, and kept out of the request log."""

import logging
import time

from core.logs import RedactingFilter


def _health(client, query=""):
    response = client.get("/healthz" + query)
    return response.status_code, response.get_json()


def test_all_well_with_a_real_worker(app, rq_worker):
    rq_worker()
    client = app.test_client()
    deadline = time.monotonic() + 60
    status, body = _health(client)
    while status != 200 and time.monotonic() < deadline:
        time.sleep(1)
        status, body = _health(client)
    assert status == 200, body
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "redis", "worker", "scheduler"}
    assert body["checks"]["worker"]["alive"] == 1


def test_no_worker_is_named(app):
    status, body = _health(app.test_client())
    assert status == 503
    assert body["failed"] == ["worker", "scheduler"]
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    # what a load balancer asks: this web server's own needs
    status, body = _health(app.test_client(), "?scope=web")
    assert status == 200 and set(body["checks"]) == {"database", "redis"}


def test_redis_unreachable_is_named(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    status, body = _health(app.test_client())
    assert status == 503
    assert body["failed"] == ["redis", "worker", "scheduler"]
    assert body["checks"]["database"]["ok"]
    assert "127.0.0.1" not in str(body)  # the error's kind, not the address
    status, body = _health(app.test_client(), "?scope=web")
    assert status == 503 and body["failed"] == ["redis"]


def test_database_unreachable_is_named(make_app, tmp_path):
    if not make_app().config["DATABASE_URL"].startswith("postgresql"):
        app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/no/such/folder/x.db")
    else:
        app = make_app(DATABASE_URL="postgresql://postgres@127.0.0.1:1/nothing")
    status, body = _health(app.test_client())
    assert status == 503 and "database" in body["failed"]
    assert body["checks"]["redis"]["ok"]


def test_health_checks_stay_out_of_the_request_log():
    keep = RedactingFilter()

    def record(line):
        return logging.LogRecord(
            "werkzeug", logging.INFO, "", 0, "%s - - [%s] %s %s %s", ("127.0.0.1", "x", line, "200", "-"), None
        )

    assert not keep.filter(record('"GET /healthz HTTP/1.1"'))
    assert not keep.filter(record('"GET /healthz?scope=web HTTP/1.1"'))
    assert keep.filter(record('"GET /healthzz HTTP/1.1"')) and keep.filter(record('"GET /admin/ HTTP/1.1"'))

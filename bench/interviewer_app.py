"""The app as `gunicorn run:app` serves it, plus one bare endpoint, for bench/interviewer_load.py and
bench/public_survey_load.py.

`POST /bench/insert` inserts one row into `bench_ping` (a table the bench makes in its scratch
database) in a transaction and answers its id as JSON: the same app, request hooks, session and CSRF
check (the client sends `X-CSRFToken` as it does for the answer save) and the same connection per
request as every page, and no view logic. Served with `PYTHONPATH=.:bench gunicorn 'interviewer_app:build()'`
(DATABASE_URL set to the scratch database); importing this module creates no app.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import jsonify  # noqa: E402

from models import db  # noqa: E402

PING_TABLE_SQL = "CREATE TABLE bench_ping (id BIGSERIAL PRIMARY KEY, pid INTEGER, at TIMESTAMP DEFAULT now())"


def add_bare_route(app):
    @app.route("/bench/insert", methods=["POST"])
    def bench_insert():
        with db.atomic():
            cursor = db.execute_sql("INSERT INTO bench_ping (pid) VALUES (%s) RETURNING id", (os.getpid(),))
            row_id = cursor.fetchone()[0]
        return jsonify(id=row_id)

    return app


def build():
    """The WSGI app: core.create_app() (as run.py) with the bare endpoint."""
    from core import create_app

    return add_bare_route(create_app())

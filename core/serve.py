"""`flask --app run serve`: the web server, a worker with its scheduler, and Redis if none is given."""

import os
import signal
import subprocess
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from demo import DEMO_USERS

from .redis_server import PrivateRedis


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"))
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int)
@click.option("--workers", default=2, type=int, help="Web server processes.")
@with_appcontext
def serve_command(host, port, workers):
    """Run gunicorn and an rq worker until Ctrl-C; start a private redis-server if REDIS_URL is unset."""
    env = dict(os.environ)
    env["DATABASE_URL"] = current_app.config["DATABASE_URL"]
    redis = None
    if not current_app.config.get("REDIS_URL"):
        redis = PrivateRedis().start()
        env["REDIS_URL"] = redis.url
    children = []
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        python = sys.executable
        children.append(subprocess.Popen([python, "-m", "flask", "--app", "run", "worker"], env=env))
        children.append(
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "gunicorn",
                    "--workers",
                    str(workers),
                    "--bind",
                    f"{host}:{port}",
                    "--timeout",
                    "120",
                    "--access-logfile",
                    "-",
                    "--logger-class",
                    "core.logs.RedactingLogger",
                    "run:app",
                ],
                env=env,
            )
        )
        click.echo("")
        click.echo(f"  SIPAS is running at http://{host}:{port}/")
        click.echo(f"  Redis: {'private redis-server on port %d' % redis.port if redis else 'REDIS_URL'}")
        click.echo("  Demo logins (username / password):")
        for username, _name, role, password in DEMO_USERS:
            click.echo(f"    {role:<11} {username:<12} {password}")
        click.echo("  Press Ctrl-C to stop.")
        click.echo("")
        while not stopping:
            if any(c.poll() is not None for c in children):
                click.echo("A child process stopped; shutting down.", err=True)
                break
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if redis:
            redis.stop()
        click.echo("Stopped.")

"""Entry point: `flask --app run …` and the WSGI server (`gunicorn run:app`)."""

from core import create_app

app = create_app()

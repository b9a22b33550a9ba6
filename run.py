"""Entry point: `flask --app run …` and the WSGI server (`gunicorn run:app`)."""
from backoffice import create_app

app = create_app()

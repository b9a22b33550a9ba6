"""The host: the Flask application factory that wires configuration, database, login, jobs, the
user interfaces (back office, interviewer app, public pages) and every domain's commands and jobs."""

import logging
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import backoffice
import backups
import demo
import fieldwork
import importing
import interviewer
import jobs
import links
import models
import privacy
import public
import quality
import questionnaires
import ratelimits
import rechecks
import results
import sampling

from . import auth, cli, config, errors, health, i18n, logs, security


def create_app(overrides=None):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(__name__, instance_path=os.environ.get("SIPAS_INSTANCE") or os.path.join(root, "instance"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.load_config(app.instance_path, overrides))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    hops = app.config["TRUSTED_PROXIES"]
    if hops:  # behind that many reverse proxies: their X-Forwarded-* headers say who and how
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    models.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    ratelimits.init_app(app)
    logs.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    health.init_app(app)
    cli.init_app(app)
    jobs.init_app(app)
    # Domains: their commands and jobs
    importing.init_app(app)
    fieldwork.init_app(app)
    sampling.init_app(app)
    questionnaires.init_app(app)
    links.init_app(app)
    results.init_app(app)
    rechecks.init_app(app)
    quality.init_app(app)
    privacy.init_app(app)
    backups.init_app(app)
    demo.init_app(app)
    # User interfaces
    backoffice.init_app(app)
    interviewer.init_app(app)
    public.init_app(app)
    return app

"""The Flask application factory."""
import logging
import os

from flask import Flask, redirect, url_for
from flask_login import current_user

from . import config as config_module


def create_app(config=None):
    app = Flask(__name__, instance_path=os.environ.get("SIPAS_INSTANCE") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config_module.load_config(app.instance_path, config))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    import models
    from interviewer import bp as interviewer_bp

    from . import admin, auth, cli, errors, i18n, queue, security

    models.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    queue.init_app(app)
    admin.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    app.register_blueprint(interviewer_bp)

    @app.route("/")
    def index():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        if current_user.role_id == "enumerator":
            return redirect(url_for("interviewer.home"))
        return redirect(url_for("admin.index"))

    return app

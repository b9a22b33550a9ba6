"""Vietnamese by default, English on request (?lang=en, remembered in the session)."""

from flask import current_app, has_request_context, request, session
from flask_babel import Babel, get_locale

import formatting

LANGUAGES = ("vi", "en")


def select_locale():
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "vi")
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    return session.get("lang", "vi")


def init_app(app):
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters.update(formatting.FILTERS)  # numbers, dates and times written one way

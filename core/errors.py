"""Error pages in the user's language."""

from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def init_app(app):
    def page(code, title, message):
        return render_template("error.html", code=code, title=title, message=message), code

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return page(400, _("The form has expired"), _("Reload the page and submit the form again."))

    @app.errorhandler(400)
    def bad_request(e):
        if getattr(e, "description", None) == "value":  # core.security.check_request_values
            return page(
                400,
                _("Bad request"),
                _("The address or the form holds a value that is not allowed (too long, or a control character)."),
            )
        return page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(403)
    def forbidden(e):
        return page(403, _("Access denied"), _("Your role does not give access to this page."))

    @app.errorhandler(404)
    def not_found(e):
        return page(404, _("Page not found"), _("This address does not exist."))

    @app.errorhandler(OverflowError)
    def number_too_large(e):  # a forged id in the address, larger than any database column holds
        return page(404, _("Page not found"), _("This address does not exist."))

    @app.errorhandler(500)
    def server_error(e):
        return page(
            500, _("Something went wrong"), _("The error was recorded. Try again, or contact the administrator.")
        )

    @app.errorhandler(429)
    def too_many(e):  # ratelimits: a public page asked too often from one address
        if getattr(e, "response", None) is not None:  # a limit's own answer (core.auth: the sign-in page)
            return e.response
        return page(429, _("Too many attempts"), _("Please wait a minute, then try again."))

    @app.errorhandler(413)
    def too_large(e):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return page(413, _("File too large"), _("The file is larger than the allowed %(mb)d MB.", mb=limit))

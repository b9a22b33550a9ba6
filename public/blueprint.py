"""The public blueprint: pages for anyone, signed in or not, each answered with no-store."""

from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="templates")


def no_store(response):
    """A respondent's page: never kept by the browser's cache or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response

"""Error pages in the service's own style, for every status a person might meet."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from peerchallenge.extensions import db

ERROR_PAGES = {
    400: (
        "There is a problem with your request",
        "Something in what you sent was not right. Go back and try again.",
    ),
    403: (
        "You do not have permission to see this page",
        "If you think you should, ask your regional lead to check your role.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
    ),
    405: (
        "There is a problem with your request",
        "That action cannot be done from here. Go back and try again.",
    ),
    413: (
        "The file is too large",
        "The file you chose is larger than this service accepts. Make it smaller, or save it "
        "without embedded images, and try again.",
    ),
    429: (
        "Too many attempts",
        "You have tried too many times in a short time. Wait a few minutes, then try again.",
    ),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you saved before this has been lost.",
    ),
}


def render_error(status: int, message: str | None = None):
    title, default_message = ERROR_PAGES.get(status, ERROR_PAGES[500])
    body = render_template(
        "errors/error.html", title=title, message=message or default_message, status=status
    )
    return body, status


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "The form had expired or was sent from somewhere else. Go back, refresh the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        page = error.code if error.code in ERROR_PAGES else (400 if error.code < 500 else 500)
        response_body, _ = render_error(page)
        # Keep the status and the exception's own headers, such as Allow on a 405.
        headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
        if error.code == 429:
            headers.setdefault("Retry-After", "60")
        return response_body, error.code, headers

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)

"""Every error a person can meet is the service's own page: right status, plain words, no stack trace."""

import html
import io
import re

import pytest
from flask import abort

from peerchallenge.accounts.models import User
from peerchallenge.extensions import db
from tests import factories

SERVICE_NAME = "Peer challenge"


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def assert_security_headers(response) -> None:
    """The headers every page carries; the page's inline script uses this response's CSP nonce."""
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']*)'", policy).group(1)
    assert len(nonce) >= 16
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def assert_error_page(response, status: int, title: str, message: str | None = None) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = html.unescape(response.get_data(as_text=True))
    assert f"<title>{title} – {SERVICE_NAME}</title>" in page
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in page
    assert "govuk-service-navigation" in page  # the service's own header and layout
    assert "Accessibility statement" in page
    if message:
        assert message in page
    for leak in ("Traceback", 'File "', "werkzeug", "Werkzeug", "sqlalchemy", "Exception"):
        assert leak not in page, leak
    assert_security_headers(response)


def test_page_not_found(client):
    response = client.get("/no-such-page")

    assert_error_page(response, 404, "Page not found", "check you copied all of it")
    assert "Sign in" in response.get_data(as_text=True)


def test_missing_object_for_a_signed_in_user(world, app):
    response = signed_in(app, world.lead).get("/users/999999")

    assert_error_page(response, 404, "Page not found")
    assert "Go to your home page" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_forbidden(world, app):
    response = signed_in(app, world.contributor).get("/admin")

    assert_error_page(
        response,
        403,
        "You do not have permission to see this page",
        "ask your regional lead to check your role",
    )


def test_method_not_allowed_says_which_methods_are(client):
    response = client.get("/sign-out")

    assert_error_page(response, 405, "There is a problem with your request")
    assert "POST" in response.headers["Allow"]


def test_form_without_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post("/sign-in", data={"email": "a@test.example", "password": "anything"})

    assert_error_page(
        response,
        400,
        "There is a problem with your request",
        "The form had expired or was sent from somewhere else. Go back, refresh the page and try again.",
    )


def test_request_too_large(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024

    form = client.post("/sign-in", data={"email": "a@test.example", "password": "x" * 5000})
    upload = client.post("/sign-in", data={"file": (io.BytesIO(b"x" * 5000), "self-assessment.docx")})

    for response in (form, upload):
        assert_error_page(response, 413, "The file is too large", "Make it smaller")


def test_request_too_large_with_csrf_protection_on(app, client):
    # As in production: the CSRF check reads the body first, before the view.
    app.config.update(MAX_CONTENT_LENGTH=1024, WTF_CSRF_ENABLED=True)

    response = client.post("/sign-in", data={"file": (io.BytesIO(b"x" * 5000), "self-assessment.docx")})

    assert_error_page(response, 413, "The file is too large")


def test_too_many_attempts(world, make_site):
    site = make_site(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="1 per minute")
    client = site.test_client()
    assert client.post("/sign-in", data={"email": "a@test.example", "password": "guess"}).status_code == 401

    response = client.post("/sign-in", data={"email": "a@test.example", "password": "guess"})

    assert_error_page(response, 429, "Too many attempts", "Wait a few minutes, then try again.")
    assert int(response.headers["Retry-After"]) > 0


def make_failing_site(make_site):
    """A fresh app with routes that fail, added before its first request."""
    site = make_site(PROPAGATE_EXCEPTIONS=False)

    @site.get("/boom")
    def boom():
        raise RuntimeError("the database password is hunter2")

    @site.get("/duplicate-user")
    def duplicate_user():
        existing = db.session.scalars(db.select(User)).first()
        db.session.add(User(email=existing.email, name="Copy"))
        db.session.flush()  # breaks the unique email: IntegrityError
        return "not reached"

    @site.get("/status/<int:code>")
    def status(code):
        abort(code)

    return site


def test_unexpected_error_shows_no_details(make_site):
    client = make_failing_site(make_site).test_client()

    response = client.get("/boom")

    assert_error_page(
        response,
        500,
        "Sorry, there is a problem with the service",
        "Nothing you saved before this has been lost.",
    )
    page = response.get_data(as_text=True)
    assert "hunter2" not in page
    assert "RuntimeError" not in page


def test_database_error_for_a_signed_in_user_is_rolled_back_and_shown(world, make_site):
    site = make_failing_site(make_site)
    client = signed_in(site, world.lead)

    response = client.get("/duplicate-user")

    assert_error_page(response, 500, "Sorry, there is a problem with the service")
    page = response.get_data(as_text=True)
    assert "Go to your home page" in page  # the page still knows who is signed in
    assert "IntegrityError" not in page
    assert "UNIQUE" not in page.upper()
    assert client.get("/").status_code == 200  # and the next request works
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.name == "Copy")) == 0


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "There is a problem with your request"),
        (401, "There is a problem with your request"),
        (410, "There is a problem with your request"),
        (500, "Sorry, there is a problem with the service"),
        (503, "Sorry, there is a problem with the service"),
    ],
)
def test_every_error_status_gets_a_page_and_keeps_its_status(make_site, code, title):
    client = make_failing_site(make_site).test_client()

    response = client.get(f"/status/{code}")

    assert_error_page(response, code, title)


@pytest.mark.parametrize("path", ["/sign-in", "/accessibility"])
def test_ordinary_pages_carry_the_security_headers(client, path):
    first, second = client.get(path), client.get(path)

    for response in (first, second):
        assert response.status_code == 200
        assert_security_headers(response)
    assert first.headers["Content-Security-Policy"] != second.headers["Content-Security-Policy"]
    assert "Cache-Control" not in first.headers  # nothing private on them

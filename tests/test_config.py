"""Configuration: production's refusals, cookie settings, database URLs and environment overrides."""

import os
import secrets
import subprocess
import sys

import pytest
from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

from config import DEVELOPMENT_SECRET_KEY, check_production_config, normalise_database_url
from peerchallenge import PROJECT_ROOT, create_app
from tests import factories

GOOD_KEY = "0123456789abcdef" * 4
DATABASE = "postgresql://peerchallenge@db.internal:5432/peerchallenge"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Settings in the developer's shell must not leak into these tests."""
    for name in list(os.environ):
        if name.startswith("PEERCHALLENGE_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    "secret_key",
    [None, "", DEVELOPMENT_SECRET_KEY, "too-short-a-key-0123456789", "a" * 40, "abcdefghi" * 4],
    ids=["missing", "empty", "development key", "short key", "one character", "nine characters"],
)
def test_production_refuses_a_missing_or_weak_secret_key(secret_key):
    with pytest.raises(RuntimeError) as error:
        create_app("production", {"SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": DATABASE})

    message = str(error.value)
    assert "SECRET_KEY must be set to a random value of at least 32 characters in production" in message
    assert "secrets.token_hex(32)" in message


def test_production_refuses_to_start_without_a_database_url():
    with pytest.raises(RuntimeError, match="DATABASE_URL must be set in production"):
        create_app("production", {"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": None})


def run_wsgi(**environment) -> subprocess.CompletedProcess:
    """Import wsgi.py in a fresh interpreter, as gunicorn would, with only the given settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("SECRET_KEY", "DATABASE_URL") and not name.startswith("PEERCHALLENGE_")
    }
    env.update(environment)
    return subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", "import wsgi"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_server_does_not_start_without_secret_key_in_the_environment():
    refused = run_wsgi(PEERCHALLENGE_ENV="production", DATABASE_URL=DATABASE)
    started = run_wsgi(PEERCHALLENGE_ENV="production", DATABASE_URL=DATABASE, SECRET_KEY=GOOD_KEY)

    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
    assert started.returncode == 0, started.stderr


def test_production_with_a_good_key_and_database_starts_with_secure_cookies():
    app = create_app("production", {"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": DATABASE})

    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://" + DATABASE.split("://")[1]
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert not app.debug and not app.testing
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert app.config["RATELIMIT_ENABLED"] is True


def test_development_cookies_are_http_only_and_lax_but_not_secure():
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is False
    assert not app.debug


def test_an_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("PEERCHALLENGE_ENV", "staging")

    with pytest.raises(RuntimeError, match="must be one of development, testing, production"):
        create_app(overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_environment_variable_chooses_the_variant(monkeypatch):
    monkeypatch.setenv("PEERCHALLENGE_ENV", "testing")

    app = create_app(overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["ENV_NAME"] == "testing"
    assert app.testing


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@host:5432/db", "postgresql+psycopg://u:p@host:5432/db"),
        ("postgresql://u:p@host:5432/db", "postgresql+psycopg://u:p@host:5432/db"),
        ("postgresql+psycopg://u@host/db", "postgresql+psycopg://u@host/db"),
        ("sqlite:////srv/peerchallenge.sqlite", "sqlite:////srv/peerchallenge.sqlite"),
    ],
)
def test_database_urls_are_pointed_at_psycopg_3(url, expected):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})

    assert normalise_database_url(url) == expected
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected


def test_prefixed_environment_variables_override_the_settings(monkeypatch):
    monkeypatch.setenv("PEERCHALLENGE_MAX_CONTENT_LENGTH", "1048576")
    monkeypatch.setenv("PEERCHALLENGE_SERVICE_NAME", "Eastern peer challenge")
    monkeypatch.setenv("PEERCHALLENGE_SQLALCHEMY_DATABASE_URI", "postgres://u@host/db")

    app = create_app("development")

    assert app.config["MAX_CONTENT_LENGTH"] == 1048576
    assert app.config["SERVICE_NAME"] == "Eastern peer challenge"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@host/db"


def test_production_accepts_its_secret_key_from_a_prefixed_environment_variable(monkeypatch):
    monkeypatch.setenv("PEERCHALLENGE_SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("PEERCHALLENGE_SQLALCHEMY_DATABASE_URI", DATABASE)

    app = create_app("production")

    assert app.config["SECRET_KEY"] == GOOD_KEY


def test_explicit_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("PEERCHALLENGE_SERVICE_NAME", "From the environment")

    app = create_app("testing", {"SERVICE_NAME": "From the code", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["SERVICE_NAME"] == "From the code"


def session_cookie(response) -> str:
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def test_the_session_cookie_after_sign_in_is_http_only_and_lax(world, client):
    response = client.post("/sign-in", data={"email": world.lead.email, "password": factories.PASSWORD})

    assert response.status_code == 302
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_production_sets_a_secure_session_cookie(tmp_path):
    app = create_app(
        "production",
        {"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.sqlite'}"},
    )

    # The sign-in form's CSRF token is kept in the session, so even the first page sets the cookie.
    response = app.test_client().get("/sign-in")

    assert response.status_code == 200
    cookie = session_cookie(response)
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_accepts_a_long_key_with_ten_different_characters():
    app = create_app("production", {"SECRET_KEY": "abcdefghij" * 4, "SQLALCHEMY_DATABASE_URI": DATABASE})

    assert app.config["SECRET_KEY"] == "abcdefghij" * 4


def test_every_key_the_message_suggests_is_accepted():
    # 64 hex digits miss one of the sixteen about one time in four: each of these must still start.
    keys = [secrets.token_hex(32) for _ in range(500)]
    assert any(len(set(key)) < 16 for key in keys)  # about 120 of them
    for key in keys:
        check_production_config({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": DATABASE})  # no error


def test_the_weak_key_message_says_what_a_good_key_is():
    with pytest.raises(RuntimeError, match="at least 10 different characters"):
        create_app("production", {"SECRET_KEY": "a" * 40, "SQLALCHEMY_DATABASE_URI": DATABASE})


def test_production_sends_strict_transport_security_for_a_year_with_subdomains(tmp_path):
    app = create_app(
        "production",
        {"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.sqlite'}"},
    )

    for path in ("/sign-in", "/no-such-page"):
        response = app.test_client().get(path)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("name", ["development", "testing"])
def test_other_environments_send_no_strict_transport_security(name):
    app = create_app(name, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    response = app.test_client().get("/accessibility")

    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_no_proxy_is_trusted_by_default():
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["PROXY_COUNT"] == 0
    assert not isinstance(app.wsgi_app, ProxyFix)


def test_the_proxy_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PEERCHALLENGE_PROXY_COUNT", "2")

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert isinstance(app.wsgi_app, ProxyFix)
    assert (app.wsgi_app.x_for, app.wsgi_app.x_proto) == (2, 2)


def test_behind_a_trusted_proxy_the_forwarded_address_and_scheme_are_used():
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_COUNT": 1})
    seen = {}

    @app.get("/_whoami")
    def whoami():
        seen.update(address=request.remote_addr, scheme=request.scheme)
        return ""

    app.test_client().get(
        "/_whoami",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )

    assert seen == {"address": "203.0.113.9", "scheme": "https"}


@pytest.mark.parametrize("value", ["-1", '"two"', "1.5", "true"])
def test_a_proxy_count_that_is_not_a_whole_number_is_refused(monkeypatch, value):
    monkeypatch.setenv("PEERCHALLENGE_PROXY_COUNT", value)

    with pytest.raises(RuntimeError, match="PEERCHALLENGE_PROXY_COUNT must be a whole number, 0 or more"):
        create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})

"""Configuration: a base class, one variant per environment, then environment overrides.

The variant is chosen by ``PEERCHALLENGE_ENV`` (development, testing or production).
``SECRET_KEY`` and ``DATABASE_URL`` are read as they are; any other setting can be
overridden with a ``PEERCHALLENGE_`` prefix, for example ``PEERCHALLENGE_MAX_CONTENT_LENGTH``.
"""

import os

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"  # noqa: S105
# A random key of 32 characters has far more distinct ones than this; "a" 40 times has one.
MIN_SECRET_KEY_LENGTH = 32
# Ten, not sixteen: the key the message suggests (64 hex digits) lacks one of the 16 digits about one time in
# four, and is never that short of different characters; a key of few characters ("aaaa...") is still refused.
MIN_SECRET_KEY_DISTINCT_CHARACTERS = 10


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SERVICE_NAME = "Peer challenge"
    # The address people reach the service at: emails link to it (they are written outside any request).
    PUBLIC_URL = "http://127.0.0.1:5000"
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    # None means SQLite in the instance folder, filled in by create_app.
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 60 * 60

    SET_PASSWORD_LINK_HOURS = 72
    RATELIMIT_ENABLED = True
    # Each worker counts on its own with memory://; set redis://... so that several workers count together.
    RATELIMIT_STORAGE_URI = "memory://"
    # Failed sign-ins from one address (successful ones are not counted).
    SIGN_IN_RATE_LIMIT = "10 per minute;50 per hour"
    # How many reverse proxies in front of the service add X-Forwarded-For and X-Forwarded-Proto.
    # 0 trusts none: a client could otherwise claim any address and escape the sign-in limit.
    PROXY_COUNT = 0
    # Sent only where set: in production, which is served over HTTPS.
    STRICT_TRANSPORT_SECURITY = ""

    # Email: every message waits in the outbox; `flask mail deliver` sends it when a host is set.
    MAIL_SMTP_HOST = ""  # empty: nothing is sent, messages stay readable in the outbox
    MAIL_SMTP_PORT = 587
    MAIL_SMTP_SECURITY = "starttls"  # "starttls", "tls" (implicit TLS, usually port 465) or "none"
    MAIL_SMTP_USERNAME = ""
    MAIL_SMTP_PASSWORD = ""
    MAIL_SMTP_TIMEOUT = 10  # seconds
    MAIL_FROM = "Peer challenge <peerchallenge@localhost>"

    # Pages a signed-in session asked for, kept by each worker until the data changes
    # (peerchallenge/page_cache.py): at most this much compressed HTML a worker (0 keeps none), each at most
    # this many seconds.
    PAGE_CACHE_BYTES = 16 * 1024 * 1024
    PAGE_CACHE_SECONDS = 300


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def read_environment(config: dict, environ=os.environ) -> None:
    """Take SECRET_KEY and DATABASE_URL from the environment, where hosting platforms put them."""
    if environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = environ["SECRET_KEY"]
    if environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def check_production_config(config: dict) -> None:
    """Refuse to run in production with a missing or weak secret key or no database."""
    key = config.get("SECRET_KEY") or ""
    if (
        key == DEVELOPMENT_SECRET_KEY
        or len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < MIN_SECRET_KEY_DISTINCT_CHARACTERS
    ):
        raise RuntimeError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production, "
            f"with at least {MIN_SECRET_KEY_DISTINCT_CHARACTERS} different characters, "
            'for example: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        raise RuntimeError("DATABASE_URL must be set in production.")


def proxy_count(config: dict) -> int:
    """The number of trusted reverse proxies, checked: a whole number, 0 or more."""
    value = config.get("PROXY_COUNT", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RuntimeError(f"PEERCHALLENGE_PROXY_COUNT must be a whole number, 0 or more, not {value!r}.")
    return value

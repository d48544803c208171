"""The WSGI entry point: ``gunicorn wsgi:app``."""

from peerchallenge import create_app

app = create_app()

"""Tests of the outbox: SMTP delivery to a real server on loopback, and the outbox pages."""

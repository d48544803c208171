"""The outbox: every message the service sends is written here first."""

"""Commands for the outbox."""

from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="Deliver and inspect the outbox.")

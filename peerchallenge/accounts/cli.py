"""`flask users ...`: account tasks for whoever runs the service."""

import click
from flask.cli import AppGroup

from peerchallenge.accounts import services
from peerchallenge.accounts.models import Role
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.argument("name")
@click.password_option(help="The admin's password (asked for if not given).")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator, or make an existing user one."""
    user, created = services.find_user_by_email(email), False
    try:
        if user is None:
            user, created = services.add_user(None, email, name, Role.ADMIN, invite=False)
        elif not user.is_admin:
            services.grant_role(None, user, Role.ADMIN)
        if created:
            services.check_new_password(user, password)
            user.set_password(password)
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"{user.email} is an administrator{' (new account)' if created else ''}.")

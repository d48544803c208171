"""Forms for signing in, passwords and managing users."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from peerchallenge.accounts.models import Role
from peerchallenge.accounts.services import MAX_SALUTATION, MIN_PASSWORD_LENGTH
from peerchallenge.forms import button, text_input
from peerchallenge.widgets import GovPasswordInput, GovRadioInput, GovSelect

# Generous upper bounds: they stop junk, not people.
MAX_PASSWORD_LENGTH = 200
MAX_EMAIL_LENGTH = 254


def _password(label: str, required: str) -> PasswordField:
    """A password that is typed, not chosen: only present and not absurdly long."""
    validators = [InputRequired(required), Length(max=MAX_PASSWORD_LENGTH)]
    return PasswordField(label, widget=GovPasswordInput(), validators=validators)


class SignInForm(FlaskForm):
    email = text_input("Email address", MAX_EMAIL_LENGTH, required="Enter your email address")
    password = _password("Password", "Enter your password")
    submit = button("Sign in")


def _new_password_fields():
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"Use {MIN_PASSWORD_LENGTH} characters or more, for example several words together.",
        validators=[
            InputRequired("Enter a new password"),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters long",
            ),
        ],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )
    return new_password, confirm_password


class SetPasswordForm(FlaskForm):
    new_password, confirm_password = _new_password_fields()
    submit = button("Set password")


class ChangePasswordForm(FlaskForm):
    current_password = _password("Current password", "Enter your current password")
    new_password, confirm_password = _new_password_fields()
    submit = button("Change password")


class AddUserForm(FlaskForm):
    name = text_input("Full name", 150, required="Enter the person's full name")
    email = text_input(
        "Email address",
        MAX_EMAIL_LENGTH,
        required="Enter the person's email address",
        description="If they already have an account, the role is added to it.",
        validators=[
            Email(
                "Enter an email address in the correct format, like name@example.gov.uk",
                check_deliverability=False,
            )
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(role.value, role.label)
            for role in (Role.DIRECTOR, Role.CONTRIBUTOR, Role.MODERATOR, Role.LEAD)
        ],
        validators=[InputRequired("Select a role")],
    )
    authority = SelectField(
        "Authority",
        widget=GovSelect(),
        description="For a director, contributor or moderator: the authority they work for.",
        coerce=int,
        validators=[Optional()],
    )
    submit = button("Add user")


class SalutationForm(FlaskForm):
    salutation = text_input(
        "How to address you in a letter",
        MAX_SALUTATION,
        too_long="How to address you",
        description='What letters say after "Dear", for example Sarah. Leave it empty for your first name.',
    )
    submit = button("Save")

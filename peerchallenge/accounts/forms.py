"""Forms for signing in, passwords and managing users."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from peerchallenge.accounts.models import Role
from peerchallenge.accounts.services import MIN_PASSWORD_LENGTH

# Generous upper bounds: they stop junk, not people.
MAX_PASSWORD_LENGTH = 200


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


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
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    new_password, confirm_password = _new_password_fields()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class AddUserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name"), Length(max=150)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        description="If they already have an account, the role is added to it.",
        validators=[
            InputRequired("Enter the person's email address"),
            Length(max=254),
            Email(
                "Enter an email address in the correct format, like name@example.gov.uk",
                check_deliverability=False,
            ),
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(role.value, role.label) for role in (Role.DIRECTOR, Role.CONTRIBUTOR, Role.LEAD)
        ],
        validators=[InputRequired("Select a role")],
    )
    authority = SelectField(
        "Authority",
        widget=GovSelect(),
        description="For a director or contributor.",
        coerce=int,
        validators=[Optional()],
    )
    submit = SubmitField("Add user", widget=GovSubmitInput())

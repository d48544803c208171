"""Forms for conflicts and delegation."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import BooleanField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from peerchallenge.assignments.services import MAX_REASON


def authority_choices(authorities, prompt: str) -> list[SelectChoice]:
    return [SelectChoice(0, prompt)] + [SelectChoice(a.id, a.name) for a in authorities]


class ConflictForm(FlaskForm):
    first = SelectField(
        "Authority",
        widget=GovSelect(),
        coerce=int,
        validators=[NumberRange(min=1, message="Select the first authority")],
    )
    other = SelectField(
        "Conflicts with",
        widget=GovSelect(),
        coerce=int,
        validators=[NumberRange(min=1, message="Select the authority it conflicts with")],
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        description="For example: one interim director covers both; joint commissioning; a secondment.",
        validators=[
            InputRequired("Enter the reason for the conflict"),
            Length(max=MAX_REASON, message=f"The reason must be {MAX_REASON} characters or fewer"),
        ],
    )
    submit = SubmitField("Record conflict", widget=GovSubmitInput())


class DelegateForm(FlaskForm):
    delegate = SelectField(
        "Contributor",
        widget=GovSelect(),
        coerce=int,
        validators=[NumberRange(min=1, message="Select a contributor")],
    )
    may_submit = BooleanField("They may submit reviews on my behalf", widget=GovCheckboxInput())
    submit = SubmitField("Let them draft reviews", widget=GovSubmitInput())

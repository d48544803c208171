"""Forms for a cycle's details and its template sections."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from peerchallenge.forms import UKDateField


class CycleForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="For example, Eastern Region peer challenge 2026 to 2027.",
        validators=[InputRequired("Enter a title"), Length(max=150)],
    )
    year = IntegerField(
        "Year",
        widget=GovTextInput(),
        description="The year the self-assessments are written in.",
        validators=[
            InputRequired("Enter the year as a number, like 2026"),
            NumberRange(2000, 2100, "Enter a year between 2000 and 2100"),
        ],
    )
    peers_per_authority = IntegerField(
        "Peers per authority",
        widget=GovTextInput(),
        description="How many authorities review each self-assessment (and how many each director reviews).",
        default=2,
        validators=[
            InputRequired("Enter the number of peers per authority"),
            NumberRange(1, 4, "Peers per authority must be between 1 and 4"),
        ],
    )
    opens_on = UKDateField("Opens for submissions", validators=[InputRequired("Enter the opening date")])
    submissions_due_on = UKDateField(
        "Self-assessments due", validators=[InputRequired("Enter the date self-assessments are due")]
    )
    reviews_due_on = UKDateField("Reviews due", validators=[InputRequired("Enter the date reviews are due")])
    letters_due_on = UKDateField("Letters due", validators=[InputRequired("Enter the date letters are due")])
    challenge_event_on = UKDateField(
        "Challenge event (optional)", validators=[Optional()], description="Leave blank if not yet set."
    )
    anonymous = BooleanField(
        "Anonymous reviews: letters say Peer 1 and Peer 2 instead of naming the reviewing authorities",
        widget=GovCheckboxInput(),
    )
    co_reviews_visible_after_submission = BooleanField(
        "Reviewers can read the other peer's review once they have submitted their own",
        widget=GovCheckboxInput(),
        default=True,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class SectionForm(FlaskForm):
    title = StringField(
        "Section title",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the section title"), Length(max=150)],
    )
    guidance = TextAreaField(
        "Guidance for authorities",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Guidance must be 5,000 characters or fewer")],
    )
    suggested_words = IntegerField(
        "Suggested length in words",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(50, 20000, "Enter a number of words between 50 and 20,000")],
    )
    optional = BooleanField("Authorities may leave this section out", widget=GovCheckboxInput())
    submit = SubmitField("Save section", widget=GovSubmitInput())


class ScaleForm(FlaskForm):
    name = StringField(
        "Name of the scale",
        widget=GovTextInput(),
        description="For example, Evidence strength.",
        validators=[InputRequired("Enter the name of the scale"), Length(max=100)],
    )
    question = StringField(
        "Question for reviewers (optional)",
        widget=GovTextInput(),
        description="For example, How far are the judgements backed by evidence?",
        validators=[Length(max=300, message="The question must be 300 characters or fewer")],
    )
    ordered = BooleanField(
        "The levels run from best to worst, so two ratings can be one level apart",
        widget=GovCheckboxInput(),
        description="Leave this unticked for levels that are kinds rather than steps, such as "
        "Over-optimistic and Over-cautious: peers then agree only when they give the same level.",
        default=True,
    )
    submit = SubmitField("Save scale", widget=GovSubmitInput())


class LevelForm(FlaskForm):
    label = StringField(
        "Level",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the level"), Length(max=100)],
    )
    definition = TextAreaField(
        "What it means",
        widget=GovTextArea(),
        description="Reviewers see this beside the level.",
        validators=[Length(max=1000, message="The definition must be 1,000 characters or fewer")],
    )
    submit = SubmitField("Save level", widget=GovSubmitInput())


class SectionRatingsForm(FlaskForm):
    section_ratings_required = BooleanField(
        "Reviewers must rate every section before they submit",
        widget=GovCheckboxInput(),
        description="Otherwise only the overall ratings are required, and section ratings are optional.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

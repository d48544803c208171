"""Forms for the letter template, a letter's text and the authority's response."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextArea
from wtforms import BooleanField, HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from peerchallenge.letters.services import MAX_LETTER, MAX_RESPONSE
from peerchallenge.letters.template import MAX_TEMPLATE_CHARS as MAX_TEMPLATE


class TemplateForm(FlaskForm):
    template = TextAreaField(
        "Letter template",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter the letter template"),
            Length(max=MAX_TEMPLATE, message=f"The template must be {MAX_TEMPLATE:,} characters or fewer"),
        ],
    )
    preview = SubmitField("Preview", widget=GovSubmitInput())
    save = SubmitField("Save template", widget=GovSubmitInput())


class LetterTextForm(FlaskForm):
    body = TextAreaField(
        "Text of the letter",
        widget=GovTextArea(),
        description="Markdown: ## for a heading, - for a bullet, **bold**.",
        validators=[
            InputRequired("Enter the letter's text"),
            Length(max=MAX_LETTER, message=f"The letter must be {MAX_LETTER:,} characters or fewer"),
        ],
    )
    base_version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    submit = SubmitField("Save as a new version", widget=GovSubmitInput())


class ResponseForm(FlaskForm):
    acknowledged = BooleanField(
        "We have read this letter and acknowledge its challenge",
        widget=GovCheckboxInput(),
        description="The regional lead sees who acknowledged it and when.",
    )
    response = TextAreaField(
        "Your response",
        widget=GovTextArea(),
        description="What you will do about each challenge question. Markdown: - for a bullet, **bold**.",
        validators=[
            Length(max=MAX_RESPONSE, message=f"The response must be {MAX_RESPONSE:,} characters or fewer")
        ],
    )
    submit = SubmitField("Save response", widget=GovSubmitInput())

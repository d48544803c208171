"""Forms for the letter template, a letter's text and the authority's response."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput
from wtforms import BooleanField

from peerchallenge.documents.checks import format_size
from peerchallenge.forms import button, text_area, version_fields
from peerchallenge.letters.services import MAX_LETTER, MAX_RESPONSE
from peerchallenge.letters.template import MAX_TEMPLATE_CHARS as MAX_TEMPLATE
from peerchallenge.letters.upload import MAX_LETTER_FILE


class TemplateForm(FlaskForm):
    template = text_area(
        "Letter template", MAX_TEMPLATE, required="Enter the letter template", too_long="The template"
    )
    preview = button("Preview")
    save = button("Save template")


class LetterTextForm(FlaskForm):
    body = text_area(
        "Text of the letter",
        MAX_LETTER,
        required="Enter the letter's text",
        too_long="The letter",
        description="Markdown: ## for a heading, - for a bullet, **bold**.",
    )
    base_version, submit = version_fields()


class ResponseForm(FlaskForm):
    acknowledged = BooleanField(
        "We have read this letter: thank you for your reflections",
        widget=GovCheckboxInput(),
        description="Your peers and the regional lead see who sent thanks and when.",
    )
    response = text_area(
        "What will you do?",
        MAX_RESPONSE,
        too_long="The response",
        description=(
            "What your authority will do in the light of the strengths and areas for consideration. "
            "Markdown: - for a bullet, **bold**."
        ),
    )
    submit = button("Save response")


class WordUploadForm(FlaskForm):
    """The letter edited in Word, uploaded back as a new version (its fields prefixed: it shares a page)."""

    file = FileField(
        "Upload the edited Word file",
        widget=GovFileInput(),
        description=(
            f"A Word file (.docx), up to {format_size(MAX_LETTER_FILE)}. Its text becomes the letter's text, "
            "as a new version: earlier versions are kept."
        ),
        validators=[FileRequired("Select the Word file of the letter")],
    )
    base_version = version_fields()[0]
    submit = button("Upload as a new version")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "word")
        super().__init__(*args, **kwargs)

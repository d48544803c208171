"""Forms for uploading a self-assessment and editing a section."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea
from wtforms import HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from peerchallenge.submissions.services import MAX_SECTION_CHARACTERS


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A Word document (.docx), PDF, Markdown (.md) or plain text (.txt) file, up to 20 MB.",
        validators=[FileRequired("Select the self-assessment file")],
    )
    submit = SubmitField("Upload", widget=GovSubmitInput())


class SectionEditForm(FlaskForm):
    markdown = TextAreaField(
        "Text",
        widget=GovTextArea(),
        description="Markdown: # for a heading, - for a bullet, **bold**. A blank line between paragraphs.",
        validators=[
            Length(
                max=MAX_SECTION_CHARACTERS,
                message=f"The section must be {MAX_SECTION_CHARACTERS:,} characters or fewer",
            ),
        ],
    )
    base_version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    submit = SubmitField("Save as a new version", widget=GovSubmitInput())

"""Forms for uploading a self-assessment and editing a section."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from peerchallenge.forms import button, text_area, version_fields
from peerchallenge.submissions.services import MAX_SECTION_CHARACTERS
from peerchallenge.widgets import GovFileInput


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A Word document (.docx), PDF, Markdown (.md) or plain text (.txt) file, up to 20 MB.",
        validators=[FileRequired("Select the self-assessment file")],
    )
    submit = button("Upload")


class SectionEditForm(FlaskForm):
    markdown = text_area(
        "Text",
        MAX_SECTION_CHARACTERS,
        too_long="The section",
        description="Markdown: # for a heading, - for a bullet, **bold**. A blank line between paragraphs.",
    )
    base_version, submit = version_fields()

"""Forms for the letter template, a letter's text and the authority's response."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField
from wtforms.validators import Length, ValidationError

from peerchallenge.documents.checks import format_size
from peerchallenge.forms import button, number_input, text_area, version_fields
from peerchallenge.letters.choice import MAX_LISTED, PointKind, Row, singular
from peerchallenge.letters.services import (
    MAX_HEADLINE,
    MAX_LETTER,
    MAX_POINT,
    MAX_POINTS,
    MAX_RESPONSE,
    PointChoice,
)
from peerchallenge.letters.template import MAX_TEMPLATE_CHARS as MAX_TEMPLATE
from peerchallenge.letters.upload import MAX_LETTER_FILE
from peerchallenge.widgets import GovCheckboxInput, GovFileInput


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


NO_WORDING = "Write the wording of this point, or untick it"


class PointForm(Form):
    """One row of the compose page: a point of the reviews (or the lead's own), ticked, ordered and worded."""

    key = HiddenField(validators=[Length(max=40)])
    include = BooleanField("Include in the letter", widget=GovCheckboxInput())
    order = number_input("Order in the list (optional)", 1, 99, "Enter an order from 1 to 99")
    text = text_area("Wording", MAX_POINT, too_long="The wording")

    def validate_text(self, field) -> None:
        if self.include.data and not (field.data or "").strip():
            raise ValidationError(NO_WORDING)

    def choice(self) -> PointChoice | None:
        if not self.include.data:
            return None
        return PointChoice(self.text.data or "", self.key.data or None, self.order.data)


# Rows a compose page may post for one kind: the chosen points, the reviews' others listed, the lead's own.
MAX_ROWS = MAX_POINTS + MAX_LISTED + 10


def _points() -> FieldList:
    return FieldList(FormField(PointForm), max_entries=MAX_ROWS)


class ComposeForm(FlaskForm):
    headline = text_area(
        "Headline",
        MAX_HEADLINE,
        too_long="The headline",
        description=(
            "Your judgement of the self-assessment as a whole: its evidence, its brevity (how much is "
            "business as usual) and its self-knowledge, in a few sentences. A blank line starts a new "
            "paragraph."
        ),
    )
    strength = _points()
    consideration = _points()
    enquiry = _points()
    base_version, submit = version_fields()

    def lists(self) -> dict[PointKind, FieldList]:
        return {kind: getattr(self, kind.value) for kind in PointKind}

    def fill(self, headline: str, rows: dict[PointKind, list[Row]], version: int) -> None:
        self.headline.data = headline
        self.base_version.data = version
        for kind, points in self.lists().items():
            for row in rows[kind]:
                points.append_entry(
                    {"key": row.key or "", "include": row.include, "order": row.order, "text": row.text}
                )

    def validate(self, extra_validators=None) -> bool:
        valid: bool = super().validate(extra_validators)
        # Name the point in the message, so that the error summary's links can be told apart (in place: the
        # summary reads the same list).
        for kind, points in self.lists().items():
            for number, entry in enumerate(points, start=1):
                text = entry.form.text
                named = f"Write the wording of {singular(kind)} {number}, or untick it"
                text.errors[:] = [named if error == NO_WORDING else error for error in text.errors]
        return valid

    def choices(self) -> dict[PointKind, list[PointChoice]]:
        return {
            kind: [choice for entry in points if (choice := entry.form.choice()) is not None]
            for kind, points in self.lists().items()
        }


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

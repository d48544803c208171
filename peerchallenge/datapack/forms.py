"""Forms for the data pack, the region's indicators, areas for development and calibration pairs."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from peerchallenge.cycles.defaults import DEFAULT_TEMPLATE
from peerchallenge.datapack.catalogue import Unit
from peerchallenge.datapack.reading import MAX_BYTES
from peerchallenge.forms import button, text_input
from peerchallenge.widgets import GovCheckboxInput, GovFileInput, GovRadioInput, GovTextArea


class PackUploadForm(FlaskForm):
    file = FileField(
        "Upload the data pack",
        widget=GovFileInput(),
        description=(
            f"A CSV file (.csv) or Excel workbook (.xlsx), up to {MAX_BYTES // (1024 * 1024)} MB, "
            "one figure a row."
        ),
        validators=[FileRequired("Select the data pack file")],
    )
    replace = BooleanField("Replace the data pack already loaded for this cycle", widget=GovCheckboxInput())
    submit = button("Upload")


class IndicatorForm(FlaskForm):
    key = text_input(
        "Key",
        40,
        required="Enter a key",
        description="How a file names it: lower case, for example adoption_a1.",
    )
    name = text_input("Name", 150, required="Enter the indicator's name")
    unit = RadioField(
        "Unit",
        widget=GovRadioInput(),
        choices=[SelectChoice(unit.value, unit.label.capitalize()) for unit in Unit],
        validate_choice=False,
        validators=[InputRequired("Choose the indicator's unit")],
    )
    higher_is_better = RadioField(
        "Is a higher value better?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("yes", "Yes"),
            SelectChoice("no", "No, lower is better"),
            SelectChoice("neither", "Neither (a measure of need)"),
        ],
        validate_choice=False,
        validators=[InputRequired("Say whether a higher value is better")],
    )
    section = RadioField(
        "Section it sits beside",
        widget=GovRadioInput(),
        choices=[SelectChoice(section.title, section.title) for section in DEFAULT_TEMPLATE],
        validate_choice=False,
        validators=[InputRequired("Choose the section")],
    )
    words = TextAreaField(
        "Words that name it in a self-assessment",
        widget=GovTextArea(),
        description="One a line, for example: adoption timeliness. The figure check looks for these.",
        validators=[Length(max=2000, message="Keep the words to 2,000 characters")],
    )
    submit = button("Add indicator")


class DevelopmentAreasForm(FlaskForm):
    areas = TextAreaField(
        "Areas for development",
        widget=GovTextArea(),
        description="One area a line, as your self-assessment names it.",
        validators=[Length(max=12000, message="Keep the areas for development to 12,000 characters")],
    )
    submit = button("Save areas for development")


def pair_form(areas: list[str], current: str | None):
    """Which of the self-assessment's areas an area for improvement was: one of them, or none."""

    class PairForm(FlaskForm):
        development = RadioField(
            "Which area for development did the self-assessment name it as?",
            widget=GovRadioInput(),
            choices=[SelectChoice(str(n), area) for n, area in enumerate(areas)]
            + [SelectChoice("none", "None: the self-assessment did not name it")],
            default=str(areas.index(current)) if current in areas else "none",
            validate_choice=False,
            validators=[InputRequired("Choose an area for development, or none")],
        )
        submit = button("Save")

    return PairForm()

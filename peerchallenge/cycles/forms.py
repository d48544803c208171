"""Forms for a cycle's details, its template sections and its rubric."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from peerchallenge.cycles.models import DEFAULT_GROUP_SIZE, AssignmentModel
from peerchallenge.forms import UKDateField, button, number_input, text_area, text_input
from peerchallenge.widgets import GovCheckboxInput, GovRadioInput, GovTextArea, GovTextInput


def _yes_no(value):
    """A cycle's moderation (True or False) as the radio's value; what was posted as it is."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


class CycleForm(FlaskForm):
    title = text_input(
        "Title",
        150,
        required="Enter a title",
        description="For example, Eastern Region peer challenge 2026 to 2027.",
    )
    year = number_input(
        "Year",
        2000,
        2100,
        "Enter a year between 2000 and 2100",
        required="Enter the year as a number, like 2026",
        description="The year the self-assessments are written in.",
    )
    peers_per_authority = number_input(
        "Peers per authority",
        1,
        4,
        "Peers per authority must be between 1 and 4",
        required="Enter the number of peers per authority",
        description="How many authorities review each self-assessment (and how many each director reviews).",
        default=2,
    )
    # Left out of a post (an older form), the model and group size stay as they are.
    assignment_model = RadioField(
        "How peers are assigned",
        widget=GovRadioInput(),
        choices=[SelectChoice(model.value, model.label) for model in AssignmentModel],
        default=AssignmentModel.PAIRS.value,
        validators=[Optional()],
    )
    group_size = IntegerField(
        "Group size",
        widget=GovTextInput(),
        description="In groups: members per group, 3 for triads (one larger where the count requires it).",
        default=DEFAULT_GROUP_SIZE,
        validators=[Optional(), NumberRange(3, 5, "The group size must be between 3 and 5")],
    )
    # Left out of a post (an older form), moderation and the number of moderators stay as they are.
    moderation = RadioField(
        "Moderation",
        widget=GovRadioInput(),
        description="Moderators from the QA and performance teams of other authorities comment on each "
        "signed-off self-assessment's evidence and data accuracy before the peers read it.",
        choices=[SelectChoice("no", "No moderation"), SelectChoice("yes", "Moderate the self-assessments")],
        coerce=_yes_no,
        default="no",
        validators=[Optional()],
    )
    moderators_per_submission = RadioField(
        "Moderators per self-assessment",
        widget=GovRadioInput(),
        choices=[SelectChoice("1", "One"), SelectChoice("2", "Two")],
        default="1",
        validators=[Optional()],
    )
    opens_on = UKDateField("Opens for submissions", validators=[InputRequired("Enter the opening date")])
    submissions_due_on = UKDateField(
        "Self-assessments due", validators=[InputRequired("Enter the date self-assessments are due")]
    )
    moderation_due_on = UKDateField(
        "Moderation due (with moderation only)",
        validators=[Optional()],
        description="After self-assessments are due and before reviews are due.",
    )
    reviews_due_on = UKDateField("Reviews due", validators=[InputRequired("Enter the date reviews are due")])
    letters_due_on = UKDateField("Letters due", validators=[InputRequired("Enter the date letters are due")])
    challenge_event_on = UKDateField(
        "Challenge event (optional)", validators=[Optional()], description="Leave blank if not yet set."
    )
    response_due_on = UKDateField(
        "Responses to the letters due (optional)",
        validators=[Optional()],
        description="When each authority's response to its letter is due. Authorities are reminded.",
    )
    actions_update_due_on = UKDateField(
        "First update of the actions due (optional)",
        validators=[Optional()],
        description="When each authority should have turned its letter into actions and updated them once.",
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
    letter_annex = BooleanField(
        "Letters end with an annex: the peers' ratings and points section by section, on a new page",
        widget=GovCheckboxInput(),
        default=True,
    )
    signatory_name = text_input(
        "Signatory's name (optional)",
        150,
        too_long="The signatory's name",
        description="Someone who signs every letter instead of the peer directors, like the region's chair.",
    )
    signatory_title = text_input(
        "Signatory's title (optional)",
        150,
        too_long="The signatory's title",
        description="For example, Chair, ADCS Eastern Region.",
    )
    submit = button("Save")


class LinesField(TextAreaField):
    """A text area of one item a line; its data is the list of lines."""

    def process_data(self, value):
        self.data = list(value or [])

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = str(valuelist[0]).splitlines()

    def _value(self) -> str:
        return "\n".join(self.data or [])


class SectionForm(FlaskForm):
    title = text_input("Section title", 150, required="Enter the section title")
    guidance = text_area(
        "Guidance for authorities",
        5000,
        too_long="Guidance",
        description="Authors see it where they upload and edit, and reviewers beside the section. "
        "Start a line with a dash (-) to make a list.",
    )
    other_headings = LinesField(
        "Other headings for this section (optional)",
        widget=GovTextArea(),
        description="One a line. A heading in an uploaded self-assessment that matches one of these is "
        "read as this section, for example Early help.",
    )
    suggested_words = number_input(
        "Suggested length in words", 50, 20000, "Enter a number of words between 50 and 20,000"
    )
    optional = BooleanField("Authorities may leave this section out", widget=GovCheckboxInput())
    submit = button("Save section")


class ScaleForm(FlaskForm):
    name = text_input(
        "Name of the scale",
        100,
        required="Enter the name of the scale",
        too_long="The name",
        description="For example, Evidence strength.",
    )
    question = text_input(
        "Question for reviewers (optional)",
        300,
        too_long="The question",
        description="For example, How far are the judgements backed by evidence?",
    )
    ordered = BooleanField(
        "The levels run from best to worst, so two ratings can be one level apart",
        widget=GovCheckboxInput(),
        description="Leave this unticked for levels that are kinds rather than steps, such as "
        "Over-optimistic and Over-cautious: peers then agree only when they give the same level.",
        default=True,
    )
    submit = button("Save scale")


class LevelForm(FlaskForm):
    label = text_input("Level", 100, required="Enter the level", too_long="The level")
    definition = text_area(
        "What it means", 1000, too_long="The definition", description="Reviewers see this beside the level."
    )
    submit = button("Save level")


class SectionRatingsForm(FlaskForm):
    section_ratings_required = BooleanField(
        "Reviewers must rate every section before they submit",
        widget=GovCheckboxInput(),
        description="Otherwise only the overall ratings are required, and section ratings are optional.",
    )
    submit = button("Save")

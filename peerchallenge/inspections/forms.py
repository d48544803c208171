"""Forms for an authority's own grades and for recording an inspection."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import Field, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from peerchallenge.forms import UKDateField
from peerchallenge.inspections.framework import AREA_ORDER, Grade, InspectionKind, JudgementArea
from peerchallenge.inspections.services import grade_field

GRADE_CHOICES = [SelectChoice(grade.value, grade.label) for grade in Grade]
# When Ofsted made each judgement, for the areas it did not always make.
AREA_HINTS = {
    JudgementArea.OVERALL_EFFECTIVENESS: "Inspections before April 2026.",
    JudgementArea.CHILDREN_IN_CARE: "Inspections from January 2023.",
    JudgementArea.CARE_LEAVERS: "Inspections from January 2023.",
    JudgementArea.CHILDREN_IN_CARE_AND_CARE_LEAVERS: "Inspections before January 2023.",
}


def own_grades_form(areas: tuple[JudgementArea, ...], current: dict[JudgementArea, Grade]) -> FlaskForm:
    """A radio group per judgement area; the service checks the values, so a crafted one gets a message."""

    class OwnGradesForm(FlaskForm):
        submit = SubmitField("Save grades", widget=GovSubmitInput())

        def grade_fields(self) -> list[Field]:
            return [self[grade_field(area)] for area in areas]

    for area in areas:
        setattr(
            OwnGradesForm,
            grade_field(area),
            RadioField(
                area.label,
                widget=GovRadioInput(),
                choices=[*GRADE_CHOICES, SelectChoice("", "Not graded yet")],
                default=current[area].value if area in current else "",
                validate_choice=False,
            ),
        )
    return OwnGradesForm()


class InspectionForm(FlaskForm):
    kind = RadioField(
        "Type",
        widget=GovRadioInput(),
        choices=[SelectChoice(kind.value, kind.label) for kind in InspectionKind],
        validate_choice=False,
        validators=[InputRequired("Choose the type of inspection")],
    )
    inspected_on = UKDateField(
        "Date it started",
        description="The first day inspectors were on site, for example 27 3 2025.",
        validators=[InputRequired("Enter the date the inspection started")],
    )
    areas_for_improvement = TextAreaField(
        "Areas for improvement",
        widget=GovTextArea(),
        description="What Ofsted said needs to improve, one area a line.",
        validators=[
            Length(max=40000, message="The areas for improvement must be 40,000 characters or fewer")
        ],
    )
    submit = SubmitField("Save inspection", widget=GovSubmitInput())

    def grade_fields(self) -> list[Field]:
        return [self[grade_field(area)] for area in AREA_ORDER]


for _area in AREA_ORDER:
    setattr(
        InspectionForm,
        grade_field(_area),
        SelectField(
            _area.label,
            widget=GovSelect(),
            description=AREA_HINTS.get(_area, ""),
            choices=[SelectChoice("", "No judgement"), *GRADE_CHOICES],
            validate_choice=False,
        ),
    )

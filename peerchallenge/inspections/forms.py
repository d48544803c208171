"""Forms for an authority's own grades and for recording an inspection."""

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from peerchallenge.forms import UKDateField, button
from peerchallenge.inspections.framework import AREA_ORDER, Grade, InspectionKind, JudgementArea
from peerchallenge.inspections.services import grade_field
from peerchallenge.widgets import GovRadioInput, GovSelect, GovTextArea

GRADE_CHOICES = [SelectChoice(grade.value, grade.label) for grade in Grade]
# When Ofsted made each judgement, for the areas it did not always make.
AREA_HINTS = {
    JudgementArea.OVERALL_EFFECTIVENESS: "Inspections before April 2026.",
    JudgementArea.CHILDREN_IN_CARE: "Inspections from January 2023.",
    JudgementArea.CARE_LEAVERS: "Inspections from January 2023.",
    JudgementArea.CHILDREN_IN_CARE_AND_CARE_LEAVERS: "Inspections before January 2023.",
}


def add_grade_fields(
    form_class: type[FlaskForm],
    areas: tuple[JudgementArea, ...],
    make_field: Callable[[JudgementArea], Field],
) -> None:
    """Give a form class a field per judgement area, named by grade_field, and a grade_fields() method
    listing them in the order of `areas`."""
    for area in areas:
        setattr(form_class, grade_field(area), make_field(area))

    def grade_fields(form: FlaskForm) -> list[Field]:
        return [form[grade_field(area)] for area in areas]

    setattr(form_class, "grade_fields", grade_fields)  # noqa: B010 (a method added to a class made above)


def own_grades_form(areas: tuple[JudgementArea, ...], current: dict[JudgementArea, Grade]) -> FlaskForm:
    """A radio group per judgement area; the service checks the values, so a crafted one gets a message."""

    class OwnGradesForm(FlaskForm):
        submit = button("Save grades")

    def radios(area: JudgementArea) -> RadioField:
        return RadioField(
            area.label,
            widget=GovRadioInput(),
            choices=[*GRADE_CHOICES, SelectChoice("", "Not graded yet")],
            default=current[area].value if area in current else "",
            validate_choice=False,
        )

    add_grade_fields(OwnGradesForm, areas, radios)
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
    submit = button("Save inspection")


def _judgement_select(area: JudgementArea) -> SelectField:
    return SelectField(
        area.label,
        widget=GovSelect(),
        description=AREA_HINTS.get(area, ""),
        choices=[SelectChoice("", "No judgement"), *GRADE_CHOICES],
        validate_choice=False,
    )


add_grade_fields(InspectionForm, AREA_ORDER, _judgement_select)

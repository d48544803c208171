"""The form for an action: what, who owns it, when it is due, the letter's point it answers and its status."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from peerchallenge.actions.models import MAX_OWNER, MAX_REASON, MAX_WHAT, ActionStatus
from peerchallenge.actions.services import ActionFields
from peerchallenge.forms import UKDateField, button, text_area, text_input, version_fields
from peerchallenge.letters.models import Letter
from peerchallenge.widgets import GovRadioInput, GovSelect

NO_POINT = "Choose one of the letter's points, or none"


class PointSelect(SelectField):
    """The letter's point an action answers, by id (0 for none); whether it is the letter's is the service's
    to say, so that anything else sent is refused with the same plain message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(NO_POINT) from None


class CommitmentForm(FlaskForm):
    """What will be done, by whom, by when: an action's first fields, and an action agreed at the challenge
    event."""

    what = text_area(
        "What will be done",
        MAX_WHAT,
        required="Enter what will be done",
        too_long="What will be done",
        description="One action, in a sentence or two.",
    )
    owner = text_input(
        "Owner",
        MAX_OWNER,
        required="Enter who owns the action: a name or a role",
        too_long="The owner",
        description="A name or a role, for example Head of Service, Children in Care.",
    )
    due_on = UKDateField("Due", validators=[InputRequired("Enter the date the action is due")])


class ActionForm(CommitmentForm):
    point_id = PointSelect(
        "The point of the letter it answers", widget=GovSelect(), coerce=int, validate_choice=False
    )
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=[SelectChoice(status.value, status.label) for status in ActionStatus],
        default=ActionStatus.NOT_STARTED.value,
        validate_choice=False,
    )
    dropped_reason = text_area("Why it was dropped (only if dropped)", MAX_REASON, too_long="The reason")
    submit = button("Save action")

    def offer_points(self, letter: Letter) -> None:
        """The letter's chosen points as the choices, after "None of the points"."""
        self.point_id.choices = [SelectChoice(0, "None of the points")] + [
            SelectChoice(point.id, f"{point.kind.label}: {shorten(point.text)}") for point in letter.points
        ]

    def fields(self) -> ActionFields:
        return ActionFields(
            what=self.what.data or "",
            owner=self.owner.data or "",
            due_on=self.due_on.data,
            point_id=self.point_id.data or None,
            status=self.status.data or "",
            dropped_reason=self.dropped_reason.data or "",
        )


class ActionEditForm(ActionForm):
    """The form for changing an action, with the version the page was opened on (two tabs)."""

    base_version = version_fields()[0]
    submit = button("Save changes")


def shorten(text: str, most: int = 90) -> str:
    """A point's text cut at a word to fit a select's line."""
    return text if len(text) <= most else text[:most].rsplit(" ", 1)[0] + "…"

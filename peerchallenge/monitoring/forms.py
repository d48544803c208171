"""Forms of the monitoring pages."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from peerchallenge.actions.models import ActionStatus
from peerchallenge.actions.queries import ActionFilters
from peerchallenge.audit.forms import ListChoiceField
from peerchallenge.cycles.models import Cycle
from peerchallenge.forms import button
from peerchallenge.regions.models import Authority
from peerchallenge.widgets import GovCheckboxInput


class SendRemindersForm(FlaskForm):
    """Send the reminders previewed: the page carries the plan it showed, so a changed plan is not sent."""

    previewed = HiddenField(validators=[InputRequired(), Length(max=64)])
    submit = button("Send reminders")


class ActionFilterForm(FlaskForm):
    """Which of the region's actions the lead's list shows: a GET form, so a filtered list has an address."""

    class Meta:
        csrf = False  # it only reads

    cycle = ListChoiceField("Cycle", coerce=int, default=0, invalid_message="Select a cycle from the list")
    authority = ListChoiceField(
        "Authority", coerce=int, default=0, invalid_message="Select an authority from the list"
    )
    status = ListChoiceField("Status", default="", invalid_message="Select a status from the list")
    overdue = BooleanField(
        "Overdue only: due date passed, neither done nor dropped", widget=GovCheckboxInput()
    )
    submit = button("Show actions")

    def __init__(self, formdata, cycles: list[Cycle], authorities: list[Authority]):
        super().__init__(formdata=formdata)
        self.cycle.choices = [SelectChoice(0, "All cycles")] + [SelectChoice(c.id, c.title) for c in cycles]
        self.authority.choices = [SelectChoice(0, "All authorities")] + [
            SelectChoice(a.id, a.name) for a in authorities
        ]
        self.status.choices = [SelectChoice("", "Any status")] + [
            SelectChoice(status.value, status.label) for status in ActionStatus
        ]

    def filters(self) -> ActionFilters:
        status = next((status for status in ActionStatus if status.value == self.status.data), None)
        return ActionFilters(
            cycle_id=self.cycle.data or None,
            authority_id=self.authority.data or None,
            status=status,
            overdue=bool(self.overdue.data),
        )

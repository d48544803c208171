"""Forms for conflicts and delegation."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput
from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice

from peerchallenge.assignments.services import MAX_REASON
from peerchallenge.forms import button, id_select, text_area


def authority_choices(authorities, prompt: str) -> list[SelectChoice]:
    return [SelectChoice(0, prompt)] + [SelectChoice(a.id, a.name) for a in authorities]


class ConflictForm(FlaskForm):
    first = id_select("Authority", "Select the first authority")
    other = id_select("Conflicts with", "Select the authority it conflicts with")
    reason = text_area(
        "Reason",
        MAX_REASON,
        required="Enter the reason for the conflict",
        too_long="The reason",
        description="For example: one interim director covers both; joint commissioning; a secondment.",
    )
    submit = button("Record conflict")


class DelegateForm(FlaskForm):
    delegate = id_select("Contributor", "Select a contributor")
    may_submit = BooleanField("They may submit reviews on my behalf", widget=GovCheckboxInput())
    submit = button("Let them draft reviews")

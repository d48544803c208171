"""Forms for conflicts, delegation and a peer group's observer and consultant."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired

from peerchallenge.accounts.models import GROUP_ROLES
from peerchallenge.assignments.services import MAX_REASON
from peerchallenge.forms import button, id_select, text_area, text_input
from peerchallenge.widgets import GovCheckboxInput, GovRadioInput


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


class GroupRoleForm(FlaskForm):
    """An observer director or an independent consultant for one peer group."""

    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(role.value, role.label) for role in GROUP_ROLES],
        validators=[InputRequired("Select observer director or independent consultant")],
    )
    name = text_input("Full name", 150, required="Enter the person's full name")
    email = text_input(
        "Email address",
        254,
        required="Enter the person's email address",
        description="If they already have an account, the role is added to it; otherwise they are invited.",
        validators=[
            Email(
                "Enter an email address in the correct format, like name@example.gov.uk",
                check_deliverability=False,
            )
        ],
    )
    submit = button("Add to the group")

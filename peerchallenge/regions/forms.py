"""Forms for a region's name on its letters, and for adding, renaming, merging and splitting authorities."""

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired

from peerchallenge.forms import UKDateField, button, text_input
from peerchallenge.regions.services import MAX_AUTHORITY_NAME, MAX_DISPLAY_NAME, NewAuthority
from peerchallenge.widgets import GovCheckboxesInput, GovSelect


class DisplayNameForm(FlaskForm):
    display_name = text_input(
        "Name on letters",
        MAX_DISPLAY_NAME,
        too_long="The name on letters",
        description="For example, ADCS Eastern Region. Leave it empty to use the region's name.",
    )
    submit = button("Save")


def dfe_code_field() -> StringField:
    return text_input("DfE code", 3, description="3 digits, for example 940", too_long="The DfE code")


def ons_code_field() -> StringField:
    return text_input(
        "ONS code", 9, description="E and 8 digits, for example E06000061", too_long="The ONS code"
    )


class AuthorityForm(FlaskForm):
    name = text_input("Name", MAX_AUTHORITY_NAME, required="Enter the authority's name", too_long="The name")
    dfe_code = dfe_code_field()
    ons_code = ons_code_field()
    authority_type = text_input(
        "Type",
        50,
        description="For example, Unitary authority",
        too_long="The type",
        default="Unitary authority",
    )
    active_from = UKDateField("Active from", validators=[InputRequired("Enter the date it starts")])
    submit = button("Add the authority")


class RenameForm(FlaskForm):
    name = text_input("New name", MAX_AUTHORITY_NAME, required="Enter the new name", too_long="The name")
    submit = button("Rename")


EFFECTIVE_ON = "Date the change takes effect"


class MergeForm(FlaskForm):
    merging = SelectMultipleField(
        "Authorities that merge", coerce=int, widget=GovCheckboxesInput(), description="Choose two or more"
    )
    effective_on = UKDateField(
        EFFECTIVE_ON,
        validators=[InputRequired("Enter the date the change takes effect")],
        description="The merged authorities' last day is the day before.",
    )
    continuing = SelectField(
        "Authority that carries on",
        coerce=int,
        widget=GovSelect(),
        description="One of those that merge, or a new authority entered below",
    )
    new_name = text_input("Name of the new authority", MAX_AUTHORITY_NAME, too_long="The name")
    new_dfe_code = dfe_code_field()
    new_ons_code = ons_code_field()
    submit = button("Merge")


class SplitForm(FlaskForm):
    effective_on = UKDateField(
        EFFECTIVE_ON,
        validators=[InputRequired("Enter the date the change takes effect")],
        description="The authority's last day is the day before; the new authorities start on this day.",
    )
    successor_1_name = text_input("Name of the first new authority", MAX_AUTHORITY_NAME, too_long="The name")
    successor_1_dfe_code = dfe_code_field()
    successor_1_ons_code = ons_code_field()
    successor_2_name = text_input("Name of the second new authority", MAX_AUTHORITY_NAME, too_long="The name")
    successor_2_dfe_code = dfe_code_field()
    successor_2_ons_code = ons_code_field()
    successor_3_name = text_input(
        "Name of a third new authority (optional)", MAX_AUTHORITY_NAME, too_long="The name"
    )
    successor_3_dfe_code = dfe_code_field()
    successor_3_ons_code = ons_code_field()
    submit = button("Split")

    def typed_successors(self, authority_type: str) -> list[NewAuthority]:
        """The new authorities typed, leaving out any left wholly empty."""
        typed = [
            NewAuthority(
                getattr(self, f"successor_{number}_name").data or "",
                getattr(self, f"successor_{number}_dfe_code").data or "",
                getattr(self, f"successor_{number}_ons_code").data or "",
                authority_type,
            )
            for number in (1, 2, 3)
        ]
        return [new for new in typed if (new.name + new.dfe_code + new.ons_code).strip()]

"""The form for a region's name on its letters."""

from flask_wtf import FlaskForm

from peerchallenge.forms import button, text_input
from peerchallenge.regions.services import MAX_DISPLAY_NAME


class DisplayNameForm(FlaskForm):
    display_name = text_input(
        "Name on letters",
        MAX_DISPLAY_NAME,
        too_long="The name on letters",
        description="For example, ADCS Eastern Region. Leave it empty to use the region's name.",
    )
    submit = button("Save")

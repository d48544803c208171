"""The themes' forms: a theme's terms, the quotes setting, an ask or offer."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from peerchallenge.forms import button, text_area, version_fields
from peerchallenge.themes.lexicon import MAX_TERM_LENGTH, MAX_TERMS, THEME_KEYS, THEME_NAMES
from peerchallenge.themes.models import MAX_ASK_TEXT, AskKind
from peerchallenge.widgets import GovCheckboxesInput, GovRadioInput


class TermsForm(FlaskForm):
    terms = text_area(
        "Terms, one a line",
        MAX_TERMS * (MAX_TERM_LENGTH + 1),
        required="Enter at least one term",
        too_long="The terms",
        description="Whole words and phrases. A plural or possessive matches too; end a word with * to match "
        "any ending (recruit* matches recruitment). A term in capitals (SEND) matches only in capitals.",
    )
    base_version, submit = version_fields()


class QuotesForm(FlaskForm):
    named = BooleanField()
    submit = button("Save")


class AskOfferForm(FlaskForm):
    kind = RadioField(
        "Is it an ask or an offer?",
        choices=[SelectChoice(kind.value, kind.label) for kind in AskKind],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose ask or offer")],
    )
    text = text_area("What you ask or offer", MAX_ASK_TEXT, required="Enter the ask or offer", too_long="It")
    themes = SelectMultipleField(
        "Themes",
        choices=[SelectChoice(key, THEME_NAMES[key]) for key in THEME_KEYS],
        widget=GovCheckboxesInput(),
        description="Asks and offers are matched on their themes.",
    )
    submit = button("Save")

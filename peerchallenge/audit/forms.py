"""The audit log's filters: a GET form, so a filtered view has an address that can be shared or bookmarked."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError

from peerchallenge.audit.queries import EventFilters
from peerchallenge.forms import UKDateField
from peerchallenge.widgets import GovSelect, GovTextInput

FILTER_NAMES = ("authority", "user", "kind", "from_date", "to_date")
FIRST_YEAR, LAST_YEAR = 2000, 2100

KIND_LABELS = {
    "signed_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "audit_exported": "Audit log exported",
    "submission_downloaded": "Self-assessment downloaded",
    "letter_downloaded": "Letter downloaded",
    "pack_downloaded": "Scrutiny pack downloaded",
}


def kind_label(kind: str) -> str:
    """A kind of event in words, such as 'Role granted' for role_granted."""
    return KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()


class ListChoiceField(SelectField):
    """A select that accepts only its choices; anything else typed into the address is a form error."""

    def __init__(self, label, *, invalid_message: str, **kwargs):
        super().__init__(label, widget=GovSelect(), **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist[:1])
        except ValueError as error:
            raise ValueError(self.invalid_message) from error

    def pre_validate(self, form):
        if self.process_errors:
            return
        if self.data not in {_choice_value(choice) for choice in self.choices}:
            raise ValidationError(self.invalid_message)


def _choice_value(choice):
    """A choice's value, given as a SelectChoice or as the (value, label) pair WTForms still accepts."""
    return choice.value if isinstance(choice, SelectChoice) else choice[0]


def _optional_date(form, field) -> None:
    # Optional() would ignore a date with only the day left blank; this stops only when all three are.
    if not any(field.raw_data or []):
        field.errors[:] = []
        raise StopValidation()


def _printable(form, field) -> None:
    if field.data and not field.data.isprintable():
        raise ValidationError("Enter a name or email address using letters, numbers and punctuation only")


def _year_in_range(form, field) -> None:
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"{field.label.text} must be between the years {FIRST_YEAR} and {LAST_YEAR}")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # it only reads

    authority = ListChoiceField(
        "Authority", coerce=int, default=0, invalid_message="Select an authority from the list"
    )
    user = StringField(
        "Person",
        widget=GovTextInput(),
        description="Name or email address, or part of one.",
        validators=[Length(max=254, message="Enter 254 characters or fewer"), _printable],
    )
    kind = ListChoiceField(
        "Kind of event", default="", invalid_message="Select a kind of event from the list"
    )
    from_date = UKDateField(
        "From date", validators=[_optional_date, _year_in_range], description="For example, 27 3 2026"
    )
    to_date = UKDateField(
        "To date", validators=[_optional_date, _year_in_range], description="Includes this day."
    )

    def __init__(self, formdata, authorities: list[tuple[int, str]], kinds: list[str]):
        super().__init__(formdata=formdata)
        self.authority.choices = [(0, "All authorities"), *authorities]
        self.kind.choices = [("", "All kinds")] + [(kind, kind_label(kind)) for kind in kinds]

    def validate(self, extra_validators=None) -> bool:
        valid: bool = super().validate(extra_validators)
        if valid and self.from_date.data and self.to_date.data and self.to_date.data < self.from_date.data:
            self.to_date.errors.append("The to date must be the same as or after the from date")
            return False
        return valid

    def filters(self) -> EventFilters:
        return EventFilters(
            authority_id=self.authority.data or None,
            user=(self.user.data or "").strip(),
            kind=self.kind.data or "",
            from_day=self.from_date.data,
            to_day=self.to_date.data,
        )

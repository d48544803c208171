"""The event's forms: its details, a session's times and chair, a note, an agreed action, the outcome note."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from peerchallenge.actions.forms import CommitmentForm, shorten
from peerchallenge.events.models import MAX_LINK, MAX_NOTE, MAX_OUTCOME, MAX_PLACE, EventSession
from peerchallenge.events.queries import AgendaItem
from peerchallenge.events.services import AgreedFields, EventDetails
from peerchallenge.forms import UKDateField, button, text_area, text_input, version_fields
from peerchallenge.widgets import GovSelect


class EventForm(FlaskForm):
    held_on = UKDateField(
        "Date",
        validators=[InputRequired("Enter the date of the event")],
        description="The cycle's challenge event date changes with it.",
    )
    place = text_input(
        "Place",
        MAX_PLACE,
        too_long="The place",
        description="The venue and its address, if the event meets in person.",
    )
    online_link = text_input(
        "Online link",
        MAX_LINK,
        too_long="The online link",
        description="If people join online: the meeting's full web address, starting https://.",
    )
    submit = button("Save the event")

    def details(self) -> EventDetails:
        return EventDetails(self.held_on.data, self.place.data or "", self.online_link.data or "")


class LenientSelect(SelectField):
    """A select whose value the service checks, so that anything else sent gets the service's message (a
    value that is not even of the choices' type is sent on as one no choice has)."""

    def __init__(self, *args, junk: Any = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.junk = junk

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = self.junk


class SessionForm(FlaskForm):
    starts_at = text_input(
        "Starts",
        5,
        required="Enter the start time",
        too_long="The start time",
        description="A time of day, like 09:30.",
    )
    ends_at = text_input(
        "Ends",
        5,
        required="Enter the end time",
        too_long="The end time",
        description="A time of day after the start, like 10:45.",
    )
    chair_id = LenientSelect("Chair", widget=GovSelect(), coerce=int, validate_choice=False, junk=-1)
    base_version, _ = version_fields()
    submit = button("Save the session")

    def offer_chairs(self, session: EventSession, directors) -> None:
        self.chair_id.choices = [SelectChoice(0, "The regional lead")] + [
            SelectChoice(user.id, user.name) for user in directors
        ]


class NoteForm(FlaskForm):
    text = text_area("Note", MAX_NOTE, required="Enter the note", too_long="The note")
    base_version, _ = version_fields()
    submit = button("Save the note")


class AgreedActionForm(CommitmentForm):
    answers = LenientSelect("The key line of enquiry it answers", widget=GovSelect(), validate_choice=False)
    submit = button("Add the agreed action")

    def offer_answers(self, items: list[AgendaItem]) -> None:
        choices = []
        for item in items:
            choices += [
                SelectChoice(f"p-{point.id}", f"{item.authority.name}: {shorten(point.text)}")
                for point in item.points
            ]
            choices.append(
                SelectChoice(f"a-{item.authority.id}", f"{item.authority.name}: no key line in particular")
            )
        self.answers.choices = choices

    def fields(self) -> AgreedFields:
        return AgreedFields(
            self.answers.data or "", self.what.data or "", self.owner.data or "", self.due_on.data
        )


class OutcomeForm(FlaskForm):
    body = text_area(
        "Outcome note",
        MAX_OUTCOME,
        required="Enter the outcome note",
        too_long="The outcome note",
        description="In Markdown: ## for a heading, - for a list item, | for a table.",
    )
    base_version, submit = version_fields()

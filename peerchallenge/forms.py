"""Form pieces shared by features, and running a service from a form."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import abort, flash, redirect, render_template, request
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.extensions import db
from peerchallenge.widgets import (
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)

T = TypeVar("T")
F = TypeVar("F", bound=FlaskForm)


class UKDateField(DateField):
    """A date typed as day, month and year in three boxes; junk or missing parts are a form error."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        # The widget expects exactly three parts; a crafted form may send any number.
        parts = [str(value).strip()[:10] for value in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        try:
            super().process_formdata([" ".join(parts)])
        except ValueError as error:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026") from error


def _length_checks(max_length: int, *, required: str | None = None, too_long: str | None = None) -> list:
    """Validators for typed text: present (with this message) if `required`, at most `max_length` characters.

    `too_long` names the text in the message, "The reason" giving "The reason must be 500 characters or
    fewer"; without it WTForms words the message.
    """
    message = f"{too_long} must be {max_length:,} characters or fewer" if too_long else None
    present = [InputRequired(required)] if required else []
    return [*present, Length(max=max_length, message=message)]


def text_input(
    label: str, max_length: int, *, required: str | None = None, too_long: str | None = None, **kwargs
) -> StringField:
    """A one-line text box; `validators` adds checks after the length."""
    checks = _length_checks(max_length, required=required, too_long=too_long) + kwargs.pop("validators", [])
    return StringField(label, widget=GovTextInput(), validators=checks, **kwargs)


def text_area(
    label: str, max_length: int, *, required: str | None = None, too_long: str | None = None, **kwargs
) -> TextAreaField:
    """A text area for longer text."""
    checks = _length_checks(max_length, required=required, too_long=too_long)
    return TextAreaField(label, widget=GovTextArea(), validators=checks, **kwargs)


def id_select(label: str, required: str, **kwargs) -> SelectField:
    """A select of records by id; its first choice, id 0, is a prompt that counts as nothing chosen."""
    validators = [NumberRange(min=1, message=required)]
    return SelectField(label, widget=GovSelect(), coerce=int, validators=validators, **kwargs)


class WholeNumberField(IntegerField):
    """A whole number; anything else typed ("first", "2.5") is refused with the field's own message."""

    def __init__(self, label=None, validators=None, *, not_a_number: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.not_a_number = not_a_number

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.not_a_number) from None


def number_input(
    label: str, minimum: int, maximum: int, out_of_range: str, *, required: str | None = None, **kwargs
) -> IntegerField:
    """A whole number in a range; optional unless `required` gives the message for a missing one."""
    present = InputRequired(required) if required else Optional()
    validators = [present, NumberRange(minimum, maximum, out_of_range)]
    return WholeNumberField(
        label, widget=GovTextInput(), validators=validators, not_a_number=out_of_range, **kwargs
    )


def button(label: str) -> SubmitField:
    """A GOV.UK button that submits the form."""
    return SubmitField(label, widget=GovSubmitInput())


def version_fields() -> tuple[IntegerField, SubmitField]:
    """The end of a form saved through `save_edit`: the hidden version the page was opened on, the button."""
    base_version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    return base_version, button("Save as a new version")


def prefilled(form_class: type[F], **values) -> F:
    """A form for changing a record: its current `values` on the first view, what was typed on a POST."""
    form: F = form_class(data=None if request.method == "POST" else values)
    return form


class ConfirmForm(FlaskForm):
    """An empty form: a button with CSRF protection, for confirmations and one-click actions."""

    submit = button("Confirm")


def show_service_error(form, error) -> None:
    """Show a service's refusal on the field it concerns, or at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@dataclass
class Outcome(Generic[T]):
    """What running a service for a request gave: its result, or the refusal the person was shown."""

    value: T | None = None
    error: ServiceError | None = None

    def __bool__(self) -> bool:
        return self.error is None


def run_service(
    action: Callable[[], T],
    done_message: str | None = None,
    form=None,
    *,
    show_error: bool = True,
    commit_on: tuple[type[ServiceError], ...] = (),
) -> Outcome[T]:
    """Run one service transition for a request: commit once and say so, or roll back and show why not.

    The one way a route changes data. With a form, a refusal is shown on the field it concerns, otherwise at
    the top of the page; with show_error=False the route shows it itself (a conflict page, a 429). A refusal
    of a kind in commit_on keeps what the service saved before refusing (a draft kept when submitting fails).
    """
    try:
        value = action()
    except ServiceError as error:
        if isinstance(error, commit_on):
            db.session.commit()
        else:
            db.session.rollback()
        if show_error:
            if form is not None:
                show_service_error(form, error)
            else:
                flash(error.message, "error")
        return Outcome(error=error)
    db.session.commit()
    if done_message:
        flash(done_message, "success")
    return Outcome(value=value)


@dataclass
class Posted:
    """How a page's form went: `done` once its service ran, else the status to show the page again with."""

    status: int  # 200 not submitted yet, 400 invalid, expired or refused
    done: bool = False


def run_form(
    form, action: Callable[[], T], done_message: str | Callable[[T], str | tuple[str, str]] | None = None
) -> Posted:
    """Validate a submitted form and run its service; the message may be made from the service's result
    (as a message, or a message and its category when it is not a success: "warning")."""
    if not form.validate_on_submit():
        return Posted(400 if form.errors else 200)
    outcome = run_service(action, done_message if isinstance(done_message, str) else None, form=form)
    if outcome.error is not None:
        return Posted(400)
    if callable(done_message):
        message = done_message(outcome.value)  # type: ignore[arg-type]  # set when there is no error
        flash(*(message if isinstance(message, tuple) else (message, "success")))
    return Posted(200, done=True)


def button_action(action: Callable[[], object], done_message: str | None, back: str):
    """A POST from a button on a page: a missing or expired form is a 400; else run the service, go back."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_service(action, done_message)
    return redirect(back)


def confirmation(template: str, action: Callable[[], object], done_message: str, back: str, **context):
    """A page asking to confirm a change (`template` with `form` and `context`); once confirmed, the change.

    A refusal is shown on the page it goes back to.
    """
    form = ConfirmForm()
    if form.validate_on_submit():
        run_service(action, done_message)
        return redirect(back)
    return render_template(template, form=form, **context)


EXPIRED = "The page had expired, so nothing was saved. Your text is below: save it again."


@dataclass
class Edit(Generic[T]):
    """How an edit guarded by a version check went, and the status the page comes back with if not saved."""

    status: int  # 200 saved, 400 refused (an invalid or expired form, a rule), 409 someone saved in between
    value: T | None = None

    @property
    def saved(self) -> bool:
        return self.status == 200

    @property
    def conflict(self) -> bool:
        return self.status == 409


def save_edit(
    form,
    text_field: str,
    action: Callable[[], T],
    done_message: Callable[[T], str],
    newest_version: Callable[[], int],
) -> Edit[T]:
    """Save an edit from a form with a `base_version` field, the version the page was opened on.

    On a conflict the form is given the newest version, so saving again is a choice made with both texts in
    view; whatever happens, the typed text stays in the form. An expired form says so on the text field.
    """
    if not form.validate():
        if "csrf_token" in form.errors:
            field = getattr(form, text_field)
            field.errors = [*field.errors, EXPIRED]
        return Edit(400)
    outcome = run_service(action, form=form)
    if outcome.error is None:
        flash(done_message(outcome.value), "success")  # type: ignore[arg-type]  # set when there is no error
        return Edit(200, outcome.value)
    if isinstance(outcome.error, EditConflict):
        number = newest_version()  # read after the rollback: the version that won, whoever saved it
        form.base_version.data = number
        form.base_version.raw_data = [str(number)]
        return Edit(409)
    return Edit(400)

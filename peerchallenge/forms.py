"""Form pieces shared by features, and running a service from a form."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput
from wtforms import DateField, SubmitField

from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db

T = TypeVar("T")


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


class ConfirmForm(FlaskForm):
    """An empty form: a button with CSRF protection, for confirmations and one-click actions."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


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

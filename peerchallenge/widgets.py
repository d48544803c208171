"""Form fields as GOV.UK components, through the app's component cache.

govuk-frontend-wtf's widgets build a GOV.UK macro's parameters from a WTForms field, then render a template
of their own that calls the macro, through Flask's `render_template`: every context processor runs again for
each field, and the macro is rendered again on every view. Each widget here builds the same parameters (it is
the library's widget) and asks `ComponentCache` (`peerchallenge/components.py`) for the HTML instead: the
same bytes, kept per set of parameters, with what the person typed never part of what is kept.

Forms import their widgets from here, under the library's names.
"""

from typing import Any, ClassVar

from flask import current_app
from govuk_frontend_wtf import wtforms_widgets as library
from markupsafe import Markup


class _Component:
    """Renders through the component cache; `macro` is the GOV.UK macro the library's template calls."""

    macro: ClassVar[str]

    def render(self, params: dict[str, Any]) -> Markup:
        html: Markup = current_app.extensions["govuk_components"](self.macro, params)
        return html


class GovTextInput(_Component, library.GovTextInput):
    macro = "govukInput"


class GovPasswordInput(_Component, library.GovPasswordInput):
    macro = "govukPasswordInput"


class GovFileInput(_Component, library.GovFileInput):
    macro = "govukFileUpload"


class GovSubmitInput(_Component, library.GovSubmitInput):
    macro = "govukButton"


class GovTextArea(_Component, library.GovTextArea):
    macro = "govukTextarea"


class GovCharacterCount(_Component, library.GovCharacterCount):
    macro = "govukCharacterCount"


class GovSelect(_Component, library.GovSelect):
    macro = "govukSelect"


class GovCheckboxesInput(_Component, library.GovCheckboxesInput):
    macro = "govukCheckboxes"


class GovCheckboxInput(_Component, library.GovCheckboxInput):
    macro = "govukCheckboxes"


class GovRadioInput(_Component, library.GovRadioInput):
    macro = "govukRadios"


class GovDateInput(_Component, library.GovDateInput):
    macro = "govukDateInput"

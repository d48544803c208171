"""Form fields rendered through the component cache (peerchallenge/widgets.py): the library's HTML, kept."""

from datetime import date

import pytest
from flask_wtf import FlaskForm
from govuk_frontend_wtf import wtforms_widgets as library
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    FileField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from peerchallenge import widgets

# Each field with our widget, and the library's widget it stands for.
FIELDS = {
    "name": (StringField, widgets.GovTextInput, library.GovTextInput, {}),
    "password": (PasswordField, widgets.GovPasswordInput, library.GovPasswordInput, {}),
    "notes": (TextAreaField, widgets.GovTextArea, library.GovTextArea, {}),
    "summary": (TextAreaField, widgets.GovCharacterCount, library.GovCharacterCount, {}),
    "region": (
        SelectField,
        widgets.GovSelect,
        library.GovSelect,
        {"choices": [SelectChoice("1", "East"), SelectChoice("2", "London")]},
    ),
    "level": (
        RadioField,
        widgets.GovRadioInput,
        library.GovRadioInput,
        {"choices": [SelectChoice("a", "Strong"), SelectChoice("b", "Weak")]},
    ),
    "areas": (
        SelectMultipleField,
        widgets.GovCheckboxesInput,
        library.GovCheckboxesInput,
        {"choices": [SelectChoice("x", "Help"), SelectChoice("y", "Care")]},
    ),
    "agree": (BooleanField, widgets.GovCheckboxInput, library.GovCheckboxInput, {}),
    "due": (DateField, widgets.GovDateInput, library.GovDateInput, {"format": "%d %m %Y"}),
    "upload": (FileField, widgets.GovFileInput, library.GovFileInput, {}),
    "save": (SubmitField, widgets.GovSubmitInput, library.GovSubmitInput, {}),
}
TYPED = 'Private words </textarea><script>alert(1)</script> & "quotes"'


def form_class(which: int):
    """The form with our widgets (which=1) or the library's (which=2); every field must be filled in."""
    attributes = {}
    for name, (field, *choices, options) in FIELDS.items():
        checks = [InputRequired(), Length(max=20)] if name == "name" else [InputRequired()]
        attributes[name] = field(name.title(), widget=choices[which - 1](), validators=checks, **options)
    return type("Form", (FlaskForm,), attributes)


def render_all(app, which: int, data=None) -> dict[str, str]:
    with app.test_request_context(method="POST" if data else "GET", data=data):
        form = form_class(which)(meta={"csrf": False})
        if data:
            form.validate()
        return {name: str(getattr(form, name)(params={"hint": {"text": "A hint"}})) for name in FIELDS}


def test_each_widget_renders_the_librarys_own_html(app):
    ours, theirs = render_all(app, 1), render_all(app, 2)
    assert ours == theirs
    assert 'type="password"' in ours["password"] and "govuk-select" in ours["region"]


def test_typed_text_and_errors_render_as_the_library_renders_them(app):
    data = MultiDict(
        {"name": TYPED, "notes": TYPED, "summary": "short", "region": "2", "level": "b", "agree": "y"}
    )
    data.setlist("due", ["31", "2", "2026"])  # not a real date: an error, and the typed parts shown
    ours, theirs = render_all(app, 1, data), render_all(app, 2, data)
    assert ours == theirs
    assert "&lt;/textarea&gt;&lt;script&gt;" in ours["notes"] and "<script>" not in ours["notes"]
    assert "govuk-error-message" in ours["name"]  # longer than 20 characters
    assert 'value="31"' in ours["due"]


def test_what_is_typed_is_never_kept_and_the_field_is_rendered_once(app):
    cache = app.extensions["govuk_components"]
    cache.rendered.cache_clear()
    field = StringField("Job title", widget=widgets.GovTextInput())
    Form = type("Form", (FlaskForm,), {"title": field})
    pages = []
    for typed in ("Director of Children's Services", "Assistant director"):
        with app.test_request_context(method="POST", data={"title": typed}):
            pages.append(str(Form(meta={"csrf": False}).title()))
    assert "Director of Children&#39;s Services" in pages[0] and "Assistant" not in pages[0]
    assert "Assistant director" in pages[1] and "Director of" not in pages[1]
    info = cache.rendered.cache_info()
    assert (info.currsize, info.hits) == (1, 1)  # one box kept, with the placeholder where the text goes
    assert cache.placeholder not in pages[0]


@pytest.mark.parametrize("value", ["", None])
def test_an_empty_text_box_is_as_the_library_renders_it(app, value):
    pages = []
    with app.test_request_context():
        for widget in (widgets.GovTextInput(), library.GovTextInput()):
            Form = type("Form", (FlaskForm,), {"title": StringField("Job title", widget=widget)})
            pages.append(str(Form(meta={"csrf": False}, data={"title": value}).title()))
    assert pages[0] == pages[1]
    assert app.extensions["govuk_components"].placeholder not in pages[0]


def test_a_field_showing_an_error_is_rendered_each_time_not_kept(app):
    cache = app.extensions["govuk_components"]
    cache.rendered.cache_clear()
    Form = type(
        "Form",
        (FlaskForm,),
        {"title": StringField("Title", widget=widgets.GovTextInput(), validators=[Length(max=3)])},
    )
    with app.test_request_context(method="POST", data={"title": "an error quoting this"}):
        form = Form(meta={"csrf": False})
        assert not form.validate()
        assert "govuk-error-message" in str(form.title())
    assert cache.rendered.cache_info().currsize == 0


def test_a_date_is_rendered_each_time_not_kept(app):
    cache = app.extensions["govuk_components"]
    cache.rendered.cache_clear()
    Form = type(
        "Form", (FlaskForm,), {"due": DateField("Due", widget=widgets.GovDateInput(), format="%d %m %Y")}
    )
    with app.test_request_context():
        html = str(Form(meta={"csrf": False}, data={"due": date(2026, 3, 27)}).due())
    assert 'value="27"' in html and 'value="2026"' in html
    assert cache.rendered.cache_info().currsize == 0


def test_a_hint_marked_safe_is_shown_as_html(app):
    with app.test_request_context():
        Form = type("Form", (FlaskForm,), {"title": StringField("Title", widget=widgets.GovTextInput())})
        html = str(
            Form(meta={"csrf": False}).title(params={"hint": {"html": Markup("<strong>Hint</strong>")}})
        )
    assert "<strong>Hint</strong>" in html


def test_what_a_request_posts_for_a_button_or_a_checkbox_is_not_kept(app):
    cache = app.extensions["govuk_components"]
    cache.rendered.cache_clear()
    attributes = {
        "agree": BooleanField("Agree", widget=widgets.GovCheckboxInput()),
        "save": SubmitField("Save", widget=widgets.GovSubmitInput()),
    }
    Form = type("Form", (FlaskForm,), attributes)
    posted = "x" * 100_000
    with app.test_request_context(method="POST", data={"agree": posted, "save": posted}):
        form = Form(meta={"csrf": False})
        agree, save = str(form.agree()), str(form.save())
    assert posted in agree and posted in save  # shown as the library shows it
    # The checkbox is too long to keep; the button is kept once, with a placeholder where its value goes.
    assert cache.rendered.cache_info().currsize == 1
    with app.test_request_context(method="POST", data={"save": "Posted words"}):
        html = str(Form(meta={"csrf": False}).save())
    assert 'value="Posted words"' in html and cache.placeholder not in html
    info = cache.rendered.cache_info()
    assert (info.currsize, info.hits) == (1, 1)

"""GOV.UK components rendered once per set of parameters (peerchallenge/components.py)."""

import pytest
from markupsafe import Markup

from peerchallenge.components import ComponentCache

RADIOS = "govuk_frontend_jinja/components/radios/macro.html"
TEMPLATE = '{% from "' + RADIOS + '" import govukRadios %}{{ govukRadios(params) }}'


def radios(chosen=None, error=None) -> dict:
    return {
        "name": "s1-evidence",
        "idPrefix": "s1-evidence",
        "classes": "govuk-radios--small",
        "fieldset": {
            "legend": {"text": "Evidence: Help & protection <b>", "classes": "govuk-fieldset__legend--s"}
        },
        "hint": {"text": "How strong is the evidence?"},
        "errorMessage": {"text": error} if error else None,
        "items": [
            {
                "value": position,
                "text": label,
                "hint": {"text": f"{label} means <this>"},
                "checked": chosen == position,
            }
            for position, label in enumerate(["Strong", "Adequate", "Limited", "Absent"], start=1)
        ],
    }


def from_template(app, params) -> str:
    with app.app_context():
        return app.jinja_env.from_string(TEMPLATE).render(params=params)


def test_the_html_is_the_macros_own_and_escapes_the_text(app):
    cache = app.jinja_env.globals["govuk_component"]
    for params in (radios(), radios(chosen=2), radios(chosen=4, error="Choose a level")):
        with app.app_context():
            html = cache("govukRadios", params)
        assert html == from_template(app, params)
        assert "Help &amp; protection &lt;b&gt;" in html
        assert "<b>" not in html
    assert 'value="2" checked' in cache("govukRadios", radios(chosen=2))
    assert "Choose a level" in cache("govukRadios", radios(chosen=4, error="Choose a level"))


def test_equal_parameters_are_rendered_once_and_different_ones_again(app):
    cache = ComponentCache(app.jinja_env, size=2)
    first = cache("govukRadios", radios(chosen=1))
    reordered = dict(reversed(list(radios(chosen=1).items())))
    assert cache("govukRadios", reordered) == first
    assert cache.rendered.cache_info().hits == 1
    other = cache("govukRadios", radios(chosen=3))
    assert other != first and 'value="3" checked' in other
    assert cache.rendered.cache_info().misses == 2
    cache("govukRadios", radios(error="Choose a level"))
    assert cache.rendered.cache_info().currsize == 2  # the least recently used is dropped


def test_html_marked_safe_is_rendered_each_time_not_kept(app):
    cache = ComponentCache(app.jinja_env)
    params = radios()
    params["hint"] = {"html": Markup("<strong>Read the guidance</strong>")}
    html = cache("govukRadios", params)
    assert "<strong>Read the guidance</strong>" in html
    assert html == from_template(app, params)
    assert cache.rendered.cache_info().currsize == 0


def test_only_the_components_listed_are_served(app):
    with pytest.raises(KeyError):
        app.jinja_env.globals["govuk_component"]("govukButton", {"text": "Save"})

"""GOV.UK components rendered once per set of parameters (peerchallenge/components.py)."""

from collections import ChainMap

import pytest
from markupsafe import Markup

from peerchallenge.components import ComponentCache, TemplateGlobals

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
    cache("govukRadios", radios(chosen=4))
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
        app.jinja_env.globals["govuk_component"]("govukTable", {"rows": []})


COUNT = "govuk_frontend_jinja/components/character-count/macro.html"
TEXTAREA = "govuk_frontend_jinja/components/textarea/macro.html"


def text_box(value, error=None) -> dict:
    return {
        "name": "s1-strengths",
        "id": "s1-strengths",
        "rows": 4,
        "label": {"text": "Strengths: Help & protection", "classes": "govuk-label--s"},
        "maxlength": 3000,
        "value": value,
        "errorMessage": {"text": error} if error else None,
    }


def macro_html(app, name: str, path: str, params) -> str:
    template = '{% from "' + path + '" import ' + name + " %}{{ " + name + "(params) }}"
    with app.app_context():
        return app.jinja_env.from_string(template).render(params=params)


TYPED = [
    "Strong multi-agency working </textarea><script>alert(1)</script> & more",
    "\nStarts on a new line,\r\nwith \"quotes\" and 'apostrophes'",
    "",
]


@pytest.mark.parametrize(("name", "path"), [("govukCharacterCount", COUNT), ("govukTextarea", TEXTAREA)])
def test_a_text_box_is_the_macros_own_html_with_the_typed_text_escaped(app, name, path):
    cache = ComponentCache(app.jinja_env)
    for value in TYPED:
        for error in (None, "Strengths must be 3,000 characters or fewer"):
            html = cache(name, text_box(value, error))
            assert html == macro_html(app, name, path, text_box(value, error))
            assert cache.placeholder not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in cache(name, text_box(TYPED[0]))


def test_the_typed_text_is_not_kept_and_the_box_is_rendered_once(app):
    cache = ComponentCache(app.jinja_env)
    first = cache("govukCharacterCount", text_box("Private note about Alpha"))
    second = cache("govukCharacterCount", text_box("Another director's words"))
    assert "Private note about Alpha" in first and "Another director's words" not in first
    assert "Another director&#39;s words" in second and "Alpha" not in second
    info = cache.rendered.cache_info()
    assert (info.currsize, info.hits, info.misses) == (1, 1, 1)
    # What is kept is the box with the placeholder, not anyone's text.
    kept = cache._kept("govukCharacterCount", text_box(cache.placeholder))
    assert kept.count(cache.placeholder) == 1


def test_text_that_holds_the_placeholder_is_still_shown_as_typed(app):
    cache = ComponentCache(app.jinja_env)
    typed = f"{cache.placeholder} <b>{cache.placeholder}</b>"
    html = cache("govukTextarea", text_box(typed))
    assert html == macro_html(app, "govukTextarea", TEXTAREA, text_box(typed))
    assert html.count(cache.placeholder) == 2


def test_a_box_that_shows_the_placeholder_twice_is_rendered_whole(app):
    cache = ComponentCache(app.jinja_env)
    params = text_box("What they typed")
    params["label"] = {"text": cache.placeholder}  # only a test could give it: the placeholder is random
    html = cache("govukCharacterCount", params)
    assert html == macro_html(app, "govukCharacterCount", COUNT, params)
    assert "What they typed" in html


def test_a_box_without_text_is_rendered_as_the_macro_renders_it(app):
    cache = ComponentCache(app.jinja_env)
    params = text_box(None)
    del params["value"]
    assert cache("govukTextarea", params) == macro_html(app, "govukTextarea", TEXTAREA, params)


def test_templates_globals_keep_jinjas_meaning_with_quick_keys(app):
    template = app.jinja_env.get_template("base.html")
    assert isinstance(template.globals, TemplateGlobals)
    assert set(template.globals.keys()) == set(ChainMap(*template.globals.maps).keys())
    own = app.jinja_env.from_string("{{ greeting }} {{ shared }}", globals={"greeting": "Hello"})
    app.jinja_env.globals["shared"] = "everyone"  # the environment's, added after the template was loaded
    try:
        assert own.render() == "Hello everyone"
        assert {"greeting", "shared", "url_for"} <= own.globals.keys()
        assert "greeting" not in app.jinja_env.globals  # a template's own globals stay its own
        assert {"x", "greeting"} - own.globals.keys() == {"x"}  # what Jinja asks on each import
    finally:
        del app.jinja_env.globals["shared"]


def test_a_box_with_html_marked_safe_or_no_text_is_rendered_as_it_is_and_not_kept(app):
    cache = ComponentCache(app.jinja_env)
    for value in (Markup("<em>kept as marked</em>"), None, 42):
        html = cache("govukTextarea", text_box(value))
        assert html == macro_html(app, "govukTextarea", TEXTAREA, text_box(value))
    assert "<em>kept as marked</em>" in cache("govukTextarea", text_box(Markup("<em>kept as marked</em>")))
    assert cache.rendered.cache_info().currsize == 0


def test_parameters_json_would_change_are_rendered_not_kept(app):
    class Label(str):
        def __str__(self) -> str:
            return "shown differently"

    cache = ComponentCache(app.jinja_env)
    for changed in ({"text": Label("Strengths")}, {"text": "Strengths", "classes": ("a", "b")}):
        params = {**text_box("typed"), "label": changed}
        assert cache("govukCharacterCount", params) == macro_html(app, "govukCharacterCount", COUNT, params)
    assert cache.rendered.cache_info().currsize == 0


NAVIGATION = "govuk_frontend_jinja/components/service-navigation/macro.html"


def header(navigation_end) -> dict:
    return {
        "serviceName": "Peer challenge",
        "serviceUrl": "/",
        "navigation": [
            {"text": "Home", "href": "/", "active": True},
            {"text": "Letters", "href": "/letters"},
        ],
        "navigationLabel": "Menu",
        "slots": {"navigationEnd": navigation_end},
    }


def sign_out_form(token: str) -> Markup:
    return Markup(
        '<li><form method="post"><input type="hidden" name="csrf_token" value="{}"></form></li>'
    ).format(token)


def test_the_header_is_kept_once_and_each_request_shows_its_own_sign_out_form(app):
    cache = ComponentCache(app.jinja_env)
    pages = [cache("govukServiceNavigation", header(sign_out_form(token))) for token in ("first", "second")]
    for token, html in zip(("first", "second"), pages, strict=True):
        assert html == macro_html(app, "govukServiceNavigation", NAVIGATION, header(sign_out_form(token)))
        assert f'value="{token}"' in html and cache.placeholder not in html
    assert 'value="second"' not in pages[0]
    info = cache.rendered.cache_info()
    assert (info.currsize, info.hits) == (1, 1)


def test_a_header_without_a_sign_out_form_is_the_macros_own(app):
    cache = ComponentCache(app.jinja_env)
    for empty in (Markup(""), "", None):
        params = header(empty)
        assert cache("govukServiceNavigation", params) == macro_html(
            app, "govukServiceNavigation", NAVIGATION, params
        )
    assert cache.rendered.cache_info().currsize == 1  # empty either way: one header; None is rendered


def test_html_not_marked_safe_in_the_headers_slot_is_rendered_as_the_macro_would_and_not_kept(app):
    cache = ComponentCache(app.jinja_env)
    params = header("<li>not marked safe</li>")
    assert cache("govukServiceNavigation", params) == macro_html(
        app, "govukServiceNavigation", NAVIGATION, params
    )
    assert cache.rendered.cache_info().currsize == 0

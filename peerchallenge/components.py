"""GOV.UK Frontend components rendered once for each set of parameters, then reused.

The review form shows each section's rating scales as radios: about 30 groups of 4 or 5 choices, each with its
level's definition as a hint. govuk-frontend-jinja's `govukRadios` macro took 43% of the form's time
(`benchmarks/profile_pages.py`), and the same groups come back on every view of every review in a cycle: a
section, a scale, the level chosen and the error shown decide the HTML.

`ComponentCache` renders a component's macro with the parameters given, exactly as a template calling the
macro would, and keeps the HTML under those parameters (written out as JSON, so two equal sets of parameters
are one key). Nothing can be stale: any change to what is shown is a new key. The cache holds at most `size`
results, dropping the least recently used. Only parameters of plain text, numbers, booleans, lists and dicts
are kept: anything else (HTML marked safe, an object) is rendered each time, as the JSON key could not tell
it apart from text.

Text boxes, text areas and character counts hold what the person typed. That text is never part of a key
nor kept: the component is rendered and kept with a placeholder where the text goes (`SLOTS`), and each
request puts its own text, escaped, in the placeholder's place. A component whose HTML does not show the
placeholder exactly once is rendered each time instead, and so is one showing an error (a message may quote
what was typed) or a date (its day, month and year are typed). A button's value is a slot too (a request can
post any value for it), and parameters longer than `MAX_KEY` as JSON are rendered, never kept, so that no
request can fill the cache with what it posted.

The header's menu is kept the same way: it differs between people and pages only by its links, and its
sign-out form (with the request's CSRF token) goes in its slot as HTML marked safe.

Templates call the cache as `govuk_component(name, params)`; form fields reach it through the widgets in
`peerchallenge/widgets.py`, which build the same parameters as govuk-frontend-wtf's.

`TemplateEnvironment` is the app's Jinja environment. Each call of a GOV.UK macro imports the macros it is
built from (the label, the hint, the error message), and on each import Jinja works out which of the
caller's globals the imported template lacks: the caller's keys less the template's `globals.keys()`. The
template's globals are a ChainMap (its own over the environment's), whose keys view makes that a Python loop
over every key and every map; here the keys are a dict's keys, and the difference is one step in C. The lead's
compose page imports about 1,700 times a request: 92 ms a request in-process, 78 with this.
"""

from __future__ import annotations

import json
import secrets
from collections import ChainMap
from collections.abc import KeysView, Mapping, MutableMapping
from functools import lru_cache
from itertools import chain
from typing import Any

from flask.templating import Environment as FlaskEnvironment
from jinja2 import Environment
from markupsafe import Markup, escape

MACROS = {
    "govukButton": "govuk_frontend_jinja/components/button/macro.html",
    "govukCharacterCount": "govuk_frontend_jinja/components/character-count/macro.html",
    "govukCheckboxes": "govuk_frontend_jinja/components/checkboxes/macro.html",
    "govukDateInput": "govuk_frontend_jinja/components/date-input/macro.html",
    "govukFileUpload": "govuk_frontend_jinja/components/file-upload/macro.html",
    "govukInput": "govuk_frontend_jinja/components/input/macro.html",
    "govukPasswordInput": "govuk_frontend_jinja/components/password-input/macro.html",
    "govukRadios": "govuk_frontend_jinja/components/radios/macro.html",
    "govukSelect": "govuk_frontend_jinja/components/select/macro.html",
    "govukServiceNavigation": "govuk_frontend_jinja/components/service-navigation/macro.html",
    "govukTextarea": "govuk_frontend_jinja/components/textarea/macro.html",
}
# Where a component shows what differs from one request to the next, and what may go there: the person's own
# text (escaped where it goes), or HTML marked safe (the header's sign-out form, with the request's token).
SLOTS: dict[str, tuple[tuple[str, ...], type]] = {
    "govukButton": (("value",), str),  # a submit button's value is what the request posted
    "govukCharacterCount": (("value",), str),
    "govukInput": (("value",), str),
    "govukPasswordInput": (("value",), str),
    "govukTextarea": (("value",), str),
    "govukServiceNavigation": (("slots", "navigationEnd"), Markup),
}
# Components whose parameters hold typed text elsewhere than one slot (a date's day, month and year): always
# rendered, never kept.
NEVER_KEPT = {"govukDateInput"}
SIZE = 2048
# Parameters longer than this as JSON are rendered, never kept: a field may carry what a request posted (a
# checkbox's value), and the cache's memory stays bounded (the longest on the demo's pages, the audit log's
# select of event kinds, is about 2,900).
MAX_KEY = 4000


def _plain(value: Any) -> bool:
    """Data that JSON gives back as it was: exact types only, so that HTML marked safe (a str subclass), an
    enum or a tuple (a list after JSON) is never taken for it."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return True
    if kind is list:
        return all(_plain(item) for item in value)
    if kind is dict:
        return all(type(key) is str and _plain(item) for key, item in value.items())
    return False


_ABSENT = object()


def _find(params: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at a path of keys, or _ABSENT where there is none."""
    value: Any = params
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return _ABSENT
        value = value[key]
    return value


def _with(params: Mapping[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of the parameters with the value at the path replaced (the dicts on the way copied too)."""
    key, *rest = path
    return {**params, key: _with(params[key], tuple(rest), value) if rest else value}


class ComponentCache:
    """`cache("govukRadios", params)` in a template: the component's HTML, rendered once per params."""

    def __init__(self, environment: Environment, size: int = SIZE) -> None:
        self.environment = environment
        self.rendered = lru_cache(maxsize=size)(self._render_key)
        # Letters and digits only, so that escaping leaves it as it is; new in each process.
        self.placeholder = f"slot{secrets.token_hex(12)}"

    def __call__(self, name: str, params: Mapping[str, Any]) -> Markup:
        if name not in MACROS:
            raise KeyError(f"{name} is not a cached component")
        if name in NEVER_KEPT or params.get("errorMessage"):  # an error may quote what was typed
            return self._render(name, params)
        if name not in SLOTS:
            return self._kept(name, params)
        path, kind = SLOTS[name]
        value = _find(params, path)
        if value is _ABSENT:
            return self._kept(name, params)
        if type(value) is not kind:  # text marked safe, HTML not marked, or neither: rendered, never kept
            return self._render(name, params)
        if not value:  # nothing there: a macro may leave out what would hold it (an input's value="")
            return self._kept(name, _with(params, path, ""))
        html = self._kept(name, _with(params, path, self.placeholder))
        before, found, after = html.partition(self.placeholder)
        if not found or self.placeholder in after:
            return self._render(name, params)
        return before + escape(value) + after  # Markup's parts: text is escaped, HTML marked safe is not

    def _kept(self, name: str, params: Mapping[str, Any]) -> Markup:
        if not _plain(params):
            return self._render(name, params)
        key = json.dumps(params, sort_keys=True, separators=(",", ":"))
        if len(key) > MAX_KEY:
            return self._render(name, params)
        return self.rendered(name, key)

    def _render_key(self, name: str, key: str) -> Markup:
        return self._render(name, json.loads(key))

    def _render(self, name: str, params: Mapping[str, Any]) -> Markup:
        macro = getattr(self.environment.get_template(MACROS[name]).module, name)
        html = macro(params)
        assert isinstance(html, Markup)  # the macros' templates are .html, so autoescaped: they return Markup
        return html


class TemplateGlobals(ChainMap):
    """A template's globals, its own over the environment's, as Jinja keeps them, with quick keys."""

    def keys(self) -> KeysView:
        return dict.fromkeys(chain.from_iterable(self.maps)).keys()


class TemplateEnvironment(FlaskEnvironment):
    """Flask's Jinja environment, whose templates' globals are `TemplateGlobals`."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> TemplateGlobals:
        return TemplateGlobals({} if d is None else d, self.globals)

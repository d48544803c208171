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

The text areas and character counts hold what the person typed. That text is never part of a key nor
kept: the component is rendered and kept with a placeholder where the text goes (`SLOTS`), and each request
puts its own text, escaped, in the placeholder's place. A component whose HTML does not show the placeholder
exactly once is rendered each time instead.

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
    "govukRadios": "govuk_frontend_jinja/components/radios/macro.html",
    "govukCharacterCount": "govuk_frontend_jinja/components/character-count/macro.html",
    "govukTextarea": "govuk_frontend_jinja/components/textarea/macro.html",
}
# The parameter that carries the person's own text, for the components that show it.
SLOTS = {"govukCharacterCount": "value", "govukTextarea": "value"}
SIZE = 2048


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
        slot = SLOTS.get(name)
        if slot is None or slot not in params:
            return self._kept(name, params)
        text = params[slot]
        if type(text) is not str:  # HTML marked safe, or not text: rendered as it is, never kept
            return self._render(name, params)
        html = self._kept(name, {**params, slot: self.placeholder})
        before, found, after = html.partition(self.placeholder)
        if not found or self.placeholder in after:
            return self._render(name, params)
        return before + escape(text) + after  # Markup's parts: only the text is escaped

    def _kept(self, name: str, params: Mapping[str, Any]) -> Markup:
        if not _plain(params):
            return self._render(name, params)
        return self.rendered(name, json.dumps(params, sort_keys=True, separators=(",", ":")))

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

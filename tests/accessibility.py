"""axe-core on every page the browser tests open: WCAG 2.2 A and AA violations fail the test.

Each document the browser shows is checked once, when the test first acts on it (a click, a key press, a
navigation: the moment the test treats the page as ready), and the last page again at the end of the test,
as the test left it. The checks run between the test's own steps, so they never race with it; a page that
was loaded but left before any check is reported too. Best-practice findings are listed at the end of the
session without failing.

The script is the axe-core npm package (package.json), evaluated through Playwright in each document when
it is first checked (not as an init script: that would slow every page's start, and the tests with it).
That evaluation is not subject to the page's Content Security Policy, so the service's CSP stays in force
in the browser tests and they still catch anything it blocks.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Keyboard, Locator, Page

AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best practice is reported, not enforced; the tags above are.
ADVISORY_TAGS = ["best-practice"]
REPORT_KEY = "axe-best-practice"
# The actions after which the browser may show another document: the page is checked before each.
ACTIONS = {
    Page: ("goto", "reload", "go_back", "go_forward", "click", "dblclick", "press", "type", "tap"),
    Locator: ("click", "dblclick", "press", "press_sequentially", "type", "tap", "dispatch_event"),
    Keyboard: ("press", "type", "down"),
}

STATE = "() => window.__axeChecked ? 'checked' : (window.axe ? 'ready' : 'missing')"
RUN_AXE = """
async (tags) => {
  window.__axeChecked = true;
  const results = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => n.target.map((t) => Array.isArray(t) ? t.join(" >>> ") : t).join(" ")),
  }));
}
"""


@dataclass
class Finding:
    url: str
    rule: str
    impact: str | None
    help: str
    help_url: str
    nodes: list[str]
    wcag: bool

    def describe(self) -> str:
        nodes = "\n".join(f"      {node}" for node in self.nodes)
        return f"  {self.rule} ({self.impact}): {self.help}\n    on {self.url}\n    {self.help_url}\n{nodes}"


class AxeWatch:
    """Runs axe on each document one page shows, and keeps what it found."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.loaded: list[str] = []
        self.checked: list[str] = []
        self.findings: list[Finding] = []
        self.problems: list[str] = []
        self._checking = False
        self.seconds = 0.0  # spent checking
        page.on("load", lambda loaded: self.loaded.append(loaded.url))

    def check(self, again: bool = False) -> None:
        """Check the document on show now, unless it has been already (or `again`)."""
        if self._checking or not self.page.url.startswith("http"):
            return
        self._checking = True
        started = time.perf_counter()
        try:
            self._check(again)
        finally:
            self._checking = False
            self.seconds += time.perf_counter() - started

    def _check(self, again: bool) -> None:
        page = self.page
        for attempt in range(3):
            try:
                page.wait_for_load_state("load")
                state = page.evaluate(STATE)
                if state == "checked" and not again:
                    return
                first = state != "checked"
                if state == "missing":
                    page.evaluate(script() + "\n;void 0")
                url = page.url
                violations = page.evaluate(RUN_AXE, WCAG_TAGS + ADVISORY_TAGS)
                break
            except PlaywrightError as error:
                # Another document came while checking this one: check that one instead.
                if "context was destroyed" not in str(error) or attempt == 2:
                    self.problems.append(f"axe could not check {page.url}: {str(error).splitlines()[0]}")
                    return
        if first:
            self.checked.append(url)
        for violation in violations:
            finding = Finding(
                url=url,
                rule=violation["id"],
                impact=violation["impact"],
                help=violation["help"],
                help_url=violation["helpUrl"],
                nodes=violation["nodes"],
                wcag=bool(set(violation["tags"]) & set(WCAG_TAGS)),
            )
            if finding not in self.findings:
                self.findings.append(finding)

    @property
    def violations(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.wcag]

    @property
    def advisories(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.wcag]

    def unchecked(self) -> list[str]:
        """Documents loaded but never checked: the test left them before acting on them."""
        missed = Counter(self.loaded) - Counter(self.checked)
        return sorted(missed.elements())

    def forget(self) -> None:
        """Start again, for tests of the check itself that break pages on purpose."""
        for found in (self.loaded, self.checked, self.findings, self.problems):
            found.clear()

    def failure(self) -> str | None:
        """A readable message for the WCAG violations and the pages left unchecked, or None."""
        parts = []
        if self.violations:
            parts.append("axe-core found WCAG 2.2 A/AA violations:")
            parts.extend(finding.describe() for finding in self.violations)
        problems = self.problems + [f"left before it was checked: {url}" for url in self.unchecked()]
        if problems:
            parts.append("Pages axe-core did not check:")
            parts.extend(f"  {problem}" for problem in problems)
        return "\n".join(parts) or None


def watch_page(page: Page) -> AxeWatch:
    """Check every page `page` shows: before each action that may leave it, through the watch."""
    watch = AxeWatch(page)
    _WATCHES[page] = watch
    return watch


def unwatch_page(page: Page) -> None:
    _WATCHES.pop(page, None)


_WATCHES: dict[Page, AxeWatch] = {}


def _owner(target) -> Page | None:
    if isinstance(target, Page):
        return target
    if isinstance(target, Locator):
        return target.page
    return next((page for page in _WATCHES if page.keyboard is target), None)


def _checked_first(method):
    @functools.wraps(method)
    def action(self, *args, **kwargs):
        watch = _WATCHES.get(_owner(self))
        if watch is not None:
            watch.check()
        return method(self, *args, **kwargs)

    action.axe_wrapped = method
    return action


def _wrap_actions() -> None:
    for cls, names in ACTIONS.items():
        for name in names:
            method = getattr(cls, name)
            if not hasattr(method, "axe_wrapped"):
                setattr(cls, name, _checked_first(method))


_SCRIPT: list[str] = []


def script() -> str:
    if not _SCRIPT:
        if not AXE_SCRIPT.exists():
            pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` (make setup does)")
        _SCRIPT.append(AXE_SCRIPT.read_text(encoding="utf-8"))
    return _SCRIPT[0]


# Hooks: fail the test on violations, and list the best-practice findings at the end of the session.


def pytest_configure(config):
    _wrap_actions()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    watch = getattr(item, "axe_watch", None)
    if watch is not None:
        watch.check(again=True)  # the last page, as the test left it
        message = watch.failure()
        if message:
            pytest.fail(message, pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    watch = getattr(item, "axe_watch", None)
    if watch is not None and report.when == "call":
        advisories = [
            (finding.rule, finding.impact, finding.help, finding.url, finding.nodes)
            for finding in watch.advisories
        ]
        # user_properties travel from pytest-xdist workers to the controller that writes the summary.
        report.user_properties.append(
            (REPORT_KEY, {"pages": len(watch.checked), "seconds": watch.seconds, "advisories": advisories})
        )
    return report


def pytest_terminal_summary(terminalreporter):
    pages, seconds, rules = 0, 0.0, {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for key, value in getattr(report, "user_properties", ()):
                if key != REPORT_KEY:
                    continue
                pages += value["pages"]
                seconds += value["seconds"]
                for rule, impact, help_text, url, nodes in value["advisories"]:
                    entry = rules.setdefault(rule, {"impact": impact, "help": help_text, "places": set()})
                    entry["places"].update(f"{node} on {urlsplit(url).path}" for node in nodes)
    if not pages:
        return
    write = terminalreporter.write_line
    terminalreporter.section("axe-core")
    write(
        f"{pages} pages checked against WCAG 2.2 A and AA ({', '.join(WCAG_TAGS)}), "
        f"in {seconds:.1f}s across the workers."
    )
    if not rules:
        write("No best-practice findings.")
        return
    write("Best-practice findings (listed, not failing):")
    for rule, entry in sorted(rules.items()):
        places = sorted(entry["places"])
        write(f"  {rule} ({entry['impact']}): {entry['help']}: {len(places)} places")
        for place in places[:5]:
            write(f"    {place}")
        if len(places) > 5:
            write(f"    and {len(places) - 5} more")

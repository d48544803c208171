"""The catalogue of indicators the data pack knows: the shipped list (data/catalogue.toml) and a region's own.

Pure code: plain values in and out. docs/domain.md says where each shipped indicator comes from.
"""

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).parent / "data" / "catalogue.toml"


class Unit(StrEnum):
    PERCENTAGE = "percentage"
    RATE = "rate_per_10000"
    COUNT = "count"
    DAYS = "days"
    WEEKS = "weeks"

    @property
    def label(self) -> str:
        return UNIT_LABELS[self]


UNIT_LABELS = {
    Unit.PERCENTAGE: "percentage",
    Unit.RATE: "rate per 10,000 children",
    Unit.COUNT: "count",
    Unit.DAYS: "days",
    Unit.WEEKS: "weeks",
}
# A stated figure differs from the pack's when it is more than this far from it: half a percentage point for
# percentages, 2% of the pack's value for everything else (rates, counts, days).
PERCENTAGE_POINTS = 0.5
RELATIVE = 0.02


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: Unit
    higher_is_better: bool | None  # None: neither side is better in itself (a rate of need)
    section: str  # the title of the template section it sits beside
    words: tuple[str, ...]  # how a self-assessment names it, in lower case
    source: str = ""
    shipped: bool = True

    def show(self, value: float) -> str:
        """The value as a page shows it: 22%, 332.9 per 10,000, 16, 120 days."""
        number = f"{value:,.1f}".removesuffix(".0")
        if self.unit == Unit.PERCENTAGE:
            return f"{number}%"
        if self.unit == Unit.RATE:
            return f"{number} per 10,000"
        if self.unit in (Unit.DAYS, Unit.WEEKS):
            return f"{number} {self.unit.value}"
        return number

    def differs(self, stated: float, actual: float) -> bool:
        """Whether a figure stated in the text is further from the pack's than the tolerance."""
        if self.unit == Unit.PERCENTAGE:
            return abs(stated - actual) > PERCENTAGE_POINTS + 1e-9
        return abs(stated - actual) > RELATIVE * abs(actual) + 1e-9

    def judge(self, change: float) -> str:
        """A change in words that do not rest on colour: better, worse, or up/down where neither is better."""
        if abs(change) < 1e-9:
            return "no change"
        if self.higher_is_better is None:
            return "up" if change > 0 else "down"
        return "better" if (change > 0) == self.higher_is_better else "worse"


def indicator_from(row: dict[str, Any], *, shipped: bool = True) -> Indicator:
    return Indicator(
        key=str(row["key"]),
        name=str(row["name"]),
        unit=Unit(row["unit"]),
        higher_is_better=row.get("higher_is_better"),
        section=str(row["section"]),
        words=tuple(str(word).casefold() for word in row.get("words", ())),
        source=str(row.get("source", "")),
        shipped=shipped,
    )


@cache
def shipped_indicators() -> tuple[Indicator, ...]:
    with CATALOGUE_FILE.open("rb") as file:
        rows = tomllib.load(file)["indicator"]
    return tuple(indicator_from(row) for row in rows)


def catalogue(extra: Iterable[Indicator] = ()) -> dict[str, Indicator]:
    """The shipped indicators and a region's own, by key (a region's own never replaces a shipped one)."""
    found = {indicator.key: indicator for indicator in extra}
    found.update({indicator.key: indicator for indicator in shipped_indicators()})
    return found


def by_key_or_name(indicators: dict[str, Indicator]) -> dict[str, Indicator]:
    """How an uploaded file may name an indicator: its key or its name, in any case."""
    names: dict[str, Indicator] = {}
    for indicator in indicators.values():
        names[indicator.key.casefold()] = indicator
        names[indicator.name.casefold()] = indicator
    return names

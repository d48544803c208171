"""A status as pages show it: words first, with a colour that repeats them (status is never colour alone)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tag:
    """The words of a status and the GOV.UK tag colour that goes with them."""

    text: str
    colour: str

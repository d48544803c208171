"""A status as pages show it: words first, with a colour that repeats them (status is never colour alone)."""

import enum
from dataclasses import dataclass
from typing import Self


@dataclass(frozen=True)
class Tag:
    """The words of a status and the GOV.UK tag colour that goes with them."""

    text: str
    colour: str


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry the words pages show for them: `DRAFT = "draft", "Draft"`.

    The value is what is stored and compared; `label` is for people.
    """

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

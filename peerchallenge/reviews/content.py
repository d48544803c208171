"""A review's content: reading it from a posted form, checking limits, and finding missing ratings.

Plain values in and out: the form as a mapping of lists, the template's sections with the keys of the scales
each is rated on, and the scales' level positions. The form's field names are `s<section id>-<field>` and
`overall-<field>`. A section is rated only on its own scales; the overall part on every scale of the cycle.
Overall ratings are required to submit; section ratings only when the cycle requires them, and never for an
optional section the self-assessment left out ("not included").
"""

from collections.abc import Mapping
from dataclasses import dataclass

from peerchallenge.sanitise import plain_text

TEXT_FIELDS = ("strengths", "development")
MAX_TEXT = 4000
MAX_SUMMARY = 6000
MAX_QUESTIONS = 20
MAX_QUESTION = 1000


@dataclass(frozen=True)
class Scale:
    key: str
    name: str
    positions: tuple[int, ...]
    ordered: bool = True


@dataclass(frozen=True)
class Section:
    """A template section as the review reads it."""

    id: int
    title: str
    scale_keys: tuple[str, ...]  # the scales it is rated on
    included: bool = True  # False for an optional section the self-assessment left out: nothing to rate

    def scales(self, scales: list[Scale]) -> list[Scale]:
        """The section's own scales, in the cycle's order; none when it is not included."""
        return [scale for scale in scales if scale.key in self.scale_keys] if self.included else []


def part_prefix(section_id: int | None) -> str:
    return "overall" if section_id is None else f"s{section_id}"


def _first(form: Mapping, name: str) -> str:
    values = form.getlist(name) if hasattr(form, "getlist") else form.get(name, [])
    if isinstance(values, str):
        return plain_text(values)
    return plain_text(values[0]) if values else ""


def _read_part(form: Mapping, prefix: str, scales: list[Scale], errors: dict[str, str], label: str) -> dict:
    part: dict = {"ratings": {}}
    for scale in scales:
        value = _first(form, f"{prefix}-{scale.key}").strip()
        if value:
            try:
                position: int | None = int(value)
            except ValueError:  # not a number, or a forged one int() refuses ("²", thousands of digits)
                position = None
            if position not in scale.positions:
                errors[f"{prefix}-{scale.key}"] = f"{label}: choose one of the {scale.name.lower()} levels"
            else:
                part["ratings"][scale.key] = position
    for field in TEXT_FIELDS:
        text = _first(form, f"{prefix}-{field}").replace("\r\n", "\n").strip()
        if len(text) > MAX_TEXT:
            errors[f"{prefix}-{field}"] = (
                f"{label}: {field_label(field)} must be {MAX_TEXT:,} characters or fewer"
            )
        part[field] = text
    lines = _first(form, f"{prefix}-questions").replace("\r\n", "\n").split("\n")
    questions = [line.strip() for line in lines if line.strip()]
    if len(questions) > MAX_QUESTIONS or any(len(question) > MAX_QUESTION for question in questions):
        errors[f"{prefix}-questions"] = (
            f"{label}: write at most {MAX_QUESTIONS} challenge questions "
            f"of up to {MAX_QUESTION:,} characters each"
        )
    part["questions"] = questions
    return part


def field_label(field: str) -> str:
    return {"strengths": "strengths", "development": "areas for development", "summary": "the summary"}[field]


def read_form(form: Mapping, sections: list[Section], scales: list[Scale]) -> tuple[dict, dict[str, str]]:
    """The review content in a posted form, and an error per field that is over its limit or not a level.

    Each section's ratings are read on its own scales only: a rating posted on another is not kept.
    """
    errors: dict[str, str] = {}
    content = {
        "sections": {
            str(section.id): _read_part(
                form, part_prefix(section.id), section.scales(scales), errors, section.title
            )
            for section in sections
        }
    }
    overall = _read_part(form, "overall", scales, errors, "Overall")
    summary = _first(form, "overall-summary").replace("\r\n", "\n").strip()
    if len(summary) > MAX_SUMMARY:
        errors["overall-summary"] = f"Overall: the summary must be {MAX_SUMMARY:,} characters or fewer"
    overall["summary"] = summary
    content["overall"] = overall
    return content, errors


def missing_ratings(
    content: dict, sections: list[Section], scales: list[Scale], *, section_ratings_required: bool = False
) -> dict[str, list[str]]:
    """For each part (section title, or 'Overall') the required scales not yet rated; empty when complete.

    The overall ratings are always required; a section's only when the cycle requires section ratings.
    """
    missing: dict[str, list[str]] = {}
    for section in sections if section_ratings_required else []:
        ratings = part(content, section.id).get("ratings", {})
        names = [scale.name for scale in section.scales(scales) if scale.key not in ratings]
        if names:
            missing[section.title] = names
    overall = content.get("overall", {}).get("ratings", {})
    names = [scale.name for scale in scales if scale.key not in overall]
    if names:
        missing["Overall"] = names
    return missing


def part(content: dict, section_id: int | None) -> dict:
    """One part of the content (a section's, or the overall one), empty if never saved."""
    found: dict = (
        content.get("overall", {})
        if section_id is None
        else content.get("sections", {}).get(str(section_id), {})
    )
    return found

"""Cycle transitions: create from the defaults, edit the details and template, open."""

from datetime import date

from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.defaults import DEFAULT_SCALES, DEFAULT_TEMPLATE
from peerchallenge.cycles.models import (
    Cycle,
    CycleState,
    RatingLevel,
    RatingScale,
    TemplateSection,
)
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.regions.models import Region

DETAIL_FIELDS = (
    "title",
    "year",
    "peers_per_authority",
    "opens_on",
    "submissions_due_on",
    "reviews_due_on",
    "letters_due_on",
    "challenge_event_on",
    "anonymous",
    "co_reviews_visible_after_submission",
)


def check_dates(details: dict) -> None:
    """Deadlines come in order: open, self-assessments, reviews, letters; the event after opening."""
    order = [
        ("opens_on", "opening date"),
        ("submissions_due_on", "date self-assessments are due"),
        ("reviews_due_on", "date reviews are due"),
        ("letters_due_on", "date letters are due"),
    ]
    for name, label in [*order, ("challenge_event_on", "date of the challenge event")]:
        day = details.get(name)
        if day is not None and not 2000 <= day.year <= 2100:
            raise ServiceError(f"The {label} must be between the years 2000 and 2100", field=name)
    for (earlier, earlier_name), (later, later_name) in zip(order, order[1:], strict=False):
        if details[later] < details[earlier]:
            raise ServiceError(f"The {later_name} must be on or after the {earlier_name}", field=later)
    event: date | None = details.get("challenge_event_on")
    if event is not None and event < details["opens_on"]:
        raise ServiceError(
            "The challenge event must be on or after the opening date", field="challenge_event_on"
        )


def create_cycle(actor: User, region: Region, **details) -> Cycle:
    """A draft cycle for the region, with the default template and rating scales copied in."""
    check_dates(details)
    cycle = Cycle(
        region=region,
        state=CycleState.DRAFT,
        **{key: details[key] for key in DETAIL_FIELDS if key in details},
    )
    for position, default in enumerate(DEFAULT_TEMPLATE):
        cycle.sections.append(
            TemplateSection(
                position=position,
                title=default.title,
                guidance=default.guidance,
                suggested_words=default.suggested_words,
                optional=default.optional,
                other_headings=list(default.other_headings),
            )
        )
    for position, default_scale in enumerate(DEFAULT_SCALES):
        scale = RatingScale(
            key=default_scale.key, name=default_scale.name, question=default_scale.question, position=position
        )
        scale.levels = [
            RatingLevel(position=level_position, label=label, definition=definition)
            for level_position, (label, definition) in enumerate(default_scale.levels)
        ]
        cycle.scales.append(scale)
    db.session.add(cycle)
    db.session.flush()
    record_about("cycle_created", f"Cycle '{cycle.title}' was created", actor, cycle)
    return cycle


def update_cycle(actor: User, cycle: Cycle, **details) -> None:
    """Change a cycle's title, dates and settings; the number of peers only while it is a draft."""
    if cycle.state == CycleState.CLOSED:
        raise ServiceError("This cycle is closed and cannot be changed")
    if details["peers_per_authority"] != cycle.peers_per_authority and not cycle.is_draft:
        raise ServiceError(
            "The number of peers can only be changed before the cycle opens", field="peers_per_authority"
        )
    check_dates(details)
    changed = [key for key in DETAIL_FIELDS if key in details and getattr(cycle, key) != details[key]]
    for key in changed:
        setattr(cycle, key, details[key])
    if changed:
        record_about("cycle_updated", f"Cycle '{cycle.title}' was changed", actor, cycle, fields=changed)


def _require_draft(cycle: Cycle) -> None:
    if not cycle.is_draft:
        raise ServiceError("The template can only be changed before the cycle opens")


MAX_OTHER_HEADINGS = 20
MAX_HEADING_LENGTH = 150


def clean_other_headings(headings: list[str]) -> list[str]:
    """The other headings trimmed, without blanks or repeats; refused when too many or too long."""
    cleaned: list[str] = []
    for heading in headings:
        heading = " ".join(heading.split())
        if heading and heading.casefold() not in {other.casefold() for other in cleaned}:
            cleaned.append(heading)
    if len(cleaned) > MAX_OTHER_HEADINGS:
        raise ServiceError(
            f"Enter at most {MAX_OTHER_HEADINGS} other headings, one a line", field="other_headings"
        )
    if any(len(heading) > MAX_HEADING_LENGTH for heading in cleaned):
        raise ServiceError(
            f"Each other heading must be {MAX_HEADING_LENGTH} characters or fewer", field="other_headings"
        )
    return cleaned


def add_section(actor: User, cycle: Cycle, **fields) -> TemplateSection:
    """Add a section at the end of a draft cycle's template."""
    _require_draft(cycle)
    if "other_headings" in fields:
        fields["other_headings"] = clean_other_headings(fields["other_headings"])
    section = TemplateSection(position=len(cycle.sections), **fields)
    cycle.sections.append(section)
    db.session.flush()
    record_about("template_section_added", f"Section '{section.title}' was added", actor, cycle)
    return section


def update_section(actor: User, section: TemplateSection, **fields) -> None:
    _require_draft(section.cycle)
    if "other_headings" in fields:
        fields["other_headings"] = clean_other_headings(fields["other_headings"])
    for key, value in fields.items():
        setattr(section, key, value)
    record_about("template_section_updated", f"Section '{section.title}' was changed", actor, section.cycle)


def _renumber(cycle: Cycle, ordered: list[TemplateSection]) -> None:
    # Positions are unique per cycle: park them out of the way before writing the new order.
    for offset, section in enumerate(ordered):
        section.position = -1 - offset
    db.session.flush()
    for position, section in enumerate(ordered):
        section.position = position
    db.session.flush()
    db.session.expire(cycle, ["sections"])


def remove_section(actor: User, section: TemplateSection) -> None:
    """Remove a section from a draft cycle's template; the rest close up."""
    cycle = section.cycle
    _require_draft(cycle)
    if len(cycle.sections) == 1:
        raise ServiceError("A template needs at least one section")
    remaining = [other for other in cycle.sections if other.id != section.id]
    title = section.title
    db.session.delete(section)
    db.session.flush()
    _renumber(cycle, remaining)
    record_about("template_section_removed", f"Section '{title}' was removed", actor, cycle)


def move_section(actor: User, section: TemplateSection, step: int) -> None:
    """Move a section one place up (step -1) or down (step 1)."""
    cycle = section.cycle
    _require_draft(cycle)
    ordered = list(cycle.sections)
    index = ordered.index(section)
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(cycle, ordered)
    record_about("template_section_moved", f"Section '{section.title}' was moved", actor, cycle)


def open_cycle(actor: User, cycle: Cycle) -> None:
    """Open a draft cycle: authorities can upload their self-assessments, and the template is fixed."""
    lock_for_update(cycle)
    if not cycle.is_draft:
        raise ServiceError("This cycle is already open")
    if not cycle.sections:
        raise ServiceError("Add at least one template section before opening the cycle")
    cycle.state = CycleState.OPEN
    cycle.opened_at = utcnow()
    record_about("cycle_opened", f"Cycle '{cycle.title}' was opened", actor, cycle)

"""Cycle transitions: create from the defaults, edit the details, template and rubric, open."""

import re
from datetime import date

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.defaults import DEFAULT_SCALES, DEFAULT_TEMPLATE
from peerchallenge.cycles.models import (
    ACTIVE_STATES,
    AssignmentModel,
    Cycle,
    CycleState,
    RatingLevel,
    RatingScale,
    TemplateSection,
)
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.regions.models import Region
from peerchallenge.sanitise import one_line_within

DETAIL_FIELDS = (
    "title",
    "year",
    "peers_per_authority",
    "assignment_model",
    "group_size",
    "moderation",
    "moderators_per_submission",
    "opens_on",
    "submissions_due_on",
    "moderation_due_on",
    "reviews_due_on",
    "letters_due_on",
    "challenge_event_on",
    "response_due_on",
    "actions_update_due_on",
    "anonymous",
    "co_reviews_visible_after_submission",
    "letter_annex",
    "signatory_name",
    "signatory_title",
)
MAX_SIGNATORY = 150


def check_signatory(details: dict) -> None:
    """The cycle's own signatory as one line each; a title needs a name (left empty, the peers sign)."""
    for key, what in (("signatory_name", "The signatory's name"), ("signatory_title", "Their title")):
        if key in details:
            details[key] = one_line_within(details[key] or "", MAX_SIGNATORY, what, key)
    if details.get("signatory_title") and not details.get("signatory_name"):
        raise ServiceError(
            "Enter the signatory's name, or leave the title empty so that the peers sign",
            field="signatory_name",
        )


def check_dates(details: dict) -> None:
    """Deadlines come in order: open, self-assessments, reviews, letters; the event after opening; the
    response to the letter and the first update of its actions after the letters are due."""
    order = [
        ("opens_on", "opening date"),
        ("submissions_due_on", "date self-assessments are due"),
        ("reviews_due_on", "date reviews are due"),
        ("letters_due_on", "date letters are due"),
    ]
    after_letters = [
        ("response_due_on", "date responses to the letters are due"),
        ("actions_update_due_on", "date of the first update of the actions"),
    ]
    for name, label in [*order, ("challenge_event_on", "date of the challenge event"), *after_letters]:
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
    for name, label in after_letters:
        day = details.get(name)
        if day is not None and day < details["letters_due_on"]:
            raise ServiceError(f"The {label} must be on or after the date letters are due", field=name)


def check_title_free(region_id: int, title: str, cycle: Cycle | None = None) -> None:
    """Titles are unique within a region, so that people can tell its cycles apart."""
    query = sa.select(Cycle.id).where(Cycle.region_id == region_id, Cycle.title == title)
    if cycle is not None:
        query = query.where(Cycle.id != cycle.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise ServiceError(
            "This region already has a cycle with this title. Enter a different title", field="title"
        )


def _assignment_settings(details: dict) -> None:
    """Drop a model or group size left out of the form (they stay as they are), and read the model."""
    for key in ("assignment_model", "group_size"):
        if details.get(key) is None:
            details.pop(key, None)
    if "assignment_model" in details:
        models = {model.value: model for model in AssignmentModel}
        details["assignment_model"] = models[details["assignment_model"]]


def _moderation_settings(details: dict, cycle: Cycle | None = None) -> None:
    """Read moderation's settings (left out of the form: as they are), and its due date: required with
    moderation on, on or after the date self-assessments are due and on or before the date reviews are due."""
    for key in ("moderation", "moderators_per_submission"):
        if details.get(key) in (None, ""):
            details.pop(key, None)
    if "moderation" in details and not isinstance(details["moderation"], bool):
        details["moderation"] = details["moderation"] == "yes"
    if "moderators_per_submission" in details:
        details["moderators_per_submission"] = int(details["moderators_per_submission"])
    on = details.get("moderation", cycle.moderation if cycle is not None else False)
    due: date | None = details.get("moderation_due_on")
    if not on:
        return
    if due is None:
        raise ServiceError("Enter the date moderation is due", field="moderation_due_on")
    if not 2000 <= due.year <= 2100:
        raise ServiceError(
            "The date moderation is due must be between the years 2000 and 2100", field="moderation_due_on"
        )
    if due < details["submissions_due_on"]:
        raise ServiceError(
            "The date moderation is due must be on or after the date self-assessments are due",
            field="moderation_due_on",
        )
    if due > details["reviews_due_on"]:
        raise ServiceError(
            "The date moderation is due must be on or before the date reviews are due",
            field="moderation_due_on",
        )


def create_cycle(actor: User, region: Region, **details) -> Cycle:
    """A draft cycle for the region, with the default template and rating scales copied in."""
    _assignment_settings(details)
    check_dates(details)
    _moderation_settings(details)
    check_title_free(region.id, details["title"])
    check_signatory(details)
    cycle = Cycle(
        region=region,
        state=CycleState.DRAFT,
        **{key: details[key] for key in DETAIL_FIELDS if key in details},
    )
    scales: dict[str, RatingScale] = {}
    for position, default_scale in enumerate(DEFAULT_SCALES):
        scale = RatingScale(
            key=default_scale.key,
            name=default_scale.name,
            question=default_scale.question,
            position=position,
            ordered=default_scale.ordered,
        )
        scale.levels = [
            RatingLevel(position=level_position, label=label, definition=definition)
            for level_position, (label, definition) in enumerate(default_scale.levels)
        ]
        cycle.scales.append(scale)
        scales[scale.key] = scale
    for position, default in enumerate(DEFAULT_TEMPLATE):
        cycle.sections.append(
            TemplateSection(
                position=position,
                title=default.title,
                guidance=default.guidance,
                suggested_words=default.suggested_words,
                optional=default.optional,
                scales=[scales[key] for key in default.scales],
                other_headings=list(default.other_headings),
            )
        )
    db.session.add(cycle)
    db.session.flush()
    record_about("cycle_created", f"Cycle '{cycle.title}' was created", actor, cycle)
    return cycle


def closed_reason(cycle: Cycle, what: str) -> str | None:
    """For a closed cycle, the refusal saying `what` ("its letters are read-only"); None otherwise."""
    return f"This cycle is closed: {what}." if cycle.is_closed else None


def check_not_closed(cycle: Cycle, what: str) -> None:
    """A closed cycle is read-only: every service changing something of it refuses, saying `what`."""
    if reason := closed_reason(cycle, what):
        raise ServiceError(reason)


def update_cycle(actor: User, cycle: Cycle, **details) -> None:
    """Change a cycle's title, dates and settings; the number of peers only while it is a draft."""
    check_not_closed(cycle, "its details and dates are read-only")
    if details["peers_per_authority"] != cycle.peers_per_authority and not cycle.is_draft:
        raise ServiceError(
            "The number of peers can only be changed before the cycle opens", field="peers_per_authority"
        )
    _assignment_settings(details)
    _moderation_settings(details, cycle)
    for key, what in (
        ("assignment_model", "How peers are assigned"),
        ("group_size", "The group size"),
        ("moderation", "Moderation"),
        ("moderators_per_submission", "The number of moderators"),
    ):
        if key in details and details[key] != getattr(cycle, key) and not cycle.is_draft:
            raise ServiceError(f"{what} can only be changed before the cycle opens", field=key)
    check_dates(details)
    check_signatory(details)
    check_title_free(cycle.region_id, details["title"], cycle)
    changed = [key for key in DETAIL_FIELDS if key in details and getattr(cycle, key) != details[key]]
    for key in changed:
        setattr(cycle, key, details[key])
    if changed:
        record_about("cycle_updated", f"Cycle '{cycle.title}' was changed", actor, cycle, fields=changed)


def _require_draft(cycle: Cycle, what: str = "template") -> None:
    check_not_closed(cycle, f"its {what} is read-only")
    if not cycle.is_draft:
        raise ServiceError(f"The {what} can only be changed before the cycle opens")


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
    # Rated on every scale, as every section was before scales were chosen per section (see the rubric page).
    section = TemplateSection(position=len(cycle.sections), scales=list(cycle.scales), **fields)
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


def _move(owner, item, step: int, attribute: str = "sections") -> bool:
    """Swap an item with its neighbour up (step -1) or down (step 1) in `owner`'s list; False at an end."""
    ordered = list(getattr(owner, attribute))
    index = ordered.index(item)
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(owner, ordered, attribute)
    return True


def _renumber(owner, ordered: list, attribute: str = "sections") -> None:
    # Positions are unique per owner: park them out of the way before writing the new order.
    for offset, item in enumerate(ordered):
        item.position = -1 - offset
    db.session.flush()
    for position, item in enumerate(ordered):
        item.position = position
    db.session.flush()
    db.session.expire(owner, [attribute])


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
    if not _move(cycle, section, step):
        return
    record_about("template_section_moved", f"Section '{section.title}' was moved", actor, cycle)


def check_no_other_active(cycle: Cycle, doing: str) -> None:
    """A region runs one cycle at a time between open for submissions and letters released."""
    other = db.session.scalar(
        sa.select(Cycle.title).where(
            Cycle.region_id == cycle.region_id, Cycle.id != cycle.id, Cycle.state.in_(ACTIVE_STATES)
        )
    )
    if other is not None:
        raise ServiceError(
            f"'{other}' is under way in this region. A region runs one cycle at a time: "
            f"close it before {doing} this one."
        )


def open_cycle(actor: User, cycle: Cycle) -> None:
    """Open a draft cycle: authorities can upload their self-assessments, and the template is fixed."""
    lock_for_update(cycle)
    if not cycle.is_draft:
        raise ServiceError("This cycle is already open")
    if not cycle.sections:
        raise ServiceError("Add at least one template section before opening the cycle")
    for scale in cycle.scales:
        if len(scale.levels) < 2:
            raise ServiceError(f"Give the scale '{scale.name}' at least two levels before opening the cycle")
    check_no_other_active(cycle, "opening")
    cycle.state = CycleState.OPEN
    cycle.opened_at = utcnow()
    record_about("cycle_opened", f"Cycle '{cycle.title}' was opened", actor, cycle)


# --- The rubric: scales, their levels, the scales of each section, whether section ratings are required ---

# A scale's key names the review form's fields (`s<section id>-<key>`), so it must not be a text field's name.
RESERVED_KEYS = frozenset({"strengths", "development", "questions", "summary"})


def _rubric_draft(cycle: Cycle) -> None:
    lock_for_update(cycle)
    _require_draft(cycle, "rubric")


def _scale_key(cycle: Cycle, name: str) -> str:
    """A key for a new scale from its name, unique in the cycle: 'Use of data' gives 'use_of_data'."""
    base = re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")[:30] or "scale"
    if base in RESERVED_KEYS:
        base += "_scale"
    taken = {scale.key for scale in cycle.scales}
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}_{number}"
    return key


def _check_scale_name(cycle: Cycle, name: str, scale: RatingScale | None = None) -> None:
    if any(other.name.casefold() == name.casefold() for other in cycle.scales if other is not scale):
        raise ServiceError(f"The cycle already has a scale called '{name}'", field="name")


def add_scale(actor: User, cycle: Cycle, *, name: str, question: str, ordered: bool) -> RatingScale:
    """Add a scale (without levels yet) at the end of a draft cycle's rubric; it is rated overall."""
    _rubric_draft(cycle)
    _check_scale_name(cycle, name)
    scale = RatingScale(
        key=_scale_key(cycle, name),
        name=name,
        question=question,
        ordered=ordered,
        position=max((other.position for other in cycle.scales), default=-1) + 1,
    )
    cycle.scales.append(scale)
    db.session.flush()
    record_about("rubric_scale_added", f"Scale '{name}' was added", actor, cycle, scale=scale.key)
    return scale


def update_scale(actor: User, scale: RatingScale, *, name: str, question: str, ordered: bool) -> None:
    """Change a scale's name, question, and whether its levels are ordered."""
    cycle = scale.cycle
    _rubric_draft(cycle)
    _check_scale_name(cycle, name, scale)
    scale.name, scale.question, scale.ordered = name, question, ordered
    record_about("rubric_scale_updated", f"Scale '{name}' was changed", actor, cycle, scale=scale.key)


def remove_scale(actor: User, scale: RatingScale) -> None:
    """Remove a scale with its levels; the sections rated on it no longer are."""
    cycle = scale.cycle
    _rubric_draft(cycle)
    if len(cycle.scales) == 1:
        raise ServiceError("A rubric needs at least one scale")
    name, key = scale.name, scale.key
    db.session.delete(scale)
    db.session.flush()
    db.session.expire(cycle, ["scales"])
    for section in cycle.sections:
        db.session.expire(section, ["scales"])
    record_about("rubric_scale_removed", f"Scale '{name}' was removed", actor, cycle, scale=key)


def add_level(actor: User, scale: RatingScale, *, label: str, definition: str) -> RatingLevel:
    """Add a level at the end of a scale (the weakest, on an ordered scale)."""
    cycle = scale.cycle
    _rubric_draft(cycle)
    _check_level_label(scale, label)
    level = RatingLevel(position=len(scale.levels), label=label, definition=definition)
    scale.levels.append(level)
    db.session.flush()
    record_about(
        "rubric_level_added", f"Level '{label}' was added to '{scale.name}'", actor, cycle, scale=scale.key
    )
    return level


def _check_level_label(scale: RatingScale, label: str, level: RatingLevel | None = None) -> None:
    if any(other.label.casefold() == label.casefold() for other in scale.levels if other is not level):
        raise ServiceError(f"'{scale.name}' already has a level called '{label}'", field="label")


def update_level(actor: User, level: RatingLevel, *, label: str, definition: str) -> None:
    scale = level.scale
    _rubric_draft(scale.cycle)
    _check_level_label(scale, label, level)
    level.label, level.definition = label, definition
    record_about(
        "rubric_level_updated",
        f"Level '{label}' of '{scale.name}' was changed",
        actor,
        scale.cycle,
        scale=scale.key,
    )


def remove_level(actor: User, level: RatingLevel) -> None:
    """Remove a level; the levels below it move up."""
    scale = level.scale
    _rubric_draft(scale.cycle)
    remaining = [other for other in scale.levels if other.id != level.id]
    label = level.label
    db.session.delete(level)
    db.session.flush()
    _renumber(scale, remaining, "levels")
    record_about(
        "rubric_level_removed",
        f"Level '{label}' of '{scale.name}' was removed",
        actor,
        scale.cycle,
        scale=scale.key,
    )


def move_level(actor: User, level: RatingLevel, step: int) -> None:
    """Move a level one place up (step -1, towards the best) or down (step 1)."""
    scale = level.scale
    _rubric_draft(scale.cycle)
    if not _move(scale, level, step, "levels"):
        return
    record_about(
        "rubric_level_moved",
        f"Level '{level.label}' of '{scale.name}' was moved",
        actor,
        scale.cycle,
        scale=scale.key,
    )


def set_section_scales(actor: User, cycle: Cycle, chosen: dict[int, set[int]]) -> None:
    """Set the scales each section is rated on: section id -> scale ids, every one of this cycle's."""
    _rubric_draft(cycle)
    scales = {scale.id: scale for scale in cycle.scales}
    sections = {section.id: section for section in cycle.sections}
    if not set(chosen) <= set(sections) or not all(ids <= set(scales) for ids in chosen.values()):
        raise ServiceError("Choose only this cycle's sections and scales")
    changed = []
    for section in cycle.sections:
        wanted = [scale for scale in cycle.scales if scale.id in chosen.get(section.id, set())]
        if wanted != list(section.scales):
            section.scales = wanted
            changed.append(section.title)
    if changed:
        record_about(
            "rubric_section_scales_changed",
            "The scales of the sections were changed",
            actor,
            cycle,
            sections=changed,
        )


def set_section_ratings_required(actor: User, cycle: Cycle, required: bool) -> None:
    """Whether reviewers must rate every section before submitting, or only give the overall ratings."""
    _rubric_draft(cycle)
    if cycle.section_ratings_required == required:
        return
    cycle.section_ratings_required = required
    summary = "Section ratings are now required" if required else "Section ratings are now optional"
    record_about("rubric_section_ratings_required", summary, actor, cycle, required=required)

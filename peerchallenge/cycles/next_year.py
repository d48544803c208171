"""Starting next year's cycle from this one: the same template, rubric, settings and letter, a year on."""

import re
from datetime import date

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.models import Cycle, CycleState, RatingLevel, RatingScale, TemplateSection
from peerchallenge.cycles.services import DETAIL_FIELDS
from peerchallenge.extensions import db

# Every date of the cycle's details moves on by a year.
DATE_FIELDS = tuple(key for key in DETAIL_FIELDS if key.endswith("_on"))
# The settings a lead chose for this year's cycle, carried into next year's as they are.
COPIED_SETTINGS = (
    "peers_per_authority",
    "assignment_model",
    "group_size",
    "moderation",
    "moderators_per_submission",
    "anonymous",
    "co_reviews_visible_after_submission",
    "letter_annex",
    "signatory_name",
    "signatory_title",
    "section_ratings_required",
    "letter_template",
)
# A year in a title, with an academic year's short second half: "2026", "2026-27", "2026/27".
YEAR_IN_TITLE = re.compile(r"\b(20\d\d)(?:([-/–])(\d\d))?\b")
MAX_TITLE = 150


def a_year_later(day: date) -> date:
    """The same day a year on; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year + 1, day=28)
    return day.replace(year=day.year + 1)


def next_title(title: str, year: int) -> str:
    """The title with its years moved on one ("... 2026" gives "... 2027"), or next year added to it."""

    def move(match: re.Match) -> str:
        first = int(match.group(1)) + 1
        if match.group(3) is None:
            return str(first)
        return f"{first}{match.group(2)}{(int(match.group(3)) + 1) % 100:02d}"

    moved = YEAR_IN_TITLE.sub(move, title)
    return moved if moved != title else f"{title} ({year + 1})"


def free_title(region_id: int, wanted: str) -> str:
    """The wanted title, or it with a number added when another cycle of the region has it."""
    taken = {
        title.casefold()
        for title in db.session.scalars(sa.select(Cycle.title).where(Cycle.region_id == region_id))
    }
    title, number = wanted[:MAX_TITLE], 2
    while title.casefold() in taken:
        suffix = f" ({number})"
        title, number = wanted[: MAX_TITLE - len(suffix)] + suffix, number + 1
    return title


def _copy_rubric(source: Cycle, cycle: Cycle) -> None:
    """The scales and their levels, then the sections with the scales each is rated on."""
    scales: dict[int, RatingScale] = {}
    for scale in source.scales:
        copied = RatingScale(
            key=scale.key,
            name=scale.name,
            question=scale.question,
            position=scale.position,
            ordered=scale.ordered,
        )
        copied.levels = [
            RatingLevel(position=level.position, label=level.label, definition=level.definition)
            for level in scale.levels
        ]
        cycle.scales.append(copied)
        scales[scale.id] = copied
    for section in source.sections:
        cycle.sections.append(
            TemplateSection(
                position=section.position,
                title=section.title,
                guidance=section.guidance,
                suggested_words=section.suggested_words,
                optional=section.optional,
                other_headings=list(section.other_headings),
                scales=[scales[scale.id] for scale in section.scales],
            )
        )


def start_next_year(actor: User, source: Cycle) -> Cycle:
    """A draft cycle for the region a year on, with this cycle's template, rubric, settings and letter."""
    cycle = Cycle(
        region_id=source.region_id,
        title=free_title(source.region_id, next_title(source.title, source.year)),
        year=source.year + 1,
        state=CycleState.DRAFT,
        **{key: getattr(source, key) for key in COPIED_SETTINGS},
        **{
            key: None if getattr(source, key) is None else a_year_later(getattr(source, key))
            for key in DATE_FIELDS
        },
    )
    _copy_rubric(source, cycle)
    db.session.add(cycle)
    db.session.flush()
    record_about(
        "cycle_created",
        f"Cycle '{cycle.title}' was started from '{source.title}'",
        actor,
        cycle,
        from_cycle_id=source.id,
    )
    return cycle

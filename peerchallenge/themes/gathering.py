"""The texts a cycle's themes are read from: one small function per source, listed in SOURCES.

Each returns `Passage`s: the authority a text is about, where it comes from, the section, the text and the
record it is in. Each reads in a fixed number of queries, whatever the number of authorities. A new source
is one more function added to SOURCES.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.models import Cycle, TemplateSection
from peerchallenge.datapack.models import DevelopmentArea
from peerchallenge.extensions import db
from peerchallenge.letters.choice import PointKind
from peerchallenge.letters.models import Letter, LetterPoint
from peerchallenge.reviews.models import Review
from peerchallenge.submissions.models import SectionText, Submission, SubmissionVersion
from peerchallenge.themes.asks import AUTHORITY, PEERS, worries_in
from peerchallenge.themes.models import Source

OVERALL = "Overall"
AREAS_FOR_DEVELOPMENT = "Areas for development"


@dataclass(frozen=True)
class Passage:
    """A text about an authority: where it is from (`source`, `section`, `origin`), and whose voice its asks
    and offers are read in (the self-assessment's plans: the authority's; a letter's points: its peers'), if
    they are read at all."""

    authority_id: int
    source: Source
    section: str
    text: str
    origin: str
    voice: str | None = None


def review_passages(cycle: Cycle) -> Iterable[Passage]:
    """Each peer review's strengths, areas for development and challenge questions, section by section."""
    titles = _section_titles(cycle)
    rows = db.session.execute(
        sa.select(Review.id, Review.content, Assignment.reviewed_id)
        .join(Assignment, Review.assignment_id == Assignment.id)
        .where(Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED)
        .order_by(Review.id)
    ).all()
    for review_id, content, authority_id in rows:
        parts = [(titles.get(int(key), ""), part) for key, part in (content.get("sections") or {}).items()]
        parts.append((OVERALL, content.get("overall") or {}))
        origin = f"review:{review_id}"
        for section, part in parts:
            if text := part.get("strengths"):
                yield Passage(authority_id, Source.REVIEW_STRENGTH, section, text, origin)
            if text := part.get("development"):
                yield Passage(authority_id, Source.REVIEW_DEVELOPMENT, section, text, origin)
            for question in part.get("questions") or ():
                yield Passage(authority_id, Source.REVIEW_QUESTION, section, question, origin)


LETTER_SOURCES = {
    PointKind.STRENGTH: Source.LETTER_STRENGTH,
    PointKind.CONSIDERATION: Source.LETTER_CONSIDERATION,
    PointKind.ENQUIRY: Source.LETTER_ENQUIRY,
}


def letter_passages(cycle: Cycle) -> Iterable[Passage]:
    """Each letter's chosen points: strengths, areas for consideration and key lines of enquiry."""
    rows = db.session.execute(
        sa.select(
            LetterPoint.id, LetterPoint.kind, LetterPoint.text, LetterPoint.section, Letter.authority_id
        )
        .join(Letter, LetterPoint.letter_id == Letter.id)
        .where(Letter.cycle_id == cycle.id)
        .order_by(Letter.id, LetterPoint.kind, LetterPoint.position)
    ).all()
    for point_id, kind, text, section, authority_id in rows:
        yield Passage(
            authority_id, LETTER_SOURCES[kind], section, text, f"letter_point:{point_id}", voice=PEERS
        )


def is_plans_section(title: str) -> bool:
    """The template's "Plans, asks and offers" section (or a lead's own with asks or offers in its title)."""
    words = title.casefold()
    return words.startswith("plans") or "asks" in words or "offers" in words


def self_assessment_passages(cycle: Cycle) -> Iterable[Passage]:
    """The current version of each self-assessment: its plans section whole (plans, asks and offers), and
    from every other section the sentences naming its own worries ("What worries us: ..."), unless the
    authority has listed its areas for development (development_area_passages reads those instead)."""
    listed = set(
        db.session.scalars(
            sa.select(DevelopmentArea.authority_id).where(DevelopmentArea.cycle_id == cycle.id).distinct()
        )
    )
    latest = (
        sa.select(sa.func.max(SubmissionVersion.id))
        .join(Submission, SubmissionVersion.submission_id == Submission.id)
        .where(Submission.cycle_id == cycle.id)
        .group_by(SubmissionVersion.submission_id)
    )
    rows = db.session.execute(
        sa.select(SectionText.id, SectionText.markdown, TemplateSection.title, Submission.authority_id)
        .join(SubmissionVersion, SectionText.version_id == SubmissionVersion.id)
        .join(Submission, SubmissionVersion.submission_id == Submission.id)
        .join(TemplateSection, SectionText.template_section_id == TemplateSection.id)
        .where(SubmissionVersion.id.in_(latest), SectionText.found.is_(True))
        .order_by(Submission.authority_id, SectionText.position)
    ).all()
    for section_id, markdown, title, authority_id in rows:
        origin = f"section_text:{section_id}"
        if is_plans_section(title):
            yield Passage(authority_id, Source.SELF_ASSESSMENT_PLAN, title, markdown, origin, voice=AUTHORITY)
        elif authority_id not in listed:
            for worry in worries_in(markdown):
                yield Passage(authority_id, Source.SELF_ASSESSMENT_WORRY, title, worry, origin)


def development_area_passages(cycle: Cycle) -> Iterable[Passage]:
    """The areas for development each authority listed on its self-assessment page (the data pack's
    calibration), as it confirmed or edited them."""
    rows = db.session.execute(
        sa.select(DevelopmentArea.id, DevelopmentArea.text, DevelopmentArea.authority_id)
        .where(DevelopmentArea.cycle_id == cycle.id)
        .order_by(DevelopmentArea.authority_id, DevelopmentArea.position)
    ).all()
    for area_id, text, authority_id in rows:
        yield Passage(
            authority_id,
            Source.SELF_ASSESSMENT_WORRY,
            AREAS_FOR_DEVELOPMENT,
            text,
            f"development_area:{area_id}",
        )


SOURCES: tuple[Callable[[Cycle], Iterable[Passage]], ...] = (
    review_passages,
    letter_passages,
    self_assessment_passages,
    development_area_passages,
)


def passages(cycle: Cycle) -> list[Passage]:
    """Every passage of every source."""
    return [passage for source in SOURCES for passage in source(cycle)]


def _section_titles(cycle: Cycle) -> dict[int, str]:
    return dict(
        db.session.execute(
            sa.select(TemplateSection.id, TemplateSection.title).where(TemplateSection.cycle_id == cycle.id)
        ).all()
    )

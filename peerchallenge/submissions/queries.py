"""Reading self-assessments for pages, in a fixed number of queries."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.queries import previous_cycle
from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority
from peerchallenge.regions.queries import predecessors
from peerchallenge.status import Tag
from peerchallenge.submissions.models import SectionText, Submission, SubmissionVersion


@dataclass
class SubmissionStatus:
    authority: Authority
    submission: Submission | None

    @property
    def is_started(self) -> bool:
        """Something has been uploaded."""
        return self.submission is not None and bool(self.submission.versions)

    @property
    def tag(self) -> Tag:
        if not self.is_started:
            return Tag("Not started", "grey")
        assert self.submission is not None  # it is started
        if self.submission.is_signed_off:
            return Tag("Signed off late", "orange") if self.submission.is_late else Tag("Signed off", "green")
        return Tag("Draft", "yellow")

    @property
    def is_signed_off(self) -> bool:
        return self.submission is not None and self.submission.is_signed_off

    @property
    def current_version(self) -> SubmissionVersion | None:
        return self.submission.current_version if self.submission else None


def submission_statuses(cycle: Cycle) -> list[SubmissionStatus]:
    """Every authority of the cycle's region with its self-assessment, if any, by authority name."""
    authorities = db.session.scalars(
        sa.select(Authority).where(Authority.region_id == cycle.region_id).order_by(Authority.name)
    ).all()
    submissions = {
        submission.authority_id: submission
        for submission in db.session.scalars(
            sa.select(Submission)
            .where(Submission.cycle_id == cycle.id)
            .options(
                selectinload(Submission.versions).selectinload(SubmissionVersion.created_by),
                selectinload(Submission.signed_off_by),
            )
        )
    }
    return [SubmissionStatus(authority, submissions.get(authority.id)) for authority in authorities]


def find_submission(cycle: Cycle, authority: Authority) -> Submission | None:
    return db.session.scalar(
        sa.select(Submission).where(Submission.cycle_id == cycle.id, Submission.authority_id == authority.id)
    )


def written_section_ids(cycle: Cycle, authority: Authority) -> set[int] | None:
    """The template sections the authority's self-assessment has text for (None before there is one)."""
    submission = find_submission(cycle, authority)
    return written_in(submission.current_version if submission else None)


def written_in(version: SubmissionVersion | None) -> set[int] | None:
    """`written_section_ids` of a version already loaded."""
    if version is None:
        return None
    return {
        text.template_section_id
        for text in version.sections
        if text.template_section_id is not None and text.markdown.strip()
    }


def submissions_for(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Submission]:
    """Self-assessments for (cycle id, authority id) pairs, in one query, with their versions."""
    if not pairs:
        return {}
    query = (
        sa.select(Submission)
        .where(
            Submission.cycle_id.in_({cycle_id for cycle_id, _ in pairs}),
            Submission.authority_id.in_({authority_id for _, authority_id in pairs}),
        )
        .options(selectinload(Submission.versions))
    )
    found = {(s.cycle_id, s.authority_id): s for s in db.session.scalars(query)}
    return {pair: submission for pair, submission in found.items() if pair in pairs}


def status_pairs(cycles_by_region: dict[int, Cycle], authorities: list[Authority]) -> set[tuple[int, int]]:
    """The (cycle id, authority id) pairs `authority_statuses` reads."""
    return {(cycles_by_region[a.region_id].id, a.id) for a in authorities if a.region_id in cycles_by_region}


def authority_statuses(
    cycles_by_region: dict[int, Cycle],
    authorities: list[Authority],
    submissions: dict[tuple[int, int], Submission] | None = None,
) -> dict[int, tuple[Cycle, SubmissionStatus]]:
    """For each authority whose region has a cycle under way: that cycle and its self-assessment status
    (`submissions`: `submissions_for` at least their `status_pairs`, when the caller has read them)."""
    wanted = [(cycles_by_region[a.region_id], a) for a in authorities if a.region_id in cycles_by_region]
    if submissions is None:
        submissions = submissions_for(status_pairs(cycles_by_region, authorities))
    return {
        authority.id: (cycle, SubmissionStatus(authority, submissions.get((cycle.id, authority.id))))
        for cycle, authority in wanted
    }


@dataclass
class LastYearsText:
    """The authority's self-assessment in the region's cycle before, as stored HTML, for comparing with."""

    year: int
    by_title: dict[str, str]  # a template section's title (see title_key) -> its HTML
    whole: str  # every part, one after another

    def html_for(self, title: str | None) -> str:
        """Last year's HTML of the section with this title; all of last year's if none (or no title)."""
        if title is not None and (found := self.by_title.get(title_key(title))) is not None:
            return found
        return self.whole


def title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def last_year(cycle: Cycle, authority: Authority) -> LastYearsText | None:
    """The authority's current version in the region's previous cycle (`cycles.queries.previous_cycle`,
    whatever its state), with those of the authorities it carried on from; None if there is none."""
    earlier = previous_cycle(cycle)
    if earlier is None:
        return None
    order = [authority.id] + [predecessor.id for predecessor in predecessors(authority)]
    found = submissions_for({(earlier.id, authority_id) for authority_id in order})
    versions = [
        version
        for authority_id in order
        if (submission := found.get((earlier.id, authority_id))) and (version := submission.current_version)
    ]
    if not versions:
        return None
    texts = db.session.scalars(
        sa.select(SectionText)
        .where(SectionText.version_id.in_([version.id for version in versions]))
        .options(selectinload(SectionText.template_section))
    ).all()
    rank = {version.id: number for number, version in enumerate(versions)}
    texts = sorted(texts, key=lambda text: (rank[text.version_id], text.position))
    by_title: dict[str, str] = {}
    for text in texts:
        if text.template_section is not None:
            key = title_key(text.template_section.title)
            by_title[key] = by_title.get(key, "") + text.html
    return LastYearsText(earlier.year, by_title, "".join(text.html for text in texts))

"""Reading letters for pages, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from peerchallenge.accounts.models import Role, User
from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterRead, LetterState
from peerchallenge.regions.models import Authority
from peerchallenge.regions.queries import predecessor_ids
from peerchallenge.reviews.queries import ReviewStatus, cycle_review_statuses
from peerchallenge.status import Tag


@dataclass
class LetterRow:
    """One reviewed authority of a cycle: how many reviews are in, and its letter if composed."""

    authority: Authority
    reviews: list[ReviewStatus]
    letter: Letter | None

    @property
    def submitted(self) -> int:
        return sum(1 for status in self.reviews if status.review is not None and status.review.is_submitted)

    @property
    def tag(self) -> Tag:
        letter = self.letter
        if letter is None:
            return Tag(f"Waiting for reviews ({self.submitted} of {len(self.reviews)} submitted)", "grey")
        if letter.is_released:
            if letter.has_response:
                return Tag("Responded", "green")
            return Tag("Read", "turquoise") if letter.is_read else Tag("Released", "blue")
        if letter.reviews_changed_at is not None:
            return Tag("Reviews changed", "orange")
        if letter.is_approved:
            return Tag("Approved", "purple")
        return Tag("Edited" if letter.is_edited else "Composed", "yellow")

    @property
    def label(self) -> str:
        return self.tag.text


def cycle_letter_rows(cycle: Cycle) -> list[LetterRow]:
    """Every authority reviewed in the cycle, by name, with its reviews and letter."""
    by_authority: dict[int, list[ReviewStatus]] = defaultdict(list)
    authorities: dict[int, Authority] = {}
    for status in cycle_review_statuses(cycle):
        by_authority[status.assignment.reviewed_id].append(status)
        authorities[status.assignment.reviewed_id] = status.assignment.reviewed
    letters = {
        letter.authority_id: letter
        for letter in db.session.scalars(
            sa.select(Letter)
            .where(Letter.cycle_id == cycle.id)
            .options(selectinload(Letter.versions), selectinload(Letter.reads))
        )
    }
    rows = [LetterRow(authorities[key], statuses, letters.get(key)) for key, statuses in by_authority.items()]
    return sorted(rows, key=lambda row: row.authority.name)


def readers(letter: Letter) -> list[tuple[User, LetterRead | None]]:
    """The authority's people and when each first read the letter (None: not yet)."""
    from peerchallenge.letters.services import authority_people

    reads = {read.user_id: read for read in letter.reads}
    people = authority_people(letter.authority_id)
    listed = {person.id for person in people}
    # Someone who read it and has since left the authority still counts as having read it.
    extra = [(read.user, read) for read in letter.reads if read.user_id not in listed]
    return [(person, reads.get(person.id)) for person in people] + extra


def released_letters_for(user: User, *, inherited: bool = False) -> list[Letter]:
    """Released letters to the user's authorities (`inherited`: those they carry on from), newest first."""
    ids: Iterable[int] = user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR)
    if inherited:
        ids = predecessor_ids(ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Letter)
            .where(Letter.authority_id.in_(list(ids)), Letter.state == LetterState.RELEASED)
            .options(selectinload(Letter.authority), selectinload(Letter.cycle))
            .order_by(Letter.released_at.desc())
        )
    )


def peer_letters_for(user: User) -> list[Letter]:
    """Released letters to authorities the user's authority reviewed, so peers see the response."""
    from peerchallenge.assignments.access import review_writer_authority_ids
    from peerchallenge.assignments.models import Assignment, AssignmentState

    writers = review_writer_authority_ids(user)
    if not writers:
        return []
    reviewed = sa.select(Assignment.cycle_id, Assignment.reviewed_id).where(
        Assignment.reviewer_id.in_(writers), Assignment.state == AssignmentState.PUBLISHED
    )
    return list(
        db.session.scalars(
            sa.select(Letter)
            .where(
                sa.tuple_(Letter.cycle_id, Letter.authority_id).in_(reviewed),
                Letter.state == LetterState.RELEASED,
            )
            .options(selectinload(Letter.authority), selectinload(Letter.cycle))
            .order_by(Letter.released_at.desc())
        )
    )

"""Review transitions: save a draft, submit, reopen. Each save checks the version it started from."""

from collections.abc import Collection
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from peerchallenge.accounts.models import Role, User
from peerchallenge.accounts.queries import authority_users, region_leads
from peerchallenge.assignments.access import review_submitter_authority_ids
from peerchallenge.assignments.models import Assignment
from peerchallenge.assignments.queries import submitting_delegation_nominator
from peerchallenge.audit.services import record_about
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.dates import uk_date
from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.letters.services import compose_when_complete, mark_review_reopened
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.reviews import content as review_content
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.status import Tag
from peerchallenge.submissions.queries import find_submission, written_section_ids


def written_sections(assignment: Assignment) -> set[int] | None:
    """The template sections the reviewed self-assessment has text for (None before there is one)."""
    return written_section_ids(assignment.cycle, assignment.reviewed)


def template_parts(cycle: Cycle, written: Collection[int] | None = None) -> list[review_content.Section]:
    """The cycle's sections as the review reads them; given the sections the self-assessment has text for
    (`written_sections`), an optional section without text is not included and has nothing to rate."""
    return [
        review_content.Section(
            section.id,
            section.title,
            section.scale_keys,
            included=not section.optional or written is None or section.id in written,
        )
        for section in cycle.sections
    ]


def review_parts(assignment: Assignment) -> list[review_content.Section]:
    """The sections an assignment reviews, each with its scales and whether the self-assessment has it."""
    return template_parts(assignment.cycle, written_sections(assignment))


def scales(cycle: Cycle) -> list[review_content.Scale]:
    return [
        review_content.Scale(
            scale.key, scale.name, tuple(level.position for level in scale.levels), ordered=scale.ordered
        )
        for scale in cycle.scales
    ]


def missing_ratings(
    assignment: Assignment, content: dict, parts: list[review_content.Section] | None = None
) -> dict[str, list[str]]:
    """The ratings a submit of this content still needs, per part (see reviews.content.missing_ratings);
    `parts` are the assignment's `review_parts`, when the caller has them already."""
    cycle = assignment.cycle
    return review_content.missing_ratings(
        content,
        review_parts(assignment) if parts is None else parts,
        scales(cycle),
        section_ratings_required=cycle.section_ratings_required,
    )


class PartProgress(NamedTuple):
    """How far the reviewer has got with one part of the form, for the contents list."""

    anchor: str
    title: str
    tag: Tag


NOT_INCLUDED = Tag("Not included", "grey")
NOT_STARTED = Tag("Not started", "grey")
IN_PROGRESS = Tag("In progress", "light-blue")
DONE = Tag("Done", "green")


def _progress_tag(values: dict, ratings_missing: bool) -> Tag:
    written = any(values.get(field) for field in review_content.TEXT_FIELDS)
    if written and not ratings_missing:
        return DONE
    if written or values.get("ratings") or values.get("questions") or values.get("summary"):
        return IN_PROGRESS
    return NOT_STARTED


def progress(
    assignment: Assignment, content: dict, sections: list[review_content.Section] | None = None
) -> list[PartProgress]:
    """Each section's state, then the overall part's: done once it has strengths or areas for development
    and every required rating; a section the self-assessment left out is "Not included". `sections` are the
    assignment's `review_parts`, when the caller has them already."""
    sections = review_parts(assignment) if sections is None else sections
    missing = missing_ratings(assignment, content, sections)
    parts = [(section.id, section.title, section.included) for section in sections]
    return [
        PartProgress(
            "overall" if key is None else f"section-{key}",
            title,
            _progress_tag(review_content.part(content, key), title in missing) if included else NOT_INCLUDED,
        )
        for key, title, included in [*parts, (None, "Overall", True)]
    ]


def find_review(assignment: Assignment) -> Review | None:
    return db.session.scalar(sa.select(Review).where(Review.assignment_id == assignment.id))


class ReviewChanged(EditConflict):
    """Someone saved the review after this page was opened; nothing was saved."""

    def __init__(self, current: Review | None):
        who = current.updated_by.name if current is not None else "someone else"
        super().__init__(
            f"This review was changed by {who} after you opened it. "
            "Nothing you typed has been lost: it is in the form below. "
            "Compare it with theirs, then save again."
        )
        self.current = current


class NotSignedOff(ServiceError):
    """The self-assessment under review has not been signed off, so the review cannot start."""


def closed_reason(cycle: Cycle) -> str | None:
    """Why reviews of this cycle cannot be written, submitted or reopened now, or None while they can."""
    if cycle.accepts_reviews:
        return None
    if closed := cycle_services.closed_reason(cycle, "reviews are read-only"):
        return closed
    if cycle.state in (CycleState.DRAFT, CycleState.OPEN):
        return "Reviews have not started yet. Your regional lead starts them once self-assessments are in."
    if cycle.state == CycleState.MODERATION:
        return "Reviews have not started yet: the self-assessments are being moderated."
    return "Letters have been released, so reviews can no longer be changed."


def require_reviews_open(cycle: Cycle) -> None:
    if reason := closed_reason(cycle):
        raise ServiceError(reason)


def not_ready_reason(assignment: Assignment) -> str | None:
    """Why the review can't be written yet, or None: peers review only what the authority's DCS signed off."""
    submission = find_submission(assignment.cycle, assignment.reviewed)
    if submission is None or not submission.is_signed_off:
        return f"{assignment.reviewed.name}'s self-assessment has not been signed off yet."
    return None


def check_ready_for_review(assignment: Assignment) -> None:
    """Refuse unless the reviewed self-assessment is signed off."""
    reason = not_ready_reason(assignment)
    if reason:
        raise NotSignedOff(reason)


def save_draft(actor: User, assignment: Assignment, content: dict, base_version: int) -> Review:
    """Save the form as it is, complete or not; refused before sign-off, after submission or on a conflict."""
    require_reviews_open(assignment.cycle)
    check_ready_for_review(assignment)
    review = find_review(assignment)
    if review is None:
        if base_version != 0:
            raise ServiceError("This review could not be found. Reload the page and try again.")
        review = Review(assignment=assignment, state=ReviewState.DRAFT, content=content, updated_by=actor)
        db.session.add(review)
    else:
        if review.is_submitted:
            raise ServiceError("This review has been submitted and can no longer be changed.")
        if review.version != base_version:
            raise ReviewChanged(review)
        review.content = content
        review.updated_by = actor
        review.updated_at = utcnow()
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:
        # Two saves passed the version check at the same moment; the database let only one through.
        raise ReviewChanged(None) from error
    record_about(
        "review_saved",
        f"{assignment.reviewer.name}'s review of {assignment.reviewed.name} was saved",
        actor,
        assignment,
        version=review.version,
    )
    return review


def save_complete_draft(actor: User, assignment: Assignment, content: dict, base_version: int) -> Review:
    """Save the draft, then refuse (keeping it) unless every required rating is given."""
    missing = missing_ratings(assignment, content)
    review = save_draft(actor, assignment, content, base_version)
    if missing:
        raise IncompleteReview(missing, review)
    return review


class NotAllowedToSubmit(ServiceError):
    """A delegate whom the director has not let submit; they mark the review ready instead."""


def _directors(assignment: Assignment) -> list[User]:
    return authority_users(assignment.reviewer_id, Role.DIRECTOR)


def _submitted_for(delegate: User, assignment: Assignment, directors: list[User]) -> User | None:
    """The director a delegate submits for: the one who let them submit, while still a director there."""
    nominated_by = submitting_delegation_nominator(delegate.id, assignment.reviewer_id)
    chosen = [director for director in directors if director.id == nominated_by] or directors
    return chosen[0] if chosen else None


def mark_ready(actor: User, assignment: Assignment, content: dict, base_version: int) -> Review:
    """A delegate saves a complete draft and tells the reviewing authority's director it is ready."""
    review = save_complete_draft(actor, assignment, content, base_version)
    review.mark_ready(actor)
    record_about(
        "review_marked_ready",
        f"{assignment.reviewer.name}'s review of {assignment.reviewed.name} was marked ready by {actor.name}",
        actor,
        assignment,
    )
    for director in _directors(assignment):
        queue_email(
            director,
            "review_ready",
            f"{assignment.cycle.title}: your review of {assignment.reviewed.name} is ready to submit",
            f"Dear {director.how_to_address},\n\n{actor.name} has finished drafting "
            f"{assignment.reviewer.name}'s "
            f"review of {assignment.reviewed.name}. Check it and submit it by "
            f"{uk_date(assignment.cycle.reviews_due_on)}:\n"
            f"{public_url('reviews.review_page', assignment_id=assignment.id)}\n",
            region_id=assignment.cycle.region_id,
        )
    return review


def submit(actor: User, assignment: Assignment, content: dict, base_version: int) -> Review:
    """Save and submit: every required rating is given; after this the review is read-only.

    The reviewing authority's director submits, or a delegate they let submit on their behalf.
    """
    if assignment.reviewer_id not in review_submitter_authority_ids(actor):
        raise NotAllowedToSubmit(
            f"Only {assignment.reviewer.name}'s director can submit this review. "
            "Mark it ready and they will be emailed."
        )
    # The reviews of one authority are submitted one at a time, so the last one sees all the others
    # and composes the letter exactly once.
    submission = find_submission(assignment.cycle, assignment.reviewed)
    if submission is not None:
        lock_for_update(submission)
    review = save_complete_draft(actor, assignment, content, base_version)
    directors = _directors(assignment)
    delegated = assignment.reviewer_id not in actor.authority_ids(Role.DIRECTOR)
    review.state = ReviewState.SUBMITTED
    review.submitted_at = utcnow()
    review.submitted_by = actor
    review.submitted_for = _submitted_for(actor, assignment, directors) if delegated else None
    db.session.flush()
    late = " (late)" if review.is_late else ""
    on_behalf = f" by {actor.name} for {review.submitted_for.name}" if review.submitted_for else ""
    record_about(
        "review_submitted",
        f"{assignment.reviewer.name}'s review of {assignment.reviewed.name} was submitted{on_behalf}{late}",
        actor,
        assignment,
        late=review.is_late,
        submitted_for=review.submitted_for.name if review.submitted_for else None,
    )
    if delegated:
        _tell_directors_submitted(actor, assignment, directors)
    for lead in region_leads(assignment.cycle.region_id):
        queue_email(
            lead,
            "review_submitted",
            f"{assignment.cycle.title}: review of {assignment.reviewed.name} submitted",
            f"Dear {lead.how_to_address},\n\n{assignment.reviewer.name} has submitted its review of "
            f"{assignment.reviewed.name}{late}:\n"
            f"{public_url('reviews.review_page', assignment_id=assignment.id)}\n",
            region_id=assignment.cycle.region_id,
        )
    compose_when_complete(actor, assignment.cycle, assignment.reviewed)
    return review


def _tell_directors_submitted(actor: User, assignment: Assignment, directors: list[User]) -> None:
    for director in directors:
        queue_email(
            director,
            "review_submitted_for_you",
            f"{assignment.cycle.title}: {actor.name} submitted your review of {assignment.reviewed.name}",
            f"Dear {director.how_to_address},\n\n{actor.name} has submitted "
            f"{assignment.reviewer.name}'s review of "
            f"{assignment.reviewed.name} on your behalf:\n"
            f"{public_url('reviews.review_page', assignment_id=assignment.id)}\n",
            region_id=assignment.cycle.region_id,
        )


class IncompleteReview(ServiceError):
    """A review submitted or marked ready without every required rating; the draft was saved."""

    def __init__(self, missing: dict[str, list[str]], review: Review):
        super().__init__(
            "Your draft has been saved, but the review cannot be submitted or marked ready until every "
            "required rating is given."
        )
        self.missing = missing
        self.review = review


def reopen(actor: User, review: Review) -> None:
    """The lead reopens a submitted review so its reviewer can change it."""
    lock_for_update(review)
    require_reviews_open(review.assignment.cycle)
    if not review.is_submitted:
        raise ServiceError("This review is not submitted")
    mark_review_reopened(actor, review.assignment)
    review.state = ReviewState.DRAFT
    review.submitted_at = None
    review.submitted_by = None
    review.submitted_for = None
    review.clear_ready()
    record_about(
        "review_reopened",
        f"The review of {review.assignment.reviewed.name} by {review.assignment.reviewer.name} was reopened",
        actor,
        review.assignment,
    )

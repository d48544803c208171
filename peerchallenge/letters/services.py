"""Letter transitions: compose, edit, restore, approve, release, read, respond.

Each function checks the state, changes the models, writes the audit event and queues the emails; the
request commits. The letter's text is always its latest version, so nothing the lead typed is lost.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from peerchallenge.accounts.models import Role, User
from peerchallenge.accounts.queries import authority_users, region_leads
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.services import check_not_closed
from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.letters import compose as composition
from peerchallenge.letters.choice import (
    RANGE_WORDS,
    Candidate,
    Point,
    PointKind,
    Row,
    as_point,
    candidates,
    count_advice,
    default_choice,
    rows,
)
from peerchallenge.letters.files import letter_file, render_files
from peerchallenge.letters.models import (
    FileKind,
    Letter,
    LetterPoint,
    LetterRead,
    LetterState,
    LetterVersion,
    VersionSource,
)
from peerchallenge.letters.template import (
    DEFAULT_LETTER_TEMPLATE,
    TemplateProblem,
    carries_chosen_points,
    check_template,
    render_letter,
)
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.regions.models import Authority
from peerchallenge.reviews.models import Review
from peerchallenge.sanitise import plain_text, render_markdown
from peerchallenge.submissions.queries import written_section_ids
from peerchallenge.text_limits import shape_problem

MAX_LETTER = 100_000
MAX_RESPONSE = 20_000


class LetterChanged(EditConflict):
    """Someone saved the letter after this page was opened; nothing was saved."""

    def __init__(self, letter: Letter | None):
        # Without a letter (the database refused a second save), its objects are not read again.
        version = letter.current_version if letter is not None else None
        who = (
            (version.created_by.name if version.created_by else "the service") if version else "someone else"
        )
        super().__init__(
            f"This letter was changed by {who} after you opened it. Nothing you typed has been lost: "
            "it is in the box below. Compare it with the current text, then save again."
        )


LETTERS_READ_ONLY = "its letters are read-only"  # once the cycle is closed


def find_letter(cycle: Cycle, authority: Authority) -> Letter | None:
    return db.session.scalar(
        sa.select(Letter).where(Letter.cycle_id == cycle.id, Letter.authority_id == authority.id)
    )


def peer_reviews(cycle: Cycle, authority: Authority) -> list[tuple[Assignment, Review | None]]:
    """The published assignments reviewing this authority, in a stable order, with their reviews."""
    rows = db.session.execute(
        sa.select(Assignment, Review)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.cycle_id == cycle.id,
            Assignment.reviewed_id == authority.id,
            Assignment.state == AssignmentState.PUBLISHED,
        )
        .options(selectinload(Assignment.reviewer))
        .order_by(Assignment.id)
    ).all()
    return [(assignment, review) for assignment, review in rows]


def reviews_complete(pairs: Sequence[tuple[Assignment, Review | None]]) -> bool:
    return bool(pairs) and all(review is not None and review.is_submitted for _, review in pairs)


def _specs(cycle: Cycle) -> tuple[list[composition.SectionSpec], list[composition.ScaleSpec]]:
    sections = [
        composition.SectionSpec(section.id, section.title, section.scale_keys) for section in cycle.sections
    ]
    scales = [
        composition.ScaleSpec(
            scale.key,
            scale.name,
            tuple((level.position, level.label) for level in scale.levels),
            ordered=scale.ordered,
            definitions=tuple(level.definition for level in scale.levels),
        )
        for scale in cycle.scales
    ]
    return sections, scales


def left_out_sections(cycle: Cycle, authority: Authority) -> set[str]:
    """The titles of optional sections the authority's self-assessment does not have."""
    written = written_section_ids(cycle, authority)
    if written is None:
        return set()
    return {section.title for section in cycle.sections if section.optional and section.id not in written}


def _director_names(directors: Sequence[User]) -> str:
    return composition.join_names([director.name for director in directors]) or composition.DCS_TITLE


EXAMPLE_SIGNATORY = composition.Signatory("Sam Example", composition.DCS_TITLE, "Example Peer Council")


def signatories(
    cycle: Cycle, pairs: Sequence[tuple[Assignment, Review | None]], *, example: bool = False
) -> str:
    """Who signs the letter: the cycle's signatory, else the directors of the peers whose reviews it uses."""
    named = composition.Signatory(cycle.signatory_name, cycle.signatory_title)
    peers = [EXAMPLE_SIGNATORY] if example else []
    if not cycle.signatory_name.strip() and not cycle.anonymous:
        for assignment, review in pairs:
            if review is not None and review.is_submitted:
                peers += [
                    composition.Signatory(director.name, composition.DCS_TITLE, assignment.reviewer.name)
                    for director in authority_users(assignment.reviewer_id, Role.DIRECTOR)
                ]
    return composition.signatories_markdown(peers, anonymous=cycle.anonymous, named=named)


@dataclass(frozen=True)
class Chosen:
    """What the letter says of the reviews: the headline and the points chosen, in order."""

    headline: str
    points: Mapping[PointKind, Sequence[str]]

    @classmethod
    def by_default(cls, composed: composition.Composition) -> "Chosen":
        points = default_choice(composed)
        return cls(composed.headline, {kind: [point.text for point in points[kind]] for kind in PointKind})

    @classmethod
    def of(cls, letter: Letter) -> "Chosen":
        points: dict[PointKind, list[str]] = {kind: [] for kind in PointKind}
        for point in sorted(letter.points, key=lambda point: point.position):
            points[point.kind].append(point.text)
        return cls(letter.headline, points)


def template_values(
    cycle: Cycle,
    authority: Authority | None,
    composed: composition.Composition,
    pairs: Sequence[tuple[Assignment, Review | None]] = (),
    chosen: Chosen | None = None,
) -> dict[str, str]:
    """The placeholders' values for one authority's letter (an example authority when None)."""
    chosen = chosen or Chosen.by_default(composed)
    left_out = left_out_sections(cycle, authority) if authority else set()
    directors = authority_users(authority.id, Role.DIRECTOR) if authority else []
    if authority is None:
        salutation, dcs_name = "Alex", "Alex Example"
    else:
        salutation = composition.salutation([director.how_to_address for director in directors])
        dcs_name = _director_names(directors)
    return {
        "authority": authority.name if authority else "Example Council",
        "salutation": salutation,
        "dcs_name": dcs_name,
        "peers": composition.join_names(composed.peer_labels),
        "cycle": cycle.title,
        "year": str(cycle.year),
        "region": cycle.region.letterhead_name,
        "submissions_due": f"{cycle.submissions_due_on:%-d %B %Y}",
        "reviews_due": f"{cycle.reviews_due_on:%-d %B %Y}",
        "letters_due": f"{cycle.letters_due_on:%-d %B %Y}",
        "challenge_event": f"{cycle.challenge_event_on:%-d %B %Y}" if cycle.challenge_event_on else "",
        "sections": composition.sections_markdown(composed),
        "overall": composition.overall_markdown(composed),
        "signatories": signatories(cycle, pairs, example=authority is None),
        "headline": composition.headline_markdown(chosen.headline),
        "strengths": composition.points_markdown(
            chosen.points[PointKind.STRENGTH], nothing="No strengths were noted."
        ),
        "areas_for_consideration": composition.points_markdown(
            chosen.points[PointKind.CONSIDERATION], nothing="No areas for consideration were noted."
        ),
        "lines_of_enquiry": composition.points_markdown(
            chosen.points[PointKind.ENQUIRY], numbered=True, nothing="No lines of enquiry were proposed."
        ),
        "annex": composition.annex_markdown(composed, left_out) if cycle.letter_annex else "",
    }


def letter_template(cycle: Cycle) -> str:
    return cycle.letter_template or DEFAULT_LETTER_TEMPLATE


def compose_reviews(
    cycle: Cycle, pairs: Sequence[tuple[Assignment, Review | None]]
) -> composition.Composition:
    """The peers' submitted reviews brought together, section by section."""
    sections, scales = _specs(cycle)
    peers = [
        composition.PeerReview(assignment.reviewer.name, review.content)
        for assignment, review in pairs
        if review is not None and review.is_submitted
    ]
    return composition.compose(sections, scales, peers, anonymous=cycle.anonymous)


def _store_points(letter: Letter, headline: str, points: Mapping[PointKind, Sequence[Point]]) -> None:
    letter.headline = headline
    letter.points.clear()
    db.session.flush()  # the old points go before the new ones take their positions
    for kind in PointKind:
        for position, point in enumerate(points[kind], start=1):
            letter.points.append(
                LetterPoint(
                    kind=kind,
                    position=position,
                    text=point.text,
                    candidate_key=point.key,
                    sources="\n".join(point.sources),  # names can hold commas
                    section=point.section,
                )
            )


def compose_text(letter: Letter, pairs: Sequence[tuple[Assignment, Review | None]]) -> str:
    """The letter's Markdown from the cycle's template, the submitted reviews and the points chosen.

    Until the lead chooses the points, the service's choice is made again from the reviews as they are now.
    """
    composed = compose_reviews(letter.cycle, pairs)
    if letter.points_chosen_at is None:
        _store_points(letter, composed.headline, default_choice(composed))
    return _letter_text(letter, composed, pairs)


def _letter_text(
    letter: Letter, composed: composition.Composition, pairs: Sequence[tuple[Assignment, Review | None]]
) -> str:
    """The template filled in with the reviews and the letter's points, ending as an edited text would."""
    values = template_values(letter.cycle, letter.authority, composed, pairs, Chosen.of(letter))
    return render_letter(letter_template(letter.cycle), values).strip() + "\n"


def preview_values(cycle: Cycle) -> dict[str, str]:
    """Values to preview a template with: the first authority whose reviews are all in, else an example."""
    letters = db.session.scalars(
        sa.select(Letter).where(Letter.cycle_id == cycle.id).order_by(Letter.id).limit(1)
    ).all()
    # A composed letter's authority has every review in (or had: the lead's preview can wait a moment).
    for letter in letters:
        pairs = peer_reviews(cycle, letter.authority)
        if reviews_complete(pairs):
            return template_values(cycle, letter.authority, compose_reviews(cycle, pairs), pairs)
    return template_values(cycle, None, compose_reviews(cycle, []))


def _add_version(letter: Letter, body: str, source: VersionSource, actor: User | None) -> LetterVersion:
    number = letter.versions[-1].number + 1 if letter.versions else 1
    version = LetterVersion(
        letter=letter,
        number=number,
        body=body,
        body_html=str(render_markdown(body)),  # once, here: pages show the stored HTML
        source=source,
        created_by=actor,
    )
    if source in MADE_FROM_POINTS:
        version.choice = _snapshot(letter)
    db.session.add(version)
    letter.versions.append(version)
    return version


# Versions made from the letter's points (its text is the template filled in with them).
MADE_FROM_POINTS = (VersionSource.COMPOSED, VersionSource.RECOMPOSED, VersionSource.CHOSEN)


def _snapshot(letter: Letter) -> dict:
    """The letter's headline and points as plain values, kept with a version made from them."""
    return {
        "headline": letter.headline,
        "chosen": letter.points_chosen_at is not None,
        "points": [
            {
                "kind": point.kind.value,
                "text": point.text,
                "key": point.candidate_key,
                "sources": point.sources.splitlines(),
                "section": point.section,
            }
            for point in sorted(letter.points, key=lambda point: (point.kind.value, point.position))
        ],
    }


def _bring_back(letter: Letter, snapshot: dict, actor: User) -> None:
    """The headline and points a version was made from become the letter's again (see restore)."""
    points: dict[PointKind, list[Point]] = {kind: [] for kind in PointKind}
    kinds = {kind.value: kind for kind in PointKind}
    for point in snapshot.get("points", []):
        points[kinds[point["kind"]]].append(
            Point(point["text"], point.get("key"), tuple(point.get("sources", ())), point.get("section", ""))
        )
    _store_points(letter, snapshot.get("headline", ""), points)
    if snapshot.get("chosen"):
        letter.points_chosen_at, letter.points_chosen_by = utcnow(), actor


def save_version(letter: Letter, body: str, source: VersionSource, actor: User, reason: str) -> LetterVersion:
    """The lead's new text as the letter's next version; an approval is withdrawn, since the text changed."""
    version = _add_version(letter, body, source, actor)
    _withdraw_approval(letter, actor, reason)
    try:
        db.session.flush()
    except IntegrityError as error:  # a second tab saved the same version number at the same moment
        raise LetterChanged(None) from error
    return version


def _withdraw_approval(letter: Letter, actor: User | None, reason: str) -> None:
    if letter.state == LetterState.APPROVED:
        letter.state = LetterState.COMPOSED
        letter.approved_at = None
        letter.approved_by = None
        record_about(
            "letter_unapproved",
            f"Approval of {letter.authority.name}'s letter withdrawn: {reason}",
            actor,
            letter,
        )


def compose_when_complete(actor: User | None, cycle: Cycle, authority: Authority) -> Letter | None:
    """After a review is submitted: compose the letter if every review is in, or refresh an unedited one.

    A letter the lead has edited is never replaced here: it is marked so the lead can choose.
    """
    pairs = peer_reviews(cycle, authority)
    if not reviews_complete(pairs):
        return None
    letter = find_letter(cycle, authority)
    if letter is not None:
        # The lead may be choosing its points at this moment: one of the two waits for the other.
        lock_for_update(letter)
    if letter is not None and letter.is_released:
        return letter
    if letter is not None and letter.is_edited:
        letter.reviews_changed_at = utcnow()
        _withdraw_approval(letter, actor, "a review changed")
        record_about(
            "letter_reviews_changed",
            f"The reviews of {authority.name} changed after its letter was edited",
            actor,
            letter,
        )
        return letter
    if letter is None:
        letter = Letter(cycle=cycle, authority=authority, state=LetterState.COMPOSED, response="")
        db.session.add(letter)
        _add_version(letter, compose_text(letter, pairs), VersionSource.COMPOSED, None)
        db.session.flush()
        record_about(
            "letter_composed", f"{authority.name}'s letter was composed from its reviews", actor, letter
        )
        return letter
    body = compose_text(letter, pairs)
    if body != letter.body:
        _add_version(letter, body, VersionSource.RECOMPOSED, None)
        _withdraw_approval(letter, actor, "the reviews changed")
        letter.composed_at = utcnow()
        record_about("letter_recomposed", f"{authority.name}'s letter was composed again", actor, letter)
    letter.reviews_changed_at = None
    return letter


def mark_review_reopened(actor: User, assignment: Assignment) -> None:
    """A review was reopened: a released letter stops it; an unreleased one waits for the new review."""
    letter = find_letter(assignment.cycle, assignment.reviewed)
    if letter is None:
        return
    if letter.is_released:
        raise ServiceError(
            f"{assignment.reviewed.name}'s letter has been released, "
            "so its reviews can no longer be reopened."
        )
    _withdraw_approval(letter, actor, "a review was reopened")


def mark_reviewers_changed(actor: User, cycle: Cycle, authority_ids: set[int]) -> None:
    """Reviewers were reassigned: unreleased letters of these authorities wait for their new reviews.

    A released letter stays as it was released; the lead is told so by the withdrawal page.
    """
    if not authority_ids:
        return
    for letter in db.session.scalars(
        sa.select(Letter).where(Letter.cycle_id == cycle.id, Letter.authority_id.in_(authority_ids))
    ):
        if not letter.is_released:
            _withdraw_approval(letter, actor, "its reviewers changed")


def recompose(actor: User, letter: Letter, *, replace_edits: bool) -> None:
    """The lead composes the letter again from the reviews, replacing edits only when told to."""
    lock_for_update(letter)
    _check_editable(letter)
    pairs = peer_reviews(letter.cycle, letter.authority)
    if not reviews_complete(pairs):
        raise ServiceError(
            "Not every review of this authority is submitted, so the letter cannot be composed."
        )
    if letter.is_edited and not replace_edits:
        raise ServiceError("This letter has been edited. Confirm that the edits may be replaced.")
    _add_version(letter, compose_text(letter, pairs), VersionSource.RECOMPOSED, actor)
    letter.composed_at = utcnow()
    letter.reviews_changed_at = None
    _withdraw_approval(letter, actor, "it was composed again")
    record_about("letter_recomposed", f"{letter.authority.name}'s letter was composed again", actor, letter)


def keep_edits(actor: User, letter: Letter) -> None:
    """The lead keeps the edited letter although a review changed."""
    lock_for_update(letter)
    check_not_closed(letter.cycle, LETTERS_READ_ONLY)
    if letter.reviews_changed_at is None:
        raise ServiceError("There is nothing to confirm: the reviews have not changed.")
    if not reviews_complete(peer_reviews(letter.cycle, letter.authority)):
        raise ServiceError("A review of this authority is reopened. Wait until it is submitted again.")
    letter.reviews_changed_at = None
    record_about("letter_edits_kept", f"The edited letter to {letter.authority.name} was kept", actor, letter)


def _require_approval_open(cycle: Cycle) -> None:
    """Letters are approved and released while the cycle is consolidating or releasing letters."""
    check_not_closed(cycle, LETTERS_READ_ONLY)
    if not cycle.accepts_letter_approval:
        raise ServiceError(
            "Letters can be approved and released once the cycle is consolidating. "
            "Move the cycle on from its page first."
        )


def _check_editable(letter: Letter) -> None:
    check_not_closed(letter.cycle, LETTERS_READ_ONLY)
    if letter.is_released:
        raise ServiceError("This letter has been released and can no longer be changed.")


def save_text(actor: User, letter: Letter, body: str, base_version: int) -> bool:
    """Save the lead's edit as a new version; False when nothing changed."""
    lock_for_update(letter)
    _check_editable(letter)
    body = plain_text(body).strip() + "\n"
    if len(body) > MAX_LETTER:
        raise ServiceError(f"The letter must be {MAX_LETTER:,} characters or fewer.", field="body")
    if problem := shape_problem(body, "The letter", "a letter", max_characters=MAX_LETTER):
        raise ServiceError(problem, field="body")
    if not body.strip():
        raise ServiceError("Enter the letter's text.", field="body")
    if letter.current_version.number != base_version:
        raise LetterChanged(letter)
    if body == letter.body:
        return False
    version = save_version(letter, body, VersionSource.EDITED, actor, "its text changed")
    record_about(
        "letter_edited", f"{letter.authority.name}'s letter was edited", actor, letter, version=version.number
    )
    return True


EARLIER_TEMPLATE = (
    "This cycle's letter template was written before letters were composed from chosen points, so the points "
    "would not appear in the letter. Add {{ strengths }}, {{ areas_for_consideration }} and "
    "{{ lines_of_enquiry }} to the template first."
)
MAX_HEADLINE = 3_000
MAX_POINT = 1_000
MAX_POINTS = 10  # of one kind: a two-page letter holds three to six


@dataclass(frozen=True)
class PointChoice:
    """A point the lead ticked on the compose page: its words, the candidate it came from, its order."""

    text: str
    key: str | None = None
    order: int | None = None  # None: after the numbered ones, in the page's order


def candidates_for(letter: Letter) -> tuple[composition.Composition, dict[PointKind, list[Candidate]]]:
    """The letter's reviews brought together, and every point in them the lead can choose from."""
    composed = compose_reviews(letter.cycle, peer_reviews(letter.cycle, letter.authority))
    return composed, candidates(composed)


def letter_points(letter: Letter) -> tuple[str, dict[PointKind, list[str]]]:
    """The letter's headline and its points' words, kind by kind, in order: as the lead chose them, or, for a
    letter whose points were never chosen, the service's first choice from the reviews as they are now.

    What the compose page shows ticked (`compose_rows`), without composing the reviews where the lead chose.
    """
    chosen: Mapping[PointKind, Sequence[Point]]
    if letter.points_chosen_at is None:
        composed = compose_reviews(letter.cycle, peer_reviews(letter.cycle, letter.authority))
        headline, chosen = composed.headline, default_choice(composed)
    else:
        headline, chosen = letter.headline, _stored_points(letter)
    return headline, {kind: [point.text for point in chosen[kind]] for kind in PointKind}


def _as_point(point: LetterPoint) -> Point:
    return Point(point.text, point.candidate_key, tuple(point.sources.splitlines()), point.section)


def _stored_points(letter: Letter) -> dict[PointKind, list[Point]]:
    """The points the lead chose, kind by kind, in their order."""
    stored: dict[PointKind, list[Point]] = {kind: [] for kind in PointKind}
    for point in sorted(letter.points, key=lambda point: point.position):
        stored[point.kind].append(_as_point(point))
    return stored


def compose_rows(
    letter: Letter, composed: composition.Composition, ranked: Mapping[PointKind, Sequence[Candidate]]
) -> tuple[str, dict[PointKind, list[Row]]]:
    """The compose page's headline and rows, kind by kind: the points chosen now, then the others the reviews
    make. Until the lead chooses, the service's choice from the reviews as they are now."""
    if letter.points_chosen_at is None:
        chosen = default_choice(composed)
        return composed.headline, {kind: rows(chosen[kind], ranked[kind]) for kind in PointKind}
    stored = _stored_points(letter)
    return letter.headline, {kind: rows(stored[kind], ranked[kind]) for kind in PointKind}


def template_takes_points(cycle: Cycle) -> bool:
    return carries_chosen_points(letter_template(cycle))


def _chosen_points(
    letter: Letter, kind: PointKind, choices: Sequence[PointChoice], known: Mapping[str, Candidate]
) -> list[Point]:
    if len(choices) > MAX_POINTS:
        raise ServiceError(
            f"Choose at most {MAX_POINTS} {kind.label.lower()}: letters read best with {RANGE_WORDS[kind]}."
        )
    earlier = {point.candidate_key: point for point in letter.points if point.candidate_key}
    ordered = sorted(
        enumerate(choices), key=lambda pair: (pair[1].order is None, pair[1].order or 0, pair[0])
    )
    points = []
    for _, choice in ordered:
        text = " ".join(plain_text(choice.text).split())
        what = f"Each of the {kind.label.lower()}"
        if not text:
            raise ServiceError(f"{what} you tick needs its wording. Write it, or untick it.")
        if len(text) > MAX_POINT:
            raise ServiceError(f"{what} must be {MAX_POINT:,} characters or fewer.")
        if problem := shape_problem(text, what, "a point", max_characters=MAX_POINT):
            raise ServiceError(problem)
        if choice.key and choice.key in known:
            points.append(as_point(known[choice.key], text))
        elif choice.key and choice.key in earlier:  # chosen before the reviews changed: it stays chosen
            points.append(replace(_as_point(earlier[choice.key]), text=text))
        else:
            points.append(Point(text))
    return points


def choose_points(
    actor: User,
    letter: Letter,
    headline: str,
    choices: Mapping[PointKind, Sequence[PointChoice]],
    base_version: int,
) -> tuple[bool, list[str]]:
    """Compose the letter from the points the lead chose, in their order and words, as a new version.

    Returns whether the text changed, and advice for the lead where a list is longer or shorter than a
    two-page letter holds.
    """
    lock_for_update(letter)
    _check_editable(letter)
    if letter.current_version.number != base_version:
        raise LetterChanged(letter)
    if not template_takes_points(letter.cycle):
        raise ServiceError(EARLIER_TEMPLATE)
    headline = plain_text(headline).strip()
    if len(headline) > MAX_HEADLINE:
        raise ServiceError(f"The headline must be {MAX_HEADLINE:,} characters or fewer.", field="headline")
    if problem := shape_problem(headline, "The headline", "a headline", max_characters=MAX_HEADLINE):
        raise ServiceError(problem, field="headline")
    pairs = peer_reviews(letter.cycle, letter.authority)
    if not reviews_complete(pairs):
        raise ServiceError(
            "Not every review of this authority is submitted, so the letter cannot be composed."
        )
    composed = compose_reviews(letter.cycle, pairs)
    known = {candidate.key: candidate for found in candidates(composed).values() for candidate in found}
    points = {kind: _chosen_points(letter, kind, choices.get(kind, ()), known) for kind in PointKind}
    if not any(points.values()):
        raise ServiceError("Choose at least one point for the letter.")
    _store_points(letter, headline, points)
    letter.points_chosen_at = utcnow()
    letter.points_chosen_by = actor
    body = _letter_text(letter, composed, pairs)
    changed = body != letter.body
    if changed:
        version = save_version(letter, body, VersionSource.CHOSEN, actor, "its points changed")
        letter.reviews_changed_at = None
        record_about(
            "letter_points_chosen",
            f"The points of {letter.authority.name}'s letter were chosen",
            actor,
            letter,
            version=version.number,
        )
    return changed, [advice for kind in PointKind if (advice := count_advice(kind, len(points[kind])))]


def restore(actor: User, letter: Letter, number: int) -> LetterVersion:
    """Make an earlier version the current text again, as a new version."""
    lock_for_update(letter)
    _check_editable(letter)
    old = next((version for version in letter.versions if version.number == number), None)
    if old is None:
        raise ServiceError("That version does not exist.")
    if old.number == letter.current_version.number:
        raise ServiceError("That version is already the current text.")
    if old.choice is not None:  # made from points: they come back with the text
        _bring_back(letter, old.choice, actor)
    version = _add_version(letter, old.body, VersionSource.RESTORED, actor)
    version.choice = old.choice
    _withdraw_approval(letter, actor, "an earlier version was restored")
    record_about(
        "letter_restored",
        f"{letter.authority.name}'s letter went back to version {old.number}",
        actor,
        letter,
        version=version.number,
        restored=old.number,
    )
    return version


def _require_reviews_complete(letter: Letter) -> None:
    if not reviews_complete(peer_reviews(letter.cycle, letter.authority)):
        raise ServiceError(
            f"Not every review of {letter.authority.name} is submitted: a review has been reopened, or a "
            "new reviewer has been assigned. The letter is composed again when the last one is submitted."
        )


def _lock_to_move_on(letter: Letter, state: LetterState, refusal: str) -> None:
    """Lock the letter and check that it can move on from `state` (approved, released): the cycle is at
    approval, the letter is in that state (else `refusal`), and every review of it is in."""
    lock_for_update(letter)
    _require_approval_open(letter.cycle)
    if letter.state != state:
        raise ServiceError(refusal)
    _require_reviews_complete(letter)


def approve(actor: User, letter: Letter) -> None:
    """The lead approves the letter's text for release."""
    _lock_to_move_on(
        letter, LetterState.COMPOSED, "Only a letter that is not yet approved or released can be approved."
    )
    if letter.reviews_changed_at is not None:
        raise ServiceError(
            "A review has changed since this letter was edited. Compose the letter again, or keep "
            "your edits, before approving it."
        )
    letter.state = LetterState.APPROVED
    letter.approved_at = utcnow()
    letter.approved_by = actor
    render_files(letter)  # the lead's preview of the files, ready before release
    record_about("letter_approved", f"{letter.authority.name}'s letter was approved", actor, letter)


def unapprove(actor: User, letter: Letter) -> None:
    """The lead withdraws the approval, so the letter can change again."""
    lock_for_update(letter)
    check_not_closed(letter.cycle, LETTERS_READ_ONLY)
    if letter.state != LetterState.APPROVED:
        raise ServiceError("This letter is not approved.")
    _withdraw_approval(letter, actor, "the lead withdrew it")


def authority_people(authority_id: int) -> list[User]:
    """The active director and contributors of an authority: the letter's readers."""
    return authority_users(authority_id, Role.DIRECTOR, Role.CONTRIBUTOR)


def release(actor: User, letter: Letter) -> None:
    """Release an approved letter to its authority, and tell its people."""
    _lock_to_move_on(
        letter, LetterState.APPROVED, "Only an approved letter can be released. Approve it first."
    )
    letter.state = LetterState.RELEASED
    letter.released_at = utcnow()
    letter.released_by = actor
    render_files(letter)  # dated now, so that no reader's download waits for them
    record_about("letter_released", f"{letter.authority.name}'s letter was released", actor, letter)
    cycle = letter.cycle
    for person in authority_people(letter.authority_id):
        queue_email(
            person,
            "letter_released",
            f"{cycle.title}: your peer challenge letter",
            f"Dear {person.how_to_address},\n\nThe {cycle.region.letterhead_name} peer challenge letter to "
            f"{letter.authority.name} has been released.\n\n"
            "Read it, download it as PDF or Word, and tell your peers what you will do, at\n"
            f"{public_url('letters.read_letter', letter_id=letter.id)}\n",
            region_id=cycle.region_id,
        )


def release_all(actor: User, cycle: Cycle) -> int:
    """Release every approved letter of the cycle; the number released."""
    _require_approval_open(cycle)
    letters = db.session.scalars(
        sa.select(Letter)
        .where(Letter.cycle_id == cycle.id, Letter.state == LetterState.APPROVED)
        .options(selectinload(Letter.authority))
        .order_by(Letter.id)
        # Locked in order; a letter released meanwhile by someone else is left out once its lock is free.
        .with_for_update(of=Letter)
        .execution_options(populate_existing=True)
    ).all()
    if not letters:
        raise ServiceError("There are no approved letters to release.")
    for letter in letters:
        release(actor, letter)
    return len(letters)


def record_read(user: User, letter: Letter) -> bool:
    """Record the first time one of the authority's people opens the released letter."""
    if not letter.is_released or letter.authority_id not in user.authority_ids():
        return False
    if any(read.user_id == user.id for read in letter.reads):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LetterRead(letter=letter, user=user))
    except IntegrityError:  # the same person opened it in two tabs at once
        return False
    record_about("letter_read", f"{user.name} read {letter.authority.name}'s letter", user, letter)
    return True


def respond(actor: User, letter: Letter, *, acknowledged: bool, response: str) -> bool:
    """The authority thanks its peers for the letter and says what it will do."""
    lock_for_update(letter)
    if not letter.is_released:
        raise ServiceError("This letter has not been released.")
    response = plain_text(response).strip()
    if len(response) > MAX_RESPONSE:
        raise ServiceError(f"The response must be {MAX_RESPONSE:,} characters or fewer.", field="response")
    if problem := shape_problem(response, "The response", "a response", max_characters=MAX_RESPONSE):
        raise ServiceError(problem, field="response")
    if not acknowledged and letter.acknowledged_at is None:
        raise ServiceError("Confirm that you have read the letter.", field="acknowledged")
    if not response and letter.has_response:
        raise ServiceError(
            "Enter your response. To change it, edit the text rather than removing it.", field="response"
        )
    changed = False
    if letter.acknowledged_at is None:
        changed = True
        letter.acknowledged_at = utcnow()
        letter.acknowledged_by = actor
        record_about(
            "letter_acknowledged",
            f"{actor.name} acknowledged {letter.authority.name}'s letter with thanks",
            actor,
            letter,
        )
    if response and response != letter.response:
        changed = True
        first = letter.responded_at is None
        letter.response = response
        letter.response_html = str(render_markdown(response))  # once, here: pages show the stored HTML
        letter.responded_at = utcnow()
        letter.responded_by = actor
        record_about("letter_responded", f"{letter.authority.name} responded to its letter", actor, letter)
        if first:
            for lead in region_leads(letter.cycle.region_id):
                queue_email(
                    lead,
                    "letter_responded",
                    f"{letter.cycle.title}: {letter.authority.name} has responded",
                    f"Dear {lead.how_to_address},\n\n{actor.name} has recorded {letter.authority.name}'s "
                    "response to "
                    f"its peer challenge letter:\n{public_url('letters.letter', letter_id=letter.id)}\n",
                    region_id=letter.cycle.region_id,
                )
    return changed


def save_template(actor: User, cycle: Cycle, source: str) -> None:
    """Save the cycle's letter template after checking it; letters already composed keep their text."""
    check_not_closed(cycle, "its letter template is read-only")
    source = plain_text(source)
    try:
        check_template(source)
    except TemplateProblem as problem:
        raise ServiceError(problem.message, field="template") from problem
    cycle.letter_template = None if source.strip() == DEFAULT_LETTER_TEMPLATE.strip() else source
    record_about("letter_template_saved", f"The letter template of {cycle.title} was saved", actor, cycle)


def download(actor: User, letter: Letter, kind: FileKind) -> bytes:
    """The letter as a PDF or Word file, from the stored files (rendered now if missing), audited."""
    data = letter_file(letter, kind).data
    record_about(
        "letter_downloaded",
        f"{actor.name} downloaded {letter.authority.name}'s letter as {kind.upper()}",
        actor,
        letter,
        format=kind.value,
    )
    return data

"""`flask seed-demo --national`: every region with a current cycle, the cycles spread across the states.

For the benchmarks and for judging the service at scale. The Eastern Region keeps its detailed cycle
under review, with last year's closed beside it (demo/cycle.py); each other region gets one cycle in the
state below, with the work that state implies done through the services: self-assessments uploaded and
signed off, peers assigned, reviews written, letters composed, approved, released, read and answered. The
seed sets the cycle's state directly rather than through `cycles.lifecycle` (whose moves email the region's
people and check today's date against the deadlines), each piece of work in the state that allows it, then
sets its dates and timestamps back in time, so that the work reads as done on time.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from peerchallenge.assignments.models import Assignment
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.demo.cycle import (
    advance_letters,
    at,
    create_demo_cycle,
    demo_cycle_title,
    demo_user,
    director,
    publish_assignments,
    upload_self_assessment,
    write_reviews,
)
from peerchallenge.demo.seed import lead_email
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter
from peerchallenge.regions.models import Region
from peerchallenge.reviews.models import Review
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.models import Submission
from peerchallenge.themes import services as themes_services

# Each region's cycle state; the Eastern Region's detailed demo cycle and the South East's in groups
# (demo/groups.py, seeded without --national too) are under review.
NATIONAL_STATES = {
    "East Midlands": CycleState.DRAFT,
    "Greater London": CycleState.REVIEWING,
    "North East": CycleState.CLOSED,  # the smallest region: closing its cycle does the most work
    "North West": CycleState.RELEASED,
    "South West": CycleState.OPEN,
    "West Midlands": CycleState.CONSOLIDATING,
    "Yorkshire and the Humber": CycleState.RELEASED,
}
# How many days ago each state's cycle opened: its deadlines fall before or after today accordingly.
OPENED_DAYS_AGO = {
    CycleState.REVIEWING: 35,
    CycleState.CONSOLIDATING: 50,
    CycleState.RELEASED: 90,
    CycleState.CLOSED: 120,
}
LETTER_STATES = {
    CycleState.REVIEWING: ("composed",),
    CycleState.CONSOLIDATING: ("composed", "approved", "composed"),
    CycleState.RELEASED: ("released", "read", "responded", "responded"),
    CycleState.CLOSED: ("responded",),
}


@dataclass(frozen=True)
class RegionCycle:
    region: str
    cycle: Cycle
    created: bool


def seed_national_cycles(regions: Sequence[Region], today: date) -> list[RegionCycle]:
    """One current cycle for each region but the Eastern and the South East, in the state NATIONAL_STATES
    gives it."""
    seeded = []
    for region in regions:
        state = NATIONAL_STATES.get(region.name)
        if state is None:
            continue
        title = demo_cycle_title(today.year, region.name)
        existing = db.session.scalar(
            sa.select(Cycle).where(Cycle.region_id == region.id, Cycle.title == title)
        )
        if existing is not None:
            seeded.append(RegionCycle(region.name, existing, False))
            continue
        seeded.append(RegionCycle(region.name, _seed_region_cycle(region, title, state, today), True))
    return seeded


def _seed_region_cycle(region: Region, title: str, state: CycleState, today: date) -> Cycle:
    lead = demo_user(lead_email(region.name))
    if state == CycleState.DRAFT:
        return create_demo_cycle(region, title, today.year, today + timedelta(days=14), lead, draft=True)
    if state == CycleState.OPEN:  # self-assessments coming in: two in three uploaded, one in three signed off
        cycle = create_demo_cycle(region, title, today.year, today - timedelta(days=20), lead)
        for number, authority in enumerate(sorted(region.authorities, key=lambda authority: authority.name)):
            if number % 3 != 2:
                submission = upload_self_assessment(cycle, authority)
                if number % 3 == 0:
                    submission_services.sign_off(director(authority), submission)
        db.session.flush()
        themes_services.tag_cycle(lead, cycle)
        return cycle
    # The work is done while every deadline is ahead, then the dates are set back.
    cycle = create_demo_cycle(region, title, today.year, today, lead)
    authorities = sorted(region.authorities, key=lambda authority: authority.name)
    for authority in authorities:
        submission = upload_self_assessment(cycle, authority)
        submission_services.sign_off(director(authority), submission)
    publish_assignments(cycle, lead, today)
    # Each piece of work in the state that allows it (see cycles.lifecycle); the cycle's own state comes last.
    cycle.state = CycleState.REVIEWING
    if state == CycleState.REVIEWING:
        # Some authorities' peers have both submitted, some one, some are drafting, some have not started.
        plans = [("submit", "submit"), ("submit", "draft"), ("draft",), ()]
        write_reviews(cycle, [plans[number % len(plans)] for number in range(len(authorities))])
    else:
        write_reviews(cycle, [("submit", "submit")] * len(authorities))
    letter_states = LETTER_STATES[state]
    count = len(authorities)
    cycle.state = CycleState.CONSOLIDATING
    advance_letters(cycle, lead, [letter_states[number % len(letter_states)] for number in range(count)])
    _set_back(cycle, today - timedelta(days=OPENED_DAYS_AGO[state]), today)
    cycle.state = state
    db.session.flush()
    themes_services.tag_cycle(lead, cycle, closing=state == CycleState.CLOSED)
    return cycle


def _set_back(cycle: Cycle, opens_on: date, today: date) -> None:
    """Set the dates and timestamps back in time, each piece of work before its deadline."""
    cycle.opens_on, cycle.opened_at = opens_on, at(opens_on)
    cycle.submissions_due_on = opens_on + timedelta(days=27)
    cycle.reviews_due_on = opens_on + timedelta(days=42)
    cycle.letters_due_on = opens_on + timedelta(days=75)
    cycle.challenge_event_on = opens_on + timedelta(days=90)
    cycle.assignments_published_at = at(opens_on + timedelta(days=29))
    for number, submission in enumerate(cycle_submissions(cycle)):
        submission.signed_off_at = at(cycle.submissions_due_on - timedelta(days=number % 5))
        for version in submission.versions:
            version.created_at = at(opens_on + timedelta(days=12 + number % 10))
            if version.file is not None:
                version.file.uploaded_at = version.created_at
    reviews = db.session.scalars(
        sa.select(Review).join(Assignment).where(Assignment.cycle_id == cycle.id).order_by(Review.id)
    )
    for number, review in enumerate(reviews):
        review.created_at = at(opens_on + timedelta(days=31))
        review.updated_at = at(
            min(today - timedelta(days=1), cycle.reviews_due_on - timedelta(days=number % 6))
        )
        if review.submitted_at is not None:
            review.submitted_at = review.updated_at
    letters = db.session.scalars(sa.select(Letter).where(Letter.cycle_id == cycle.id))
    for letter in letters:
        letter.composed_at = at(cycle.reviews_due_on)
        if letter.approved_at is not None:
            letter.approved_at = at(cycle.reviews_due_on + timedelta(days=14))
        if letter.released_at is not None:
            letter.released_at = at(cycle.letters_due_on - timedelta(days=5))
        if letter.acknowledged_at is not None:
            letter.acknowledged_at = at(cycle.letters_due_on + timedelta(days=10))
        if letter.responded_at is not None:
            letter.responded_at = letter.acknowledged_at


def cycle_submissions(cycle: Cycle) -> list[Submission]:
    return list(
        db.session.scalars(
            sa.select(Submission).where(Submission.cycle_id == cycle.id).order_by(Submission.id)
        )
    )

"""The demo's South East cycle: peers in five triads and a quartet, beside the Eastern Region's pairs."""

import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.accounts.services import find_user_by_email
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.assignments.queries import cycle_assignments, cycle_groups
from peerchallenge.cycles.models import AssignmentModel, Cycle, CycleState
from peerchallenge.demo.cycle import demo_cycle_title
from peerchallenge.demo.groups import seed_groups_cycle
from peerchallenge.demo.seed import GROUPS_REGION, lead_email, person_email
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterState
from peerchallenge.regions.models import Region
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.submissions.queries import find_submission
from tests.conftest import DEMO_DAY


def south_east_cycle() -> Cycle:
    cycle = db.session.scalar(
        sa.select(Cycle).where(Cycle.title == demo_cycle_title(DEMO_DAY.year, GROUPS_REGION))
    )
    assert cycle is not None
    return cycle


def test_the_south_east_cycle_runs_in_five_triads_and_one_quartet_beside_the_eastern_pairs(demo):
    cycle = south_east_cycle()

    assert cycle.region.name == "South East" and len(cycle.region.authorities) == 19
    assert cycle.assignment_model == AssignmentModel.GROUPS and cycle.in_groups and cycle.group_size == 3
    assert demo.cycle.assignment_model == AssignmentModel.PAIRS
    assert cycle.state == CycleState.REVIEWING and cycle.assignments_published_at is not None
    groups = cycle_groups(cycle, AssignmentState.PUBLISHED)
    assert sorted(len(group.members) for group in groups) == [3, 3, 3, 3, 3, 4]
    members = [member.id for group in groups for member in group.members]
    assert sorted(members) == sorted(authority.id for authority in cycle.region.authorities)
    # Each member reviews every other member of its group, and no one outside it.
    pairs = {
        (item.reviewer_id, item.reviewed_id) for item in cycle_assignments(cycle, AssignmentState.PUBLISHED)
    }
    expected = {(a.id, b.id) for group in groups for a in group.members for b in group.members if a != b}
    assert pairs == expected and len(pairs) == 5 * 6 + 12
    for authority in cycle.region.authorities:
        submission = find_submission(cycle, authority)
        assert submission is not None and submission.is_signed_off, authority.name


def test_the_south_east_reviews_are_in_several_states_and_the_quartet_letter_names_three_peers(demo):
    cycle = south_east_cycle()
    reviews = db.session.scalars(
        sa.select(Review).join(Assignment).where(Assignment.cycle_id == cycle.id)
    ).all()
    states = [review.state for review in reviews]
    # The first triad's other two members' reviews are in too, for its challenge event (demo/event.py).
    assert (
        states.count(ReviewState.SUBMITTED) == 3 + 2 * 2 + 1 + 2 * 2 and states.count(ReviewState.DRAFT) == 2
    )

    quartet = next(
        group for group in cycle_groups(cycle, AssignmentState.PUBLISHED) if len(group.members) == 4
    )
    letters = db.session.scalars(sa.select(Letter).where(Letter.cycle_id == cycle.id)).all()
    states = sorted(letter.state for letter in letters)
    assert (
        states == [LetterState.COMPOSED] * 2 + [LetterState.RELEASED] * 3
    )  # the first triad's, for its event
    letter = next(letter for letter in letters if letter.authority_id == quartet.members[0].id)
    signatures = letter.body.split("Yours sincerely,")[1]
    peers = [member for member in quartet.members if member.id != letter.authority_id]
    for peer in peers:
        director = find_user_by_email(person_email(Role.DIRECTOR, peer.name))
        assert (
            director is not None
            and f"{director.name}, Director of Children's Services, {peer.name}" in signatures
        )
    outsiders = [a for a in cycle.region.authorities if a not in quartet.members]
    assert not any(f"Services, {outsider.name}" in signatures for outsider in outsiders)


def test_the_south_east_has_its_lead_and_directors_and_is_seeded_once(demo):
    region = db.session.scalar(sa.select(Region).where(Region.name == GROUPS_REGION))
    assert region is not None
    lead = find_user_by_email(lead_email(GROUPS_REGION))
    assert lead is not None and lead.lead_region_ids() == {region.id}
    for authority in region.authorities:
        assert find_user_by_email(person_email(Role.DIRECTOR, authority.name)) is not None, authority.name

    again = seed_groups_cycle(region, DEMO_DAY)

    assert not again.created and again.cycle.id == south_east_cycle().id

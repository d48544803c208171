"""Downstream of published groups: a quartet member's three reviews and letter, the dashboard, reminders."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.assignments.queries import cycle_assignments
from peerchallenge.cycles.models import CycleState
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterState
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.monitoring.services import send_reminders
from tests.monitoring.builders import read_dashboard
from tests.scenarios import Region6, move_to, review_content, seven_in_groups, sign_off, submit


@pytest.fixture
def quartet(six) -> Region6:
    """Region A with a seventh authority, in groups of three: a quartet (the first four) and a triad,
    published, every self-assessment signed off, the cycle under review."""
    seven = seven_in_groups(six)
    sign_off(seven, seven.authorities)
    groups = [seven.authorities[:4], seven.authorities[4:]]
    assignment_services.save_adjusted_groups(seven.lead, seven.cycle, groups)
    assignment_services.publish(seven.lead, seven.cycle)
    db.session.commit()
    move_to(seven.cycle, seven.lead, CycleState.REVIEWING)
    return seven


def reviews_of(region, authority) -> list[Assignment]:
    return list(
        db.session.scalars(
            sa.select(Assignment).where(
                Assignment.cycle_id == region.cycle.id,
                Assignment.reviewed_id == authority.id,
                Assignment.state == AssignmentState.PUBLISHED,
            )
        )
    )


def director_of(region, authority_id):
    return region.directors[[authority.id for authority in region.authorities].index(authority_id)]


def test_a_quartet_member_gets_three_reviews_and_its_letter_is_signed_by_its_three_peers(quartet):
    reviewed = quartet.authorities[0]
    assignments = reviews_of(quartet, reviewed)
    assert sorted(item.reviewer_id for item in assignments) == sorted(a.id for a in quartet.authorities[1:4])

    for number, assignment in enumerate(assignments):
        submit(assignment, director_of(quartet, assignment.reviewer_id), review_content(quartet.cycle))
        composed = db.session.scalar(sa.select(Letter).where(Letter.authority_id == reviewed.id))
        assert (composed is not None) == (number == 2)  # composed once the third review is in

    letter = db.session.scalar(sa.select(Letter).where(Letter.authority_id == reviewed.id))
    assert letter.state == LetterState.COMPOSED
    signatures = letter.body.split("Yours sincerely,")[1]
    for peer in quartet.authorities[1:4]:
        director = director_of(quartet, peer.id)
        assert f"{director.name}, Director of Children's Services, {peer.name}" in signatures
    for outsider in quartet.authorities[4:]:
        assert outsider.name not in signatures and director_of(quartet, outsider.id).name not in signatures


def test_the_dashboard_shows_each_group_members_reviews_given_and_received(quartet, sign_in):
    reviewed = quartet.authorities[0]
    first = sorted(reviews_of(quartet, reviewed), key=lambda item: item.reviewer.name)[0]
    submit(first, director_of(quartet, first.reviewer_id), review_content(quartet.cycle))

    page = sign_in(quartet.lead).get(f"/cycles/{quartet.cycle.id}/dashboard").get_data(as_text=True)

    rows = read_dashboard(page)
    assert set(rows) == {authority.name for authority in quartet.authorities}
    assert rows[reviewed.name]["reviews_received"][0] == "Not yet due, 1 of 3"
    assert rows[first.reviewer.name]["reviews_given"][0] == "Not yet due, 1 of 3"
    for member in quartet.authorities[1:4]:
        if member.id != first.reviewer_id:
            assert rows[member.name]["reviews_given"][0] == "Not yet due, 0 of 3"
    for member in quartet.authorities[4:]:  # a triad's members give and receive two reviews each
        assert rows[member.name]["reviews_given"][0] == "Not yet due, 0 of 2"
        assert rows[member.name]["reviews_received"][0] == "Not yet due, 0 of 2"


def test_reminders_go_to_the_group_reviewers_with_a_review_outstanding(quartet):
    done = quartet.authorities[4]  # in the triad: its director reviews both its peers
    for assignment in cycle_assignments(quartet.cycle, AssignmentState.PUBLISHED):
        if assignment.reviewer_id == done.id:
            submit(assignment, director_of(quartet, done.id), review_content(quartet.cycle))
    before = set(db.session.scalars(sa.select(OutboxEmail.id)))

    run = send_reminders(quartet.cycle.reviews_due_on - timedelta(days=7))
    db.session.commit()

    emails = [email for email in db.session.scalars(sa.select(OutboxEmail)) if email.id not in before]
    # The quartet's four directors (three reviews each to write) and the triad's other two (two each).
    expected = {director.id for director in quartet.directors if director is not quartet.directors[4]}
    assert run.emails == len(emails) == 6
    assert {email.to_user_id for email in emails} == expected
    quartet_email = next(email for email in emails if email.to_user_id == quartet.directors[0].id)
    for peer in quartet.authorities[1:4]:
        assert f"Write your review of {peer.name}'s self-assessment" in quartet_email.body

"""Peer groups in a cycle: generate, adjust, publish, withdraw; the group page; observers and consultants."""

from collections import Counter

import pytest
import sqlalchemy as sa

from peerchallenge.accounts.models import Role, RoleGrant
from peerchallenge.accounts.services import find_user_by_email
from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import Assignment, AssignmentState, ReviewGroup
from peerchallenge.assignments.queries import cycle_groups
from peerchallenge.cycles.models import AssignmentModel, CycleState
from peerchallenge.cycles.services import update_cycle
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.mail.models import OutboxEmail
from tests import factories
from tests.scenarios import current_pairs, move_to, page_url, review_content, sign_off, submit


@pytest.fixture
def triads(six):
    six.cycle.assignment_model = AssignmentModel.GROUPS
    six.cycle.group_size = 3
    db.session.commit()
    return six


def published_groups(region6):
    """Two fixed triads, through the services: the first three authorities and the last three."""
    first, second = region6.authorities[:3], region6.authorities[3:]
    assignment_services.save_adjusted_groups(region6.lead, region6.cycle, [first, second])
    assignment_services.publish(region6.lead, region6.cycle)
    db.session.commit()
    return cycle_groups(region6.cycle, AssignmentState.PUBLISHED)


def test_lead_generates_groups_whose_members_review_one_another(triads, sign_in):
    client = sign_in(triads.lead)
    assert "Generate the groups" in client.get(f"/cycles/{triads.cycle.id}/assignments").get_data(
        as_text=True
    )

    assert client.post(f"/cycles/{triads.cycle.id}/assignments/generate").status_code == 302

    groups = cycle_groups(triads.cycle, AssignmentState.PROPOSED)
    assert sorted(len(group.members) for group in groups) == [3, 3]
    pairs = current_pairs(triads.cycle)
    assert len(pairs) == 12  # every ordered pair within each triad
    for group in groups:
        ids = {member.id for member in group.members}
        assert {(a, b) for a in ids for b in ids if a != b} <= pairs
    assert Counter(reviewed for _, reviewed in pairs) == {a.id: 2 for a in triads.authorities}
    page = client.get(f"/cycles/{triads.cycle.id}/assignments").get_data(as_text=True)
    assert 'id="groups-table"' in page and "Group 1" in page and "Every rule is kept" in page
    assert "Repeated pairings" in page


def test_adjusting_refuses_a_broken_grouping_and_saves_a_valid_one(triads, sign_in):
    client = sign_in(triads.lead)
    client.post(f"/cycles/{triads.cycle.id}/assignments/generate")
    a = triads.authorities
    broken = {f"group-{authority.id}": "1" for authority in a[:4]} | {
        f"group-{authority.id}": "2" for authority in a[4:]
    }

    refused = client.post(f"/cycles/{triads.cycle.id}/assignments/adjust", data=broken | {"action": "save"})

    assert refused.status_code == 400
    assert "Group 2 has 2 members; groups have 3 or 4" in refused.get_data(as_text=True)
    fine = {f"group-{authority.id}": "1" for authority in a[::2]} | {
        f"group-{authority.id}": "2" for authority in a[1::2]
    }
    saved = client.post(f"/cycles/{triads.cycle.id}/assignments/adjust", data=fine | {"action": "save"})
    assert saved.status_code == 302
    db.session.expire_all()
    groups = cycle_groups(triads.cycle, AssignmentState.PROPOSED)
    assert [[m.id for m in group.members] for group in groups] == [
        sorted((x.id for x in a[::2]), key=lambda i: db.session.get(type(a[0]), i).name),
        sorted((x.id for x in a[1::2]), key=lambda i: db.session.get(type(a[0]), i).name),
    ]


def test_conflicts_keep_authorities_in_different_groups(triads, sign_in):
    a = triads.authorities
    assignment_services.declare_conflict(triads.lead, a[0], a[1], "Shared interim director")
    db.session.commit()
    with pytest.raises(
        ServiceError, match=f"{a[0].name} and {a[1].name} are in group 1 despite a declared conflict"
    ):
        assignment_services.save_adjusted_groups(triads.lead, triads.cycle, [a[:3], a[3:]])
    db.session.rollback()
    client = sign_in(triads.lead)
    for _ in range(3):
        client.post(f"/cycles/{triads.cycle.id}/assignments/generate")
        assert (a[0].id, a[1].id) not in current_pairs(triads.cycle)


def test_publishing_groups_emails_the_directors(triads):
    groups = published_groups(triads)

    assert all(group.state == AssignmentState.PUBLISHED for group in groups)
    emails = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.kind == "assignments_published")
    ).all()
    assert {email.to_user_id for email in emails} >= {director.id for director in triads.directors}


def test_withdrawing_from_a_group_ends_its_reviews_and_keeps_the_others(triads, sign_in):
    groups = published_groups(triads)
    leaving = groups[0].members[0]
    client = sign_in(triads.lead)

    assert client.post(f"/cycles/{triads.cycle.id}/assignments/withdraw/{leaving.id}").status_code == 302

    db.session.expire_all()
    published = current_pairs(triads.cycle, AssignmentState.PUBLISHED)
    assert not any(leaving.id in pair for pair in published)
    assert len(published) == 12 - 4
    assert leaving not in cycle_groups(triads.cycle, AssignmentState.PUBLISHED)[0].members
    # A triad down to two can lose no one more: the last would have no one to review.
    with pytest.raises(ServiceError, match="would have no one left to review"):
        assignment_services.plan_withdrawal(
            triads.cycle, cycle_groups(triads.cycle, AssignmentState.PUBLISHED)[0].members[0]
        )


def add_observer(client, group, role="observer", email="observer@example.gov.uk", name="Olive Observer"):
    return client.post(f"/groups/{group.id}", data={"role": role, "name": name, "email": email})


def test_lead_adds_an_observer_and_a_consultant_to_a_group(triads, sign_in):
    group = published_groups(triads)[0]
    client = sign_in(triads.lead)

    assert add_observer(client, group).status_code == 302
    assert (
        add_observer(client, group, "consultant", "consultant@example.org", "Chris Consultant").status_code
        == 302
    )

    grants = db.session.scalars(sa.select(RoleGrant).where(RoleGrant.review_group_id == group.id)).all()
    assert sorted(grant.role for grant in grants) == [Role.CONSULTANT, Role.OBSERVER]
    assert all(grant.region_id == triads.region.id for grant in grants)
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Olive Observer, observer director" in page and "Chris Consultant, independent consultant" in page
    refused = add_observer(client, group, "lead", "x@example.org", "X")
    assert refused.status_code == 400


@pytest.fixture
def observed(triads, sign_in):
    """Two triads published, both signed off in the first, one review in it submitted; an observer of it."""
    groups = published_groups(triads)
    sign_off(triads, triads.authorities)
    move_to(triads.cycle, triads.lead, CycleState.REVIEWING)
    first, second = groups
    assignment_of = {
        (item.reviewer_id, item.reviewed_id): item for item in db.session.scalars(sa.select(Assignment))
    }
    a = first.members
    submitted = assignment_of[(a[0].id, a[1].id)]
    index = triads.authorities.index(a[0])
    submit(submitted, triads.directors[index], review_content(triads.cycle))
    lead = sign_in(triads.lead)
    add_observer(lead, first)
    observer = find_user_by_email("observer@example.gov.uk")
    observer.set_password(factories.PASSWORD)  # invited by email; the test sets the password itself
    db.session.commit()
    return {
        "first": first,
        "second": second,
        "submitted": submitted,
        "draft": assignment_of[(a[1].id, a[0].id)],
        "other": assignment_of[(second.members[0].id, second.members[1].id)],
        "observer": observer,
    }


def test_access_of_an_observer_to_group_pages_self_assessments_and_reviews(triads, observed, sign_in, world):
    client = sign_in(observed["observer"])
    first, second = observed["first"], observed["second"]
    cycle = triads.cycle
    table = [
        (f"/groups/{first.id}", 200),
        (f"/groups/{second.id}", 403),
        (page_url(cycle, first.members[0]), 200),
        (page_url(cycle, second.members[0]), 403),
        (f"/reviews/{observed['submitted'].id}", 200),
        (f"/reviews/{observed['draft'].id}", 403),  # not submitted yet
        (f"/reviews/{observed['other'].id}", 403),
        (f"/cycles/{cycle.id}/assignments", 403),
    ]
    for url, expected in table:
        assert client.get(url).status_code == expected, url
    assert (
        client.post(
            f"/groups/{first.id}", data={"role": "observer", "name": "X", "email": "x@example.org"}
        ).status_code
        == 403
    )
    review_page = client.get(f"/reviews/{observed['submitted'].id}").get_data(as_text=True)
    assert "Reopen" not in review_page
    home = client.get("/").get_data(as_text=True)
    assert f"/groups/{first.id}" in home


def test_a_director_outside_the_group_and_an_outsider_see_no_group(triads, observed, sign_in, world):
    first = observed["first"]
    outsider_director = triads.directors[triads.authorities.index(observed["second"].members[0])]
    for user in (outsider_director, world.no_role, world.other_lead):
        assert sign_in(user).get(f"/groups/{first.id}").status_code == 403


def test_the_cycle_form_chooses_groups_while_draft_only(triads, sign_in):
    with pytest.raises(
        ServiceError, match="How peers are assigned can only be changed before the cycle opens"
    ):
        details = {
            key: getattr(triads.cycle, key)
            for key in (
                "title",
                "year",
                "peers_per_authority",
                "opens_on",
                "submissions_due_on",
                "reviews_due_on",
                "letters_due_on",
            )
        }
        update_cycle(triads.lead, triads.cycle, **details, assignment_model="pairs")
    db.session.rollback()
    assert db.session.get(type(triads.cycle), triads.cycle.id).assignment_model == AssignmentModel.GROUPS
    assert ReviewGroup.__tablename__ == "review_groups"

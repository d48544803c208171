"""Moderation's pages ask the database a fixed number of times, whatever the size of the region.

A moderated cycle is built at two sizes (5 and 10 authorities reviewed in a ring, a moderator for each, half
the comments submitted) and each page is counted for the person who reads it, in moderation and once reviews
start. tests/test_statement_counts.py walks every other page.
"""

import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles.models import CycleState
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.moderation import services
from peerchallenge.moderation.models import AllocationState, ModerationAssignment
from tests import factories
from tests.moderation.conftest import moderation_on
from tests.monitoring.builders import counting_queries
from tests.scenarios import Region6, move_to, open_cycle, page_url, publish, sign_off


def build(size: int) -> dict:
    region = factories.make_region()
    lead = factories.make_user((Role.LEAD, region))
    authorities = [factories.make_authority(region) for _ in range(size)]
    directors = [factories.make_user((Role.DIRECTOR, authority)) for authority in authorities]
    contributors = [factories.make_user((Role.CONTRIBUTOR, authority)) for authority in authorities]
    moderators = [factories.make_user((Role.MODERATOR, authority)) for authority in authorities]
    cycle = open_cycle(None, region=region, lead=lead, due=uk_today())
    state = Region6(region, authorities, directors, contributors, lead, cycle)
    moderation_on(cycle)
    publish(state)
    sign_off(state, authorities)
    move_to(cycle, lead, CycleState.MODERATION)
    services.generate(lead, cycle)
    services.publish(lead, cycle)
    db.session.commit()
    rows = list(
        db.session.scalars(
            sa.select(ModerationAssignment)
            .where(
                ModerationAssignment.cycle_id == cycle.id,
                ModerationAssignment.state == AllocationState.PUBLISHED,
            )
            .order_by(ModerationAssignment.id)
        )
    )
    by_id = {user.id: user for user in moderators}
    for row in rows[: size // 2]:
        who = by_id[row.moderator_id]
        services.save_comments(
            who, row, evidence="Evidence is thin.", data="22% is last year's.", base_version=0
        )
        services.submit_comments(who, row)
    db.session.commit()
    first = rows[0]
    assignment = db.session.scalar(
        sa.select(Assignment).where(
            Assignment.reviewed_id == first.authority_id, Assignment.state == AssignmentState.PUBLISHED
        )
    )
    peer = directors[[a.id for a in authorities].index(assignment.reviewer_id)]
    author = directors[[a.id for a in authorities].index(first.authority_id)]
    return {
        "cycle": cycle,
        "lead": lead,
        "moderator": by_id[first.moderator_id],
        "row": first,
        "author": author,
        "peer": peer,
        "assignment": assignment,
        "page": page_url(cycle, first.authority),
    }


def count(client, url: str) -> int:
    assert client.get(url).status_code == 200, url
    with counting_queries() as statements:
        assert client.get(url).status_code == 200, url
    return len(statements)


def counts(built: dict, sign_in) -> dict[str, int]:
    cycle, row = built["cycle"], built["row"]
    lead, moderator, author = sign_in(built["lead"]), sign_in(built["moderator"]), sign_in(built["author"])
    found = {
        "lead overview": count(lead, f"/cycles/{cycle.id}/moderation"),
        "lead dashboard": count(lead, f"/cycles/{cycle.id}/dashboard"),
        "lead cycle": count(lead, f"/cycles/{cycle.id}"),
        "lead comments": count(lead, f"/moderation/{row.id}"),
        "moderator home": count(moderator, "/"),
        "moderator list": count(moderator, "/moderation"),
        "moderator comments": count(moderator, f"/moderation/{row.id}"),
        "moderator self-assessment": count(moderator, built["page"]),
        "author self-assessment": count(author, built["page"]),
    }
    move_to(cycle, built["lead"], CycleState.REVIEWING)
    peer = sign_in(built["peer"])
    found["peer review"] = count(peer, f"/reviews/{built['assignment'].id}")
    found["peer self-assessment"] = count(peer, built["page"])
    return found


def test_moderation_pages_take_no_more_statements_for_a_bigger_region(app, sign_in):
    small = counts(build(5), sign_in)
    large = counts(build(10), sign_in)
    grows = [f"{page}: {small[page]} -> {large[page]}" for page in small if large[page] > small[page]]
    assert grows == []

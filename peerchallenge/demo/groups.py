"""The South East's demo cycle: peers in groups (five triads and a quartet) beside the Eastern Region's pairs.

The South East works in triads (docs/domain.md, "Peer groups"): each member of a group reviews every other
member, and its 19 authorities make five triads and one quartet, whose members get three reviews each. The
cycle is under review, like the Eastern one: every self-assessment signed off, the groups published, the
quartet's first authority reviewed by all three of its peers (so its letter is composed, co-signed by them),
a few triads' authorities reviewed in full, in part or in draft, and the rest not started. It has moderation
on, and done before reviews started (demo/moderation.py): a moderator from each authority's QA or performance
team commented on another's self-assessment. It is seeded with the Eastern cycle's helpers (demo/cycle.py),
without last year's cycle. Its challenge event is held today (demo/event.py): the first triad, every member's
letter released, has finished its session; the second's is under way; the others are scheduled.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from peerchallenge.assignments.models import AssignmentState
from peerchallenge.assignments.queries import cycle_groups
from peerchallenge.cycles.models import AssignmentModel, Cycle
from peerchallenge.demo.cycle import (
    at,
    create_demo_cycle,
    demo_cycle_title,
    demo_user,
    director,
    publish_assignments,
    upload_self_assessment,
    write_reviews,
)
from peerchallenge.demo.event import seed_event
from peerchallenge.demo.moderation import seed_moderation
from peerchallenge.demo.national import RegionCycle
from peerchallenge.demo.seed import GROUPS_REGION, lead_email
from peerchallenge.extensions import db
from peerchallenge.regions.models import Region
from peerchallenge.submissions import services as submission_services

GROUP_SIZE = 3
# Moderation was due the day after tomorrow: between the self-assessments (three days ago) and the reviews.
MODERATION_DAYS = 32
# What the peers have done, authority by authority: the quartet's first authority's three peers have
# submitted; then, in the triads, two authorities' peers have both submitted, one's one of two (the other
# drafting), one's one drafting; the others' peers have not started.
TRIAD_PLANS = [("submit", "submit")] * 2 + [("submit", "draft"), ("draft",)]


def seed_groups_cycle(region: Region, today: date) -> RegionCycle:
    """This year's South East cycle in groups, under review; kept as it is if it exists already."""
    title = demo_cycle_title(today.year, GROUPS_REGION)
    existing = db.session.scalar(sa.select(Cycle).where(Cycle.region_id == region.id, Cycle.title == title))
    if existing is not None:
        return RegionCycle(region.name, existing, False)
    lead = demo_user(lead_email(region.name))
    opens_on = today - timedelta(days=30)  # self-assessments were due three days ago, reviews in five days
    cycle = create_demo_cycle(
        region,
        title,
        today.year,
        opens_on,
        lead,
        assignment_model=AssignmentModel.GROUPS.value,
        group_size=GROUP_SIZE,
        moderation=True,
        moderators_per_submission=1,
        moderation_due_on=opens_on + timedelta(days=MODERATION_DAYS),
    )
    for number, authority in enumerate(sorted(region.authorities, key=lambda authority: authority.name)):
        submission = upload_self_assessment(cycle, authority)
        submission_services.sign_off(director(authority), submission)
        submission.signed_off_at = at(cycle.submissions_due_on - timedelta(days=number % 6))
        for version in submission.versions:
            version.created_at = at(opens_on + timedelta(days=12 + number % 10))
            if version.file is not None:
                version.file.uploaded_at = version.created_at
    db.session.flush()
    publish_assignments(cycle, lead, today - timedelta(days=2))
    seed_moderation(cycle, lead, today)
    groups = cycle_groups(cycle, AssignmentState.PUBLISHED)
    quartet = next(group for group in groups if len(group.members) > GROUP_SIZE)
    triads = [group.members[0] for group in groups if group is not quartet]
    write_reviews(cycle, [("submit",) * GROUP_SIZE, *TRIAD_PLANS], first=[quartet.members[0], *triads])
    db.session.flush()
    seed_event(cycle, lead, today)
    return RegionCycle(region.name, cycle, True)

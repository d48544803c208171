"""What a signed-in person sees on the home page: a section for each role they hold, and their tasks."""

from typing import Any

from peerchallenge.accounts.models import User
from peerchallenge.accounts.queries import count_users_in_region
from peerchallenge.assignments.access import review_writer_authority_ids
from peerchallenge.assignments.queries import groups_of_user
from peerchallenge.cycles import lifecycle
from peerchallenge.cycles.queries import current_cycles, cycles_for_regions, newest_under_way
from peerchallenge.dates import uk_today
from peerchallenge.moderation.access import holds_moderator_role
from peerchallenge.moderation.queries import moderation_of
from peerchallenge.monitoring.lead_tasks import lead_tasks
from peerchallenge.monitoring.reminders import urgency
from peerchallenge.monitoring.tasks import user_tasks
from peerchallenge.regions.queries import authorities_by_ids, regions_with_authorities
from peerchallenge.reviews.queries import assignments_of_reviewers
from peerchallenge.submissions.queries import (
    SubmissionStatus,
    authority_statuses,
    status_pairs,
    submissions_for,
)


def home_page(user: User) -> dict[str, Any]:
    """The home page's contents for this person: their regions, authorities, reviews and tasks."""
    lead_regions = regions_with_authorities(user.lead_region_ids())
    region_user_counts = {region.id: count_users_in_region(region.id) for region in lead_regions}
    region_cycles = cycles_for_regions(region.id for region in lead_regions)
    own_authorities = authorities_by_ids(user.authority_ids())
    own_cycles = current_cycles({authority.region_id for authority in own_authorities})
    reviews = assignments_of_reviewers(review_writer_authority_ids(user))
    reviewed_pairs = {(item.cycle_id, item.reviewed_id) for item in reviews}
    # Their own self-assessments and those they review, in one query.
    reviewed = submissions_for(reviewed_pairs | status_pairs(own_cycles, own_authorities))
    statuses = authority_statuses(own_cycles, own_authorities, reviewed)
    review_statuses = [
        (item, SubmissionStatus(item.reviewed, reviewed.get((item.cycle_id, item.reviewed_id))))
        for item in reviews
    ]
    moderation_rows = moderation_of(user) if holds_moderator_role(user) else []
    all_regions = regions_with_authorities() if user.is_admin else []
    today = uk_today()
    your_tasks = [(task, urgency(task.due_on, today)) for task in user_tasks(user)]
    lead_cycles = newest_under_way(region_cycles)
    under_way = sorted((cycle for cycle in region_cycles if cycle.is_under_way), key=lambda cycle: cycle.id)
    region_tasks: dict[int, list] = {region.id: [] for region in lead_regions}
    for task in lead_tasks(user, today, under_way):
        region_tasks[task.region_id].append((task, urgency(task.due_on, today)))
    # What holds each lead cycle's next move, in words, by cycle id.
    holding = {cycle.id: lifecycle.holding(cycle) for cycle in lead_cycles.values()}
    return dict(
        lead_regions=lead_regions,
        region_user_counts=region_user_counts,
        region_cycles=region_cycles,
        own_authorities=own_authorities,
        statuses=statuses,
        review_statuses=review_statuses,
        all_regions=all_regions,
        has_tasks_section=bool(own_authorities) or bool(reviews) or bool(moderation_rows),
        moderation_rows=moderation_rows,
        your_tasks=your_tasks,
        lead_cycles=lead_cycles,
        region_tasks=region_tasks,
        holding=holding,
        observed_groups=groups_of_user(user),
    )

"""The demo's South East cycle was moderated before reviews started: a moderator from each authority's QA or
performance team, the moderators published, every self-assessment's comments submitted."""

import re

import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.accounts.services import find_user_by_email
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.demo.seed import person_email
from peerchallenge.extensions import db
from peerchallenge.moderation.allocation import check
from peerchallenge.moderation.models import AllocationState, ModerationAssignment, ModerationProgress
from tests.conftest import DEMO_PASSWORD
from tests.test_demo_groups import south_east_cycle


def published(cycle) -> list[ModerationAssignment]:
    return list(
        db.session.scalars(
            sa.select(ModerationAssignment).where(
                ModerationAssignment.cycle_id == cycle.id,
                ModerationAssignment.state == AllocationState.PUBLISHED,
            )
        )
    )


def test_every_south_east_self_assessment_was_moderated_by_someone_from_outside_its_group(demo):
    cycle = south_east_cycle()
    assert cycle.moderation and cycle.moderators_per_submission == 1
    assert cycle.submissions_due_on <= cycle.moderation_due_on <= cycle.reviews_due_on
    rows = published(cycle)
    assert sorted(row.authority_id for row in rows) == sorted(a.id for a in cycle.region.authorities)
    assert all(row.progress == ModerationProgress.DONE and row.submitted_at for row in rows)
    moderators = {row.moderator_id: row.moderator_authority_id for row in rows}
    reviews = db.session.execute(
        sa.select(Assignment.reviewer_id, Assignment.reviewed_id).where(
            Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED
        )
    )
    chosen = {row.authority_id: (row.moderator_id,) for row in rows}
    assert check(chosen, moderators, [tuple(pair) for pair in reviews], 1) == []


def test_each_moderator_is_a_qa_or_performance_person_who_can_sign_in(demo, demo_app):
    client = demo_app.test_client()
    cycle = south_east_cycle()
    for authority in cycle.region.authorities:
        moderator = find_user_by_email(person_email(Role.MODERATOR, authority.name))
        assert moderator is not None and moderator.job_title, authority.name
        assert re.search(r"quality|\bQA\b|performance|audit|practice", moderator.job_title, re.IGNORECASE)
        assert authority.id not in moderator.authority_ids()  # works there; reads nothing of it as such
    response = client.post("/sign-in", data={"email": moderator.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "Self-assessments you moderate" in client.get("/").get_data(as_text=True)


def test_the_comments_are_short_specific_and_shown_to_the_author(demo, demo_app):
    client = demo_app.test_client()
    cycle = south_east_cycle()
    row = published(cycle)[0]
    assert row.evidence_comment.startswith("- ") and len(row.evidence_comment) < 1000
    assert "DfE release" in row.data_comment and len(row.data_comment) < 1000
    director = find_user_by_email(person_email(Role.DIRECTOR, row.authority.name))
    client.post("/sign-in", data={"email": director.email, "password": DEMO_PASSWORD})
    page = client.get(f"/cycles/{cycle.id}/authorities/{row.authority_id}/self-assessment").get_data(
        as_text=True
    )
    assert (
        f"Moderated by {row.moderator.name} ({row.moderator.job_title}), {row.moderator_authority.name}"
        in page
    )

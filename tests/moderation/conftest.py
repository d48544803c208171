"""A moderated cycle in region A: six authorities reviewed in a ring, a moderator working for each, every
self-assessment signed off, the cycle in moderation and the moderators published (one per self-assessment)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.cycles.models import CycleState
from peerchallenge.extensions import db
from peerchallenge.moderation import services
from peerchallenge.moderation.models import AllocationState, ModerationAssignment
from tests import factories
from tests.scenarios import move_to, publish, sign_off

MODERATOR_NAMES = ["Priya Shah", "Tom Hughes", "Grace Okafor", "Ellis Ward", "Nadia Karim", "Owen Price"]


@dataclass
class Moderated:
    six: object
    cycle: object
    lead: object
    moderators: list  # moderators[i] works for six.authorities[i]

    def rows(self, state=AllocationState.PUBLISHED) -> list[ModerationAssignment]:
        db.session.expire_all()
        return list(
            db.session.scalars(
                sa.select(ModerationAssignment)
                .where(ModerationAssignment.cycle_id == self.cycle.id, ModerationAssignment.state == state)
                .order_by(ModerationAssignment.id)
            )
        )

    def row_of(self, authority) -> ModerationAssignment:
        return next(row for row in self.rows() if row.authority_id == authority.id)

    def moderator_of(self, row: ModerationAssignment):
        return next(user for user in self.moderators if user.id == row.moderator_id)


def moderation_on(cycle, per_submission: int = 1) -> None:
    cycle.moderation = True
    cycle.moderators_per_submission = per_submission
    cycle.moderation_due_on = cycle.submissions_due_on + timedelta(days=7)
    db.session.commit()


def add_moderators(six) -> list:
    return [
        factories.make_user((Role.MODERATOR, authority), name=name)
        for authority, name in zip(six.authorities, MODERATOR_NAMES, strict=True)
    ]


@pytest.fixture
def signed_off_moderated(six):
    """Moderation on, reviewers published, every self-assessment signed off; the cycle still open."""
    moderation_on(six.cycle)
    moderators = add_moderators(six)
    publish(six)
    sign_off(six, six.authorities)
    return Moderated(six, six.cycle, six.lead, moderators)


@pytest.fixture
def moderated(signed_off_moderated):
    """The cycle in moderation with its moderators published."""
    state = signed_off_moderated
    move_to(state.cycle, state.lead, CycleState.MODERATION)
    services.generate(state.lead, state.cycle)
    services.publish(state.lead, state.cycle)
    db.session.commit()
    return state

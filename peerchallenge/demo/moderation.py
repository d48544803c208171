"""The South East's demo moderation: a moderator from each authority's QA or performance team, the moderators
published, and every self-assessment moderated before reviews started.

Moderators are demo accounts (moderator.<authority>@demo.example, made with the others by demo/seed.py, named
from a name sequence of their own so that the other demo people keep their names). Their comments are built
from what each self-assessment says (demo/profiles.py: its figures, its worries, its last inspection) and
England's published comparators as the text quotes them: no figure is made up here.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from peerchallenge.accounts.models import Role, User
from peerchallenge.cycles import lifecycle
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.demo.cycle import at, demo_user
from peerchallenge.demo.profiles import INDICATORS, AuthorityProfile, profile_for
from peerchallenge.demo.seed import person_email
from peerchallenge.extensions import db
from peerchallenge.moderation import services
from peerchallenge.moderation.models import AllocationState, ModerationAssignment

INDICATOR = {indicator.key: indicator for indicator in INDICATORS}


def evidence_comment(profile: AuthorityProfile, number: int) -> str:
    """What a QA lead says of the evidence: where a judgement rests on too little, taken from the text."""
    worry = profile.worries[number % len(profile.worries)] if profile.worries else None
    strength = profile.strengths[number % len(profile.strengths)] if profile.strengths else None
    inspection = profile.inspection
    lines = []
    if strength is not None:
        lines.append(
            f"- {strength.section}: the strength on {strength.topic} is described by what the service does. "
            "Add what audits or children's and families' feedback say changed for them."
        )
    if worry is not None:
        lines.append(
            f"- {worry.section}: the worry about {worry.topic} is well put, but no audit finding or case "
            "example sits behind it. One recent audit's result would show how far it reaches."
        )
    if inspection.areas_for_improvement:
        lines.append(
            f"- The {inspection.name} of {inspection.inspected:%B %Y} set areas for improvement; say against "
            "each what has changed since and how you know."
        )
    return "\n".join(lines) or "The judgements are backed by audit findings throughout."


def data_comment(profile: AuthorityProfile, number: int) -> str:
    """What a performance lead says of the figures: their year, source and comparator, from the text."""
    keys = [key for key in ("re_referrals", "cp_repeat", "cin_rate", "cp_rate") if key in profile.figures]
    key = keys[number % len(keys)]
    indicator = INDICATOR[key]
    value = indicator.show(profile.figures[key])
    lines = [
        f"- The figure for {indicator.label} ({value}) is given without its year or source. Say which "
        "year's DfE release it comes from, so that peers can set it beside the data pack.",
    ]
    if indicator.england_text.startswith("about"):
        lines.append(
            f"- England's comparator is given as {indicator.england_text}: quote the published figure "
            "and its year rather than an approximation."
        )
    else:
        lines.append(
            f"- England's comparator ({indicator.england_text}) is right; add the statistical neighbours' "
            "figure too, as the judgement compares you with similar authorities."
        )
    return "\n".join(lines)


def seed_moderation(cycle: Cycle, lead: User, today: date) -> None:
    """Moderators allocated, published and done; the cycle moved through moderation to reviewing."""
    moderators = [
        demo_user(person_email(Role.MODERATOR, authority.name)) for authority in cycle.region.authorities
    ]
    lifecycle.move_on(lead, cycle, CycleState.OPEN)  # into moderation
    services.generate(lead, cycle)
    services.publish(lead, cycle)
    rows = db.session.scalars(
        sa.select(ModerationAssignment)
        .where(
            ModerationAssignment.cycle_id == cycle.id, ModerationAssignment.state == AllocationState.PUBLISHED
        )
        .order_by(ModerationAssignment.id)
    ).all()
    by_id = {user.id: user for user in moderators}
    for number, row in enumerate(rows):
        profile = profile_for(row.authority.name, row.authority.authority_type)
        moderator = by_id[row.moderator_id]
        services.save_comments(
            moderator,
            row,
            evidence=evidence_comment(profile, number),
            data=data_comment(profile, number),
            base_version=row.version,
        )
        services.submit_comments(moderator, row)
        row.updated_at = row.submitted_at = at(today - timedelta(days=1 + number % 3))
    lifecycle.move_on(lead, cycle, CycleState.MODERATION)  # into reviewing

"""Reading conflicts, assignments and delegations for pages and services."""

from collections.abc import Iterable

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import Session, selectinload

from peerchallenge.accounts.models import Role, RoleGrant, User
from peerchallenge.assignments.models import (
    Assignment,
    AssignmentState,
    Conflict,
    Delegation,
    ReviewGroup,
    review_group_members,
)
from peerchallenge.cycles.models import Cycle
from peerchallenge.extensions import db, scalars_where_in
from peerchallenge.regions.models import Authority


def region_conflicts(region_id: int) -> list[Conflict]:
    """The region's declared conflicts, by the first authority's name."""
    first = sa.orm.aliased(Authority)
    query = (
        sa.select(Conflict)
        .join(first, Conflict.first_authority_id == first.id)
        .where(first.region_id == region_id)
        .options(
            selectinload(Conflict.first_authority),
            selectinload(Conflict.second_authority),
            selectinload(Conflict.declared_by),
        )
        .order_by(first.name, Conflict.id)
    )
    return list(db.session.scalars(query))


def cycle_assignments(cycle: Cycle, *states: AssignmentState) -> list[Assignment]:
    """The cycle's assignments in the given states, by reviewed then reviewer authority name."""
    reviewed, reviewer = sa.orm.aliased(Authority), sa.orm.aliased(Authority)
    query = (
        sa.select(Assignment)
        .join(reviewed, Assignment.reviewed_id == reviewed.id)
        .join(reviewer, Assignment.reviewer_id == reviewer.id)
        .where(Assignment.cycle_id == cycle.id, Assignment.state.in_(states))
        .options(selectinload(Assignment.reviewer), selectinload(Assignment.reviewed))
        .order_by(reviewed.name, reviewer.name)
    )
    return list(db.session.scalars(query))


def cycle_groups(cycle: Cycle, state: AssignmentState) -> list[ReviewGroup]:
    """The cycle's peer groups in the given state, by number, with their members."""
    return list(
        db.session.scalars(
            sa.select(ReviewGroup)
            .where(ReviewGroup.cycle_id == cycle.id, ReviewGroup.state == state)
            .options(selectinload(ReviewGroup.members))
            .order_by(ReviewGroup.number)
        )
    )


def group_member_ids(cycle: Cycle, group_ids: Iterable[int]) -> set[int]:
    """The authorities in the given published groups of the cycle."""
    return set(
        db.session.scalars(
            sa.select(review_group_members.c.authority_id)
            .join(ReviewGroup, ReviewGroup.id == review_group_members.c.group_id)
            .where(
                ReviewGroup.cycle_id == cycle.id,
                ReviewGroup.state == AssignmentState.PUBLISHED,
                ReviewGroup.id.in_(list(group_ids)),
            )
        )
    )


def group_grants(group: ReviewGroup) -> list[RoleGrant]:
    """The observer and consultant grants of a peer group, with their users."""
    return list(
        db.session.scalars(
            sa.select(RoleGrant)
            .where(RoleGrant.review_group_id == group.id)
            .options(selectinload(RoleGrant.user))
            .order_by(RoleGrant.role, RoleGrant.id)
        )
    )


def groups_of_user(user: User) -> list[ReviewGroup]:
    """The published peer groups the user observes or advises, newest cycle first."""
    ids = {grant.review_group_id for grant in user.grants if grant.review_group_id is not None}
    if not ids:
        return []
    query = (
        sa.select(ReviewGroup)
        .join(Cycle, ReviewGroup.cycle_id == Cycle.id)
        .where(ReviewGroup.id.in_(ids), ReviewGroup.state == AssignmentState.PUBLISHED)
        .options(selectinload(ReviewGroup.members), selectinload(ReviewGroup.cycle))
        .order_by(Cycle.year.desc(), ReviewGroup.number)
    )
    return list(db.session.scalars(query))


def past_pairings(cycle: Cycle) -> list[tuple[int, int, int]]:
    """(reviewer id, reviewed id, cycles ago) from the region's two cycles before this one."""
    earlier = db.session.scalars(
        sa.select(Cycle.id)
        .where(
            Cycle.region_id == cycle.region_id,
            Cycle.id != cycle.id,
            Cycle.year <= cycle.year,
            Cycle.assignments_published_at.is_not(None),
        )
        .order_by(Cycle.year.desc(), Cycle.id.desc())
        .limit(2)
    ).all()
    ago = {cycle_id: index + 1 for index, cycle_id in enumerate(earlier)}
    if not ago:
        return []
    rows = db.session.execute(
        sa.select(Assignment.reviewer_id, Assignment.reviewed_id, Assignment.cycle_id).where(
            Assignment.cycle_id.in_(ago), Assignment.state == AssignmentState.PUBLISHED
        )
    )
    return [(reviewer, reviewed, ago[cycle_id]) for reviewer, reviewed, cycle_id in rows]


def reviewer_authority_ids(cycle: Cycle, reviewed: Authority) -> set[int]:
    """The authorities currently assigned, and published, to review this one in the cycle."""
    return set(
        db.session.scalars(
            sa.select(Assignment.reviewer_id).where(
                Assignment.cycle_id == cycle.id,
                Assignment.reviewed_id == reviewed.id,
                Assignment.state == AssignmentState.PUBLISHED,
            )
        )
    )


def delegates_of(authority_ids: Iterable[int]) -> list[Delegation]:
    query = sa.select(Delegation).options(selectinload(Delegation.delegate)).order_by(Delegation.id)
    return scalars_where_in(query, Delegation.authority_id, authority_ids)


def delegated_authority_ids(user: User, *, submitting: bool = False) -> set[int]:
    """Authorities whose reviews this user has been nominated to draft (`submitting`: and to submit).

    Asked several times a request (the menu, access checks, the page itself), so kept on `g` until the
    request's session next writes anything (a delegation or a role may have changed).
    """
    if not user.is_authenticated or not user.authority_ids(Role.CONTRIBUTOR):
        # Only a current contributor's delegations count (`current_delegations`): most people, and every
        # page's menu for them, need no query.
        return set()
    cache: dict | None = g.setdefault(_DELEGATIONS_CACHE, {}) if has_app_context() else None
    delegations = cache.get(user.id) if cache is not None else None
    if delegations is None:
        # Both kinds in one query: a page asks for the ones to draft and the ones to submit.
        query = (
            current_delegations().add_columns(Delegation.may_submit).where(Delegation.delegate_id == user.id)
        )
        delegations = [
            (authority_id, may_submit) for authority_id, _, may_submit in db.session.execute(query)
        ]
        if cache is not None:
            cache[user.id] = delegations
    return {authority_id for authority_id, may_submit in delegations if may_submit or not submitting}


_DELEGATIONS_CACHE = "delegated_authority_ids"


def _forget_delegations(*arguments) -> None:
    if has_app_context():
        g.pop(_DELEGATIONS_CACHE, None)


def _forget_delegations_on_write(orm_execute_state) -> None:
    if not orm_execute_state.is_select:
        _forget_delegations()


# Every session: a flush (ORM changes), a bulk insert, update or delete, a commit or a rollback.
sa.event.listen(Session, "after_flush", _forget_delegations)
sa.event.listen(Session, "do_orm_execute", _forget_delegations_on_write)
sa.event.listen(Session, "after_commit", _forget_delegations)
sa.event.listen(Session, "after_soft_rollback", _forget_delegations)


def current_delegations() -> sa.Select:
    """(authority id, delegate id) of every delegation whose delegate is still a contributor of the authority.

    A removed contributor role ends the delegation: this is the one place that says which delegations count.
    """
    return sa.select(Delegation.authority_id, Delegation.delegate_id).join(
        RoleGrant,
        sa.and_(
            RoleGrant.user_id == Delegation.delegate_id,
            RoleGrant.authority_id == Delegation.authority_id,
            RoleGrant.role == Role.CONTRIBUTOR,
        ),
    )


def submitting_delegation_nominator(delegate_id: int, authority_id: int) -> int | None:
    """Who let this delegate submit reviews for the authority (a director's user id), if anyone did."""
    return db.session.scalar(
        sa.select(Delegation.nominated_by_id).where(
            Delegation.delegate_id == delegate_id,
            Delegation.authority_id == authority_id,
            Delegation.may_submit,
        )
    )

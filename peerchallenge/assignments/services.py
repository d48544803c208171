"""Assignment transitions: conflicts, proposals (generated or adjusted), publishing, withdrawal."""

from dataclasses import dataclass

import sqlalchemy as sa

from peerchallenge.accounts.models import GROUP_ROLES, Role, RoleGrant, User
from peerchallenge.accounts.services import add_user
from peerchallenge.assignments import grouping, solver
from peerchallenge.assignments.models import Assignment, AssignmentState, Conflict, Delegation, ReviewGroup
from peerchallenge.assignments.queries import cycle_assignments, cycle_groups, past_pairings, region_conflicts
from peerchallenge.audit.services import record_about
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.services import check_not_closed
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.letters.services import mark_reviewers_changed
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.regions.models import Authority
from peerchallenge.regions.queries import carried_on_by

MAX_REASON = 500


def declare_conflict(actor: User, first: Authority, second: Authority, reason: str) -> Conflict:
    """Record that two authorities must not review each other, and why."""
    reason = reason.strip()
    if first.id == second.id:
        raise ServiceError("Choose two different authorities", field="other")
    if first.region_id != second.region_id:
        raise ServiceError("Both authorities must be in the same region", field="other")
    if not reason:
        raise ServiceError("Enter the reason for the conflict", field="reason")
    low, high = sorted((first, second), key=lambda authority: authority.id)
    exists = db.session.scalar(
        sa.select(Conflict).where(
            Conflict.first_authority_id == low.id, Conflict.second_authority_id == high.id
        )
    )
    if exists:
        raise ServiceError(
            f"A conflict between {low.name} and {high.name} is already recorded", field="other"
        )
    conflict = Conflict(
        first_authority=low, second_authority=high, reason=reason[:MAX_REASON], declared_by=actor
    )
    db.session.add(conflict)
    record_about(
        "conflict_declared",
        f"Conflict declared between {low.name} and {high.name}",
        actor,
        conflict,
        reason=conflict.reason,
    )
    return conflict


def remove_conflict(actor: User, conflict: Conflict) -> None:
    first, second = conflict.first_authority, conflict.second_authority
    db.session.delete(conflict)
    record_about(
        "conflict_removed", f"Conflict removed between {first.name} and {second.name}", actor, conflict
    )


def participants(cycle: Cycle) -> list[Authority]:
    """The region's authorities active when the cycle opens."""
    return [authority for authority in cycle.region.authorities if authority.is_active_on(cycle.opens_on)]


def _solver_inputs(cycle: Cycle, authorities: list[Authority]) -> dict:
    names = {authority.id: authority.name for authority in authorities}
    conflicts = [
        (names[c.first_authority_id], names[c.second_authority_id])
        for c in region_conflicts(cycle.region_id)
        if c.first_authority_id in names and c.second_authority_id in names
    ]
    # A pairing of authorities that have since merged or split counts for their successors.
    carried = carried_on_by(cycle.region_id, names)
    history = [
        solver.PastPairing(names[reviewer], names[reviewed], ago)
        for past_reviewer, past_reviewed, ago in past_pairings(cycle)
        for reviewer in sorted(carried.get(past_reviewer, ()))
        for reviewed in sorted(carried.get(past_reviewed, ()))
        if reviewer != reviewed
    ]
    return {"conflicts": conflicts, "history": history}


ASSIGNMENTS_READ_ONLY = "its assignment of peers is read-only"


def _require_unpublished(cycle: Cycle) -> None:
    check_not_closed(cycle, ASSIGNMENTS_READ_ONLY)
    if cycle.is_draft:
        raise ServiceError("Open the cycle before assigning peers")
    if cycle.assignments_published_at is not None:
        raise ServiceError("The assignment has been published. To change it, withdraw an authority instead.")


def generate_proposal(actor: User, cycle: Cycle) -> solver.Solution | grouping.GroupSolution:
    """Solve a new proposal with the next seed, replacing any earlier proposal."""
    lock_for_update(cycle)
    _require_unpublished(cycle)
    authorities = participants(cycle)
    by_name = {authority.name: authority for authority in authorities}
    cycle.assignment_seed += 1
    if cycle.in_groups:
        return _generate_groups(actor, cycle, authorities, by_name)
    try:
        solution = solver.solve(
            [authority.name for authority in authorities],
            cycle.peers_per_authority,
            seed=cycle.assignment_seed,
            **_solver_inputs(cycle, authorities),
        )
    except solver.NoAssignment as error:
        raise ServiceError(error.message) from error
    _replace_proposal(
        cycle, [(by_name[reviewer], by_name[reviewed]) for reviewer, reviewed in solution.pairs]
    )
    record_about(
        "assignment_generated",
        f"An assignment was proposed (seed {cycle.assignment_seed})",
        actor,
        cycle,
        reciprocal=solution.reciprocal,
        repeated=solution.repeated,
        shared=solution.shared_reviewers,
    )
    return solution


def _group_history(inputs: dict) -> list[tuple[str, str, int]]:
    return [(past.reviewer, past.reviewed, past.cycles_ago) for past in inputs["history"]]


def _generate_groups(
    actor: User, cycle: Cycle, authorities: list[Authority], by_name: dict[str, Authority]
) -> grouping.GroupSolution:
    inputs = _solver_inputs(cycle, authorities)
    try:
        solution = grouping.solve_groups(
            list(by_name),
            cycle.group_size,
            conflicts=inputs["conflicts"],
            history=_group_history(inputs),
            seed=cycle.assignment_seed,
        )
    except grouping.NoGrouping as error:
        raise ServiceError(error.message) from error
    _replace_group_proposal(cycle, [[by_name[name] for name in members] for members in solution.groups])
    record_about(
        "assignment_generated",
        f"Peer groups were proposed (seed {cycle.assignment_seed})",
        actor,
        cycle,
        groups=len(solution.groups),
        repeated=solution.repeated,
    )
    return solution


def _replace_group_proposal(cycle: Cycle, groups: list[list[Authority]]) -> None:
    """Replace the proposed groups, and their assignments: every member reviews every other member."""
    for group in cycle_groups(cycle, AssignmentState.PROPOSED):
        db.session.delete(group)
    db.session.flush()
    for number, members in enumerate(groups, start=1):
        db.session.add(
            ReviewGroup(cycle=cycle, number=number, state=AssignmentState.PROPOSED, members=members)
        )
    _replace_proposal(
        cycle,
        [
            (reviewer, reviewed)
            for members in groups
            for reviewer in members
            for reviewed in members
            if reviewer != reviewed
        ],
    )


def evaluate_grouping(cycle: Cycle, groups: list[list[Authority]]) -> grouping.GroupEvaluation:
    """The hard-rule breaks of a set of groups for this cycle, and the repeated pairings in each."""
    authorities = participants(cycle)
    inputs = _solver_inputs(cycle, authorities)
    return grouping.evaluate_groups(
        [authority.name for authority in authorities],
        cycle.group_size,
        [[member.name for member in members] for members in groups],
        conflicts=inputs["conflicts"],
        history=_group_history(inputs),
    )


def save_adjusted_groups(
    actor: User, cycle: Cycle, groups: list[list[Authority]]
) -> grouping.GroupEvaluation:
    """Save hand-adjusted groups, refusing ones that break a hard rule."""
    lock_for_update(cycle)
    _require_unpublished(cycle)
    evaluation = evaluate_grouping(cycle, groups)
    if not evaluation.valid:
        raise ServiceError(
            "This change breaks a rule, so it was not saved: " + "; ".join(evaluation.hard_breaks)
        )
    _replace_group_proposal(cycle, [members for members in groups if members])
    record_about("assignment_adjusted", "The proposed peer groups were adjusted by hand", actor, cycle)
    return evaluation


def _replace_proposal(cycle: Cycle, pairs: list[tuple[Authority, Authority]]) -> None:
    db.session.execute(
        sa.delete(Assignment).where(
            Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PROPOSED
        )
    )
    for reviewer, reviewed in pairs:
        db.session.add(
            Assignment(cycle=cycle, reviewer=reviewer, reviewed=reviewed, state=AssignmentState.PROPOSED)
        )
    db.session.flush()


def evaluate_pairs(cycle: Cycle, pairs: list[tuple[Authority, Authority]]) -> solver.Evaluation:
    """The hard-rule breaks and soft-rule counts of a set of pairs for this cycle."""
    authorities = participants(cycle)
    return solver.evaluate(
        [authority.name for authority in authorities],
        cycle.peers_per_authority,
        [(reviewer.name, reviewed.name) for reviewer, reviewed in pairs],
        **_solver_inputs(cycle, authorities),
    )


def save_adjusted_proposal(
    actor: User, cycle: Cycle, pairs: list[tuple[Authority, Authority]]
) -> solver.Evaluation:
    """Save a hand-adjusted proposal, refusing one that breaks a hard rule."""
    lock_for_update(cycle)
    _require_unpublished(cycle)
    evaluation = evaluate_pairs(cycle, pairs)
    if not evaluation.valid:
        raise ServiceError(
            "This change breaks a rule, so it was not saved: " + "; ".join(evaluation.hard_breaks)
        )
    _replace_proposal(cycle, pairs)
    record_about("assignment_adjusted", "The proposed assignment was adjusted by hand", actor, cycle)
    return evaluation


def _review_emails(cycle: Cycle, assignments: list[Assignment], kind: str, intro: str) -> None:
    """Tell each reviewing authority's director and delegates which self-assessments they review."""
    by_reviewer: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_reviewer.setdefault(assignment.reviewer_id, []).append(assignment)
    if not by_reviewer:
        return
    recipients = _reviewers_people(list(by_reviewer))
    for authority_id, items in by_reviewer.items():
        names = ", ".join(item.reviewed.name for item in items)
        for user in recipients.get(authority_id, []):
            queue_email(
                user,
                kind,
                f"{cycle.title}: your peer reviews",
                f"Dear {user.how_to_address},\n\n{intro}\n\n{items[0].reviewer.name} reviews: {names}.\n\n"
                f"Reviews are due by {cycle.reviews_due_on:%d %B %Y}. Your reviews, and the self-assessments "
                f"once they are signed off, are at\n{public_url('reviews.my_reviews')}\n",
                region_id=cycle.region_id,
            )


def _reviewers_people(authority_ids: list[int]) -> dict[int, list[User]]:
    """Active directors and delegates of the given authorities."""
    people: dict[int, list[User]] = {}
    directors = db.session.execute(
        sa.select(RoleGrant.authority_id, User)
        .join(User, RoleGrant.user_id == User.id)
        .where(
            RoleGrant.authority_id.in_(authority_ids), RoleGrant.role == Role.DIRECTOR, User.active.is_(True)
        )
    )
    delegates = db.session.execute(
        sa.select(Delegation.authority_id, User)
        .join(User, Delegation.delegate_id == User.id)
        .join(
            RoleGrant,
            sa.and_(
                RoleGrant.user_id == User.id,
                RoleGrant.authority_id == Delegation.authority_id,
                RoleGrant.role == Role.CONTRIBUTOR,
            ),
        )
        .where(Delegation.authority_id.in_(authority_ids), User.active.is_(True))
    )
    for authority_id, user in [*directors, *delegates]:
        if user not in people.setdefault(authority_id, []):
            people[authority_id].append(user)
    return people


def publish(actor: User, cycle: Cycle) -> None:
    """Make the proposal the cycle's assignment, visible to the directors, and tell them."""
    lock_for_update(cycle)
    _require_unpublished(cycle)
    proposal = cycle_assignments(cycle, AssignmentState.PROPOSED)
    if not proposal:
        raise ServiceError("Generate an assignment before publishing it")
    groups = cycle_groups(cycle, AssignmentState.PROPOSED) if cycle.in_groups else []
    if cycle.in_groups:
        breaks = evaluate_grouping(cycle, [group.members for group in groups]).hard_breaks
    else:
        breaks = evaluate_pairs(cycle, [(item.reviewer, item.reviewed) for item in proposal]).hard_breaks
    if breaks:
        raise ServiceError("The proposal breaks a rule: " + "; ".join(breaks))
    now = utcnow()
    for group in groups:
        group.state = AssignmentState.PUBLISHED
    for item in proposal:
        item.state, item.published_at = AssignmentState.PUBLISHED, now
    cycle.assignments_published_at = now
    _review_emails(
        cycle,
        proposal,
        "assignments_published",
        "The regional lead has published this year's peer review assignments.",
    )
    record_about(
        "assignment_published", f"The assignment of {len(proposal)} reviews was published", actor, cycle
    )


@dataclass
class WithdrawalPlan:
    """What withdrawing an authority would change: the reviews that end and the ones that replace them."""

    ending: list[Assignment]
    starting: list[tuple[Authority, Authority]]  # (reviewer, reviewed)
    current: list[Assignment]


def plan_withdrawal(cycle: Cycle, authority: Authority) -> WithdrawalPlan:
    """Re-solve without the authority, keeping as many published pairs as the rules allow; saves nothing."""
    check_not_closed(cycle, ASSIGNMENTS_READ_ONLY)
    if cycle.assignments_published_at is None:
        raise ServiceError("The assignment has not been published yet: adjust the proposal instead")
    current = cycle_assignments(cycle, AssignmentState.PUBLISHED)
    remaining = sorted(
        {item.reviewer for item in current} | {item.reviewed for item in current}, key=lambda a: a.name
    )
    if authority not in remaining:
        raise ServiceError(f"{authority.name} is not in the published assignment")
    remaining.remove(authority)
    if cycle.in_groups:
        return _plan_group_withdrawal(cycle, authority, current)
    by_name = {item.name: item for item in remaining}
    keep = [
        (item.reviewer.name, item.reviewed.name)
        for item in current
        if authority.id not in (item.reviewer_id, item.reviewed_id)
    ]
    try:
        solution = solver.solve(
            list(by_name),
            cycle.peers_per_authority,
            seed=cycle.assignment_seed,
            keep=keep,
            **_solver_inputs(cycle, remaining),
        )
    except solver.NoAssignment as error:
        raise ServiceError(f"{authority.name} cannot be withdrawn: {error.message}") from error
    wanted = {(by_name[reviewer], by_name[reviewed]) for reviewer, reviewed in solution.pairs}
    existing = {(item.reviewer, item.reviewed) for item in current}
    return WithdrawalPlan(
        ending=[item for item in current if (item.reviewer, item.reviewed) not in wanted],
        starting=sorted(wanted - existing, key=lambda pair: (pair[1].name, pair[0].name)),
        current=current,
    )


def _plan_group_withdrawal(cycle: Cycle, authority: Authority, current: list[Assignment]) -> WithdrawalPlan:
    """In groups the authority leaves its group: its reviews end; the others go on reviewing one another."""
    group = next(
        group for group in cycle_groups(cycle, AssignmentState.PUBLISHED) if authority in group.members
    )
    if len(group.members) <= 2:
        others = ", ".join(member.name for member in group.members if member != authority)
        raise ServiceError(
            f"{authority.name} cannot be withdrawn: {others} would have no one left to review in {group.name}"
        )
    return WithdrawalPlan(
        ending=[item for item in current if authority.id in (item.reviewer_id, item.reviewed_id)],
        starting=[],
        current=current,
    )


def withdraw_authority(actor: User, cycle: Cycle, authority: Authority) -> list[Assignment]:
    """Take an authority out of the published assignment and apply the plan with the fewest changes.

    Every remaining authority still reviews and is reviewed by exactly k others; the withdrawn
    authority's pairs, and any others that had to move, are kept as 'replaced'.
    """
    lock_for_update(cycle)
    plan = plan_withdrawal(cycle, authority)
    if cycle.in_groups:
        for group in cycle_groups(cycle, AssignmentState.PUBLISHED):
            if authority in group.members:
                group.members.remove(authority)
    now = utcnow()
    added = [
        Assignment(
            cycle=cycle,
            reviewer=reviewer,
            reviewed=reviewed,
            state=AssignmentState.PUBLISHED,
            published_at=now,
        )
        for reviewer, reviewed in plan.starting
    ]
    db.session.add_all(added)
    db.session.flush()
    for item in plan.ending:
        item.state, item.replaced_at = AssignmentState.REPLACED, now
        item.replaced_by = next((new for new in added if new.reviewed_id == item.reviewed_id), None)
    db.session.flush()
    mark_reviewers_changed(actor, cycle, {item.reviewed_id for item in plan.ending})
    _review_emails(
        cycle,
        added,
        "assignments_changed",
        f"{authority.name} has withdrawn from peer review, so your reviews have changed.",
    )
    record_about(
        "authority_withdrawn",
        f"{authority.name} was withdrawn from the assignment; {len(added)} reviews were reassigned",
        actor,
        cycle,
        authority_id=authority.id,
    )
    return added


def add_group_role(actor: User, group: ReviewGroup, role: Role, email: str, name: str) -> User:
    """Make someone the observer director or independent consultant of a published peer group."""
    check_not_closed(group.cycle, ASSIGNMENTS_READ_ONLY)
    if role not in GROUP_ROLES:
        raise ServiceError("Select observer director or independent consultant", field="role")
    if group.state != AssignmentState.PUBLISHED:
        raise ServiceError("Publish the groups before adding an observer or a consultant")
    user, _created = add_user(actor, email, name, role, region=group.cycle.region, review_group_id=group.id)
    record_about("group_role_added", f"{user.name} became {role.label.lower()} of {group.name}", actor, group)
    return user


def nominate_delegate(
    actor: User, authority: Authority, delegate: User, *, may_submit: bool = False
) -> Delegation:
    """A director lets one of the authority's contributors draft its reviews (and submit them, if allowed)."""
    if authority.id not in delegate.authority_ids(Role.CONTRIBUTOR):
        raise ServiceError(f"{delegate.name} is not a contributor for {authority.name}", field="delegate")
    if db.session.scalar(
        sa.select(Delegation).where(
            Delegation.authority_id == authority.id, Delegation.delegate_id == delegate.id
        )
    ):
        raise ServiceError(f"{delegate.name} can already draft reviews", field="delegate")
    delegation = Delegation(
        authority=authority, delegate=delegate, nominated_by_id=actor.id, may_submit=may_submit
    )
    db.session.add(delegation)
    record_about(
        "delegate_nominated",
        f"{delegate.name} may draft {authority.name}'s reviews{' and submit them' if may_submit else ''}",
        actor,
        authority,
        subject_user=delegate,
        may_submit=may_submit,
    )
    return delegation


def set_may_submit(actor: User, delegation: Delegation, may_submit: bool) -> None:
    """The director lets a delegate submit reviews on their behalf, or stops them (they still draft)."""
    lock_for_update(delegation)
    delegation.may_submit = may_submit
    verb = "may now" if may_submit else "may no longer"
    record_about(
        "delegate_changed",
        f"{delegation.delegate.name} {verb} submit {delegation.authority.name}'s reviews",
        actor,
        delegation.authority,
        subject_user=delegation.delegate,
        may_submit=may_submit,
    )


def remove_delegate(actor: User, delegation: Delegation) -> None:
    delegate, authority = delegation.delegate, delegation.authority
    record_about(
        "delegate_removed",
        f"{delegate.name} may no longer draft {authority.name}'s reviews",
        actor,
        authority,
        subject_user=delegate,
    )
    db.session.delete(delegation)

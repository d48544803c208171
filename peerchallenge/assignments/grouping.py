"""Peer groups: pure domain code that places authorities in triads (or groups of another size) with CP-SAT.

The groups model of the South East, the East Midlands and London: each member of a group reviews every other
member. Hard rules: every authority is in exactly one group; groups have `group_size` members, one more where
the count requires it (19 authorities in triads: five triads and one quartet); authorities with a declared
conflict are never in one group. Soft rule: authorities grouped together in the last two cycles (either of
them reviewing the other) are not grouped again where that can be avoided, the last cycle weighing 2 and the
one before 1.

How:

- The counts decide the group sizes; an authority with too few partners after conflicts is named at once.
- A seeded greedy placement, with history treated as a conflict, almost always succeeds outside tiny regions:
  its groups repeat nothing, which is the least possible, so it is returned as proved optimal.
- Otherwise CP-SAT, first with history forbidden (a feasibility question), then charging for each repeated
  pairing, seeded from the greedy placement and stopped at the time limit. One worker, a fixed random seed
  and the seeded hint make the answer the same on every run that ends within the time limit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # OR-Tools is imported where the solver runs: a worker that never solves never loads it
    from ortools.sat.python import cp_model

MIN_GROUP_SIZE = 3
MAX_GROUP_SIZE = 5
HISTORY_WEIGHTS = {1: 2, 2: 1}  # cycles_ago -> weight, as for pairs: older cycles are ignored
GREEDY_ATTEMPTS = 30


@dataclass
class GroupSolution:
    """Groups that keep every hard rule (each sorted by name, the groups by their first member)."""

    groups: list[list[str]]
    repeated: int  # pairs of members also grouped together (or paired) in the last two cycles
    optimal: bool  # `repeated` (weighted by how recent) is proved the least possible


@dataclass
class GroupEvaluation:
    """The hard rules a set of groups breaks, in plain words, and the repeated pairings in each group."""

    hard_breaks: list[str] = field(default_factory=list)
    repeated_by_group: list[int] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.hard_breaks

    @property
    def repeated(self) -> int:
        return sum(self.repeated_by_group)


class Unsolvable(Exception):
    """No answer keeps the hard rules; `message` says why in one plain-English line."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoGrouping(Unsolvable):
    """No grouping keeps the hard rules."""


@dataclass
class _Problem:
    names: list[str]
    group_size: int
    conflicts: set[frozenset[str]]
    history_weight: dict[frozenset[str], int]

    def partners(self, name: str) -> int:
        """How many others the authority may share a group with."""
        return sum(
            1 for other in self.names if other != name and frozenset((name, other)) not in self.conflicts
        )


def group_sizes(count: int, group_size: int) -> list[int]:
    """The sizes of the groups for `count` authorities: the larger ones first; NoGrouping when none fit."""
    groups, extra = divmod(count, group_size)
    if groups == 0:
        raise NoGrouping(
            f"Only {count} {'authority is' if count == 1 else 'authorities are'} taking part; a group of "
            f"{group_size} needs at least {group_size}. Add authorities or choose smaller groups."
        )
    if extra > groups:
        raise NoGrouping(
            f"{count} authorities cannot be placed in groups of {group_size} with some of {group_size + 1}: "
            f"{groups} {'group leaves' if groups == 1 else 'groups leave'} {extra} over. "
            "Choose another group size, or pairs."
        )
    return [group_size + 1] * extra + [group_size] * (groups - extra)


def solve_groups(
    authorities: Sequence[str],
    group_size: int = 3,
    *,
    conflicts: Iterable[tuple[str, str]] = (),
    history: Iterable[tuple[str, str, int]] = (),
    seed: int = 1,
    time_limit: float = 10.0,
) -> GroupSolution:
    """Place every authority in one group; history rows are (one, other, cycles ago), read both ways."""
    deadline = time.monotonic() + max(time_limit, 0.0)
    problem = _problem(authorities, group_size, conflicts, history)
    sizes = group_sizes(len(problem.names), group_size)
    _check_partners(problem, sizes)
    rng = random.Random(seed)  # noqa: S311  (a tie-break, not a secret)
    strict = _greedy(problem, sizes, rng, avoid_history=True)
    if strict is not None:
        return _solution(problem, strict, optimal=True)
    start = _greedy(problem, sizes, rng, avoid_history=False)
    found, optimal = _optimise(problem, sizes, start, seed, deadline)
    if found is None:
        raise NoGrouping(_explain(problem, sizes))
    return _solution(problem, found, optimal=optimal)


def evaluate_groups(
    authorities: Sequence[str],
    group_size: int,
    groups: Sequence[Sequence[str]],
    *,
    conflicts: Iterable[tuple[str, str]] = (),
    history: Iterable[tuple[str, str, int]] = (),
) -> GroupEvaluation:
    """Check hand-made groups: which hard rules they break, and the repeated pairings in each."""
    problem = _problem(authorities, group_size, conflicts, history)
    breaks: list[str] = []
    seen: dict[str, int] = {}
    for number, members in enumerate(groups, start=1):
        if not group_size <= len(members) <= group_size + 1:
            breaks.append(
                f"Group {number} has {len(members)} {'member' if len(members) == 1 else 'members'}; "
                f"groups have {group_size} or {group_size + 1}"
            )
        for name in members:
            if name not in problem.names:
                breaks.append(f"{name} is not taking part in this cycle")
            elif name in seen:
                breaks.append(f"{name} is in group {seen[name]} and group {number}")
            else:
                seen[name] = number
        for first, second in combinations(sorted(set(members)), 2):
            if frozenset((first, second)) in problem.conflicts:
                breaks.append(f"{first} and {second} are in group {number} despite a declared conflict")
    breaks.extend(f"{name} is in no group" for name in problem.names if name not in seen)
    return GroupEvaluation(breaks, [_repeated_in(problem, members) for members in groups])


# Inputs


def _problem(
    authorities: Sequence[str],
    group_size: int,
    conflicts: Iterable[tuple[str, str]],
    history: Iterable[tuple[str, str, int]],
) -> _Problem:
    if isinstance(group_size, bool) or not isinstance(group_size, int):
        raise ValueError(f"group_size must be a whole number, not {group_size!r}")
    if not MIN_GROUP_SIZE <= group_size <= MAX_GROUP_SIZE:
        raise ValueError(f"group_size must be from {MIN_GROUP_SIZE} to {MAX_GROUP_SIZE}, not {group_size}")
    names: set[str] = set()
    for name in authorities:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"Every authority needs a name, not {name!r}")
        if name in names:
            raise ValueError(f"{name} is listed more than once")
        names.add(name)
    conflict_set: set[frozenset[str]] = set()
    for pair in conflicts:
        if isinstance(pair, str) or len(pair) != 2 or not all(isinstance(name, str) for name in pair):
            raise ValueError(f"Each pair must be two authority names, not {pair!r}")
        first, second = pair
        for name in (first, second):
            if name not in names:
                raise ValueError(
                    f"The conflict between {first} and {second} names {name}, which is not listed"
                )
        if first == second:
            raise ValueError(f"A conflict needs two different authorities, not {first} twice")
        conflict_set.add(frozenset((first, second)))
    weights: dict[frozenset[str], int] = {}
    for one, other, cycles_ago in history:
        weight = HISTORY_WEIGHTS.get(cycles_ago, 0)
        # Pairings of authorities no longer listed cannot recur, so they are ignored rather than refused.
        if weight and one in names and other in names and one != other:
            key = frozenset((one, other))
            weights[key] = max(weights.get(key, 0), weight)
    return _Problem(sorted(names), group_size, conflict_set, weights)


def _check_partners(problem: _Problem, sizes: list[int]) -> None:
    """Name the authority that cannot fill even the smallest group after its conflicts."""
    needed = min(sizes) - 1
    short = sorted((name for name in problem.names if problem.partners(name) < needed), key=problem.partners)
    if short:
        first = short[0]
        count = problem.partners(first)
        others = {0: "no other authority", 1: "only one other authority"}.get(
            count, f"only {count} other authorities"
        )
        also = (
            f" {', '.join(short[1:4])} {'has' if len(short) == 2 else 'have'} too few as well."
            if len(short) > 1
            else ""
        )
        raise NoGrouping(
            f"{first} can share a group with {others} after conflicts (a group of {min(sizes)} needs "
            f"{needed}).{also} Remove a conflict or choose smaller groups."
        )


# Searching


def _greedy(
    problem: _Problem, sizes: list[int], rng: random.Random, *, avoid_history: bool
) -> list[list[str]] | None:
    """A seeded placement: the most constrained authorities first, each into the first group that takes it."""

    def apart(a: str, b: str) -> bool:
        pair = frozenset((a, b))
        return pair in problem.conflicts or (avoid_history and pair in problem.history_weight)

    blocked = {
        name: sum(1 for other in problem.names if other != name and apart(name, other))
        for name in problem.names
    }
    for _ in range(GREEDY_ATTEMPTS):
        order = list(problem.names)
        rng.shuffle(order)
        order.sort(key=lambda name: -blocked[name])  # stable: ties keep the seeded order
        groups: list[list[str]] = [[] for _ in sizes]
        for name in order:
            places = [
                index
                for index, members in enumerate(groups)
                if len(members) < sizes[index] and not any(apart(name, member) for member in members)
            ]
            if not places:
                break
            # Fill the emptiest group first, so that constrained authorities keep somewhere to go.
            groups[min(places, key=lambda index: (len(groups[index]) - sizes[index], index))].append(name)
        else:
            return groups
    return None


def _optimise(
    problem: _Problem, sizes: list[int], start: list[list[str]] | None, seed: int, deadline: float
) -> tuple[list[list[str]] | None, bool]:
    """CP-SAT: first with repeats forbidden, then charging for them; (groups, proved optimal)."""
    from ortools.sat.python import cp_model

    halfway = time.monotonic() + (deadline - time.monotonic()) / 2
    groups, status = _run(problem, sizes, start, seed, halfway, strict=True)
    if groups is not None:
        return groups, True
    groups, status = _run(problem, sizes, start, seed, deadline, strict=False)
    return groups, status == cp_model.OPTIMAL


def _run(
    problem: _Problem,
    sizes: list[int],
    hint: list[list[str]] | None,
    seed: int,
    deadline: float,
    *,
    strict: bool,
) -> tuple[list[list[str]] | None, cp_model.CpSolverStatus]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    names = problem.names
    index = {name: position for position, name in enumerate(names)}
    # x[a][g]: authority a is in group g. Groups of one size are interchangeable, so authority i only joins
    # the first i + 1 groups of each size: ordering each size's groups by their first member shows that no
    # grouping is lost.
    rank = [group - sizes.index(size) for group, size in enumerate(sizes)]
    x = {
        (name, group): model.new_bool_var(f"x[{name}|{group}]")
        for name in names
        for group in range(len(sizes))
        if rank[group] <= index[name]
    }
    for name in names:
        model.add_exactly_one(x[(name, group)] for group in range(len(sizes)) if (name, group) in x)
    for group, size in enumerate(sizes):
        model.add(cp_model.LinearExpr.sum([x[(name, group)] for name in names if (name, group) in x]) == size)
    apart = set(problem.conflicts) | (set(problem.history_weight) if strict else set())
    for pair in sorted(apart, key=sorted):
        a, b = sorted(pair)
        for group in range(len(sizes)):
            if (a, group) in x and (b, group) in x:
                model.add_at_most_one([x[(a, group)], x[(b, group)]])
    if not strict:
        terms = []
        for pair, weight in sorted(problem.history_weight.items(), key=lambda item: sorted(item[0])):
            if pair in problem.conflicts:
                continue
            a, b = sorted(pair)
            together = model.new_bool_var(f"t[{a}|{b}]")
            for group in range(len(sizes)):
                if (a, group) in x and (b, group) in x:
                    model.add(x[(a, group)] + x[(b, group)] <= 1 + together)
            terms.append(weight * together)
        if terms:
            model.minimize(cp_model.LinearExpr.sum(terms))
    if hint is not None:
        for group, members in enumerate(_canonical(hint, index)):
            for name in members:
                if (name, group) in x:
                    model.add_hint(x[(name, group)], True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(deadline - time.monotonic(), 0.001)
    solver.parameters.random_seed = seed % 2**31
    solver.parameters.num_workers = 1
    solver.parameters.interleave_search = False
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status
    groups: list[list[str]] = [[] for _ in sizes]
    for (name, group), variable in x.items():
        if solver.boolean_value(variable):
            groups[group].append(name)
    return groups, status


def _canonical(groups: list[list[str]], index: dict[str, int]) -> list[list[str]]:
    """Groups in the model's order: the larger first, then each size's groups by their first member."""
    return sorted(
        (sorted(members, key=index.__getitem__) for members in groups), key=lambda m: (-len(m), index[m[0]])
    )


def _explain(problem: _Problem, sizes: list[int]) -> str:
    fewest = min(problem.partners(name) for name in problem.names)
    tightest = [name for name in problem.names if problem.partners(name) == fewest]
    named = ", ".join(tightest[:4]) + (f" and {len(tightest) - 4} others" if len(tightest) > 4 else "")
    kinds = f"{min(sizes)}" if min(sizes) == max(sizes) else f"{min(sizes)} or {max(sizes)}"
    return (
        f"The conflicts leave no way to place every authority in a group of {kinds}: {named} "
        f"{'has' if len(tightest) == 1 else 'have'} the fewest possible partners ({fewest}). "
        "Remove a conflict involving them or choose smaller groups."
    )


# Results


def _repeated_in(problem: _Problem, members: Iterable[str]) -> int:
    return sum(
        1 for pair in combinations(sorted(set(members)), 2) if frozenset(pair) in problem.history_weight
    )


def _solution(problem: _Problem, groups: list[list[str]], *, optimal: bool) -> GroupSolution:
    ordered = sorted(sorted(members) for members in groups)
    return GroupSolution(ordered, sum(_repeated_in(problem, members) for members in ordered), optimal)

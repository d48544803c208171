"""Allocating moderators to self-assessments: plain values in, plain values out.

Each self-assessment (named by its authority's id) gets `k` distinct moderators (1 or 2). A moderator never
moderates their own authority, nor one that their authority reviews: the moderation comes before the peers
read it, and from someone who is not one of them. Loads are spread as evenly as the rules allow: the largest
load is as small as it can be, and then the smallest as large as it can be, so that when any allocation has
loads within one of each other this one does.

It is a flow problem. A source sends `k` units to each authority, each authority sends one unit to each of
its eligible moderators, and each moderator sends between `low` and `high` units to the sink. A flow
saturating every authority is an allocation whose loads lie in [low, high], and one exists exactly when the
flow problem with those bounds is feasible (integral flows; lower bounds handled by the usual reduction to a
circulation). Without an upper bound that is exactly "each authority has `k` eligible moderators", so that is
the only refusal; then the smallest feasible `high` and the largest feasible `low` under it are searched for.
The seed shuffles the order in which each authority's moderators are tried, so another seed gives another
allocation, and the same seed the same one.
"""

import math
import random
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


class AllocationImpossible(Exception):
    """No allocation keeps the rules; `authority_id` names the self-assessment that cannot be covered."""

    def __init__(self, authority_id: int | None, eligible: int, needed: int):
        self.authority_id = authority_id
        self.eligible = eligible
        self.needed = needed
        super().__init__(f"authority {authority_id}: {eligible} eligible moderators, {needed} needed")


@dataclass(frozen=True)
class Allocation:
    """The moderators of each authority's self-assessment (ids, ascending), and each moderator's load."""

    moderators: dict[int, tuple[int, ...]]
    loads: dict[int, int]

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


def eligible_moderators(
    authority_id: int, moderators: Mapping[int, int], reviewers_of: Mapping[int, set[int]]
) -> list[int]:
    """The moderators who may moderate this authority: not its own people, nor those of its reviewers."""
    barred = {authority_id} | reviewers_of.get(authority_id, set())
    return sorted(user_id for user_id, home in moderators.items() if home not in barred)


class _Flow:
    """A small max-flow network (Edmonds-Karp): enough for a region's authorities and moderators."""

    def __init__(self, size: int):
        self.graph: list[list[int]] = [[] for _ in range(size)]
        self.to: list[int] = []
        self.capacity: list[int] = []

    def edge(self, start: int, end: int, capacity: int) -> int:
        self.graph[start].append(len(self.to))
        self.to.append(end)
        self.capacity.append(capacity)
        self.graph[end].append(len(self.to))
        self.to.append(start)
        self.capacity.append(0)
        return len(self.to) - 2

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while True:
            came_by = [-1] * len(self.graph)
            came_by[source] = -2
            queue = deque([source])
            while queue and came_by[sink] == -1:
                node = queue.popleft()
                for index in self.graph[node]:
                    nxt = self.to[index]
                    if self.capacity[index] > 0 and came_by[nxt] == -1:
                        came_by[nxt] = index
                        queue.append(nxt)
            if came_by[sink] == -1:
                return total
            node = sink
            while node != source:  # every edge of the path has room for one unit, and units are whole
                index = came_by[node]
                self.capacity[index] -= 1
                self.capacity[index ^ 1] += 1
                node = self.to[index ^ 1]
            total += 1


def _solve(
    options: dict[int, list[int]], moderator_ids: list[int], k: int, low: int, high: int
) -> dict[int, tuple[int, ...]] | None:
    """An allocation with every load in [low, high], or None when there is none."""
    authority_ids = list(options)
    node = {("a", a): 2 + i for i, a in enumerate(authority_ids)}
    node |= {("m", m): 2 + len(authority_ids) + i for i, m in enumerate(moderator_ids)}
    source, sink = 0, 1
    super_source, super_sink = len(node) + 2, len(node) + 3
    flow = _Flow(len(node) + 4)
    excess = [0] * (len(node) + 4)
    # Source to each authority: exactly k (lower bound k, no room above it).
    for a in authority_ids:
        excess[node[("a", a)]] += k
        excess[source] -= k
    pairs = {}
    for a in authority_ids:
        for m in options[a]:
            pairs[(a, m)] = flow.edge(node[("a", a)], node[("m", m)], 1)
    # Each moderator to the sink: between low and high.
    for m in moderator_ids:
        flow.edge(node[("m", m)], sink, high - low)
        excess[sink] += low
        excess[node[("m", m)]] -= low
    flow.edge(sink, source, len(authority_ids) * k)
    needed = 0
    for index, amount in enumerate(excess):
        if amount > 0:
            flow.edge(super_source, index, amount)
            needed += amount
        elif amount < 0:
            flow.edge(index, super_sink, -amount)
    if flow.max_flow(super_source, super_sink) != needed:
        return None
    chosen: dict[int, list[int]] = {a: [] for a in authority_ids}
    for (a, m), index in pairs.items():
        if flow.capacity[index] == 0:
            chosen[a].append(m)
    return {a: tuple(sorted(ms)) for a, ms in chosen.items()}


def allocate(
    authority_ids: Iterable[int],
    moderators: Mapping[int, int],
    reviews: Iterable[tuple[int, int]],
    k: int,
    seed: int,
) -> Allocation:
    """Moderators for each authority's self-assessment.

    `moderators` maps each moderator's user id to the authority they work for; `reviews` are (reviewer
    authority, reviewed authority) pairs. Raises AllocationImpossible naming the first authority (by id)
    with fewer than `k` eligible moderators.
    """
    if k not in (1, 2):
        raise ValueError("k is 1 or 2")
    reviewers_of: dict[int, set[int]] = {}
    for reviewer, reviewed in reviews:
        reviewers_of.setdefault(reviewed, set()).add(reviewer)
    authorities = sorted(set(authority_ids))
    moderator_ids = sorted(moderators)
    rng = random.Random(seed)  # noqa: S311 (a reproducible order, not a secret)
    options: dict[int, list[int]] = {}
    for a in authorities:
        eligible = eligible_moderators(a, moderators, reviewers_of)
        if len(eligible) < k:
            raise AllocationImpossible(a, len(eligible), k)
        rng.shuffle(eligible)
        options[a] = eligible
    # Moderators are tried in a seeded order too, so the seed also picks who carries a larger load.
    rng.shuffle(moderator_ids)
    if not authorities:
        return Allocation({}, {m: 0 for m in moderator_ids})
    total = k * len(authorities)
    high = math.ceil(total / len(moderator_ids))
    found = _solve(options, moderator_ids, k, 0, high)
    while found is None:  # feasible by the time high is the number of authorities
        high += 1
        found = _solve(options, moderator_ids, k, 0, high)
    best = found
    for low in range(min(high, total // len(moderator_ids)), 0, -1):
        raised = _solve(options, moderator_ids, k, low, high)
        if raised is not None:
            best = raised
            break
    loads = {m: 0 for m in moderator_ids}
    for chosen in best.values():
        for m in chosen:
            loads[m] += 1
    return Allocation(dict(sorted(best.items())), dict(sorted(loads.items())))


def check(
    allocation: Mapping[int, Sequence[int]],
    moderators: Mapping[int, int],
    reviews: Iterable[tuple[int, int]],
    k: int,
) -> list[tuple[int, str]]:
    """The rules an allocation breaks, as (authority id, what) pairs: an empty list when it keeps them."""
    reviewers_of: dict[int, set[int]] = {}
    for reviewer, reviewed in reviews:
        reviewers_of.setdefault(reviewed, set()).add(reviewer)
    broken = []
    for a, chosen in allocation.items():
        if len(set(chosen)) != k or len(chosen) != k:
            broken.append((a, f"has {len(set(chosen))} moderators, not {k}"))
        for m in chosen:
            if moderators.get(m) == a:
                broken.append((a, "is moderated by its own moderator"))
            elif moderators.get(m) in reviewers_of.get(a, set()):
                broken.append((a, "is moderated by someone from an authority that reviews it"))
    return broken

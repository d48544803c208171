"""Who reviews whom: pure domain code that assigns peer reviewers with OR-Tools CP-SAT.

Hard rules: every authority is reviewed by exactly `peers` others and reviews exactly `peers` others; nobody
reviews itself; a declared conflict forbids both directions. Among the assignments that keep them, the solver
minimises, in strict priority order:

1. reciprocal pairs (A reviews B and B reviews A);
2. pairings repeated from the last two cycles (from the last cycle weighs 2, from the one before 1);
3. pairs of authorities that share all of their reviewers;
4. changes from `keep` (a published assignment repaired after an authority withdraws);
5. a tie-break drawn from the seed, so that another seed can give another equally good assignment.

How:

- A maximum flow decides exactly, in milliseconds, whether any assignment exists; if none does, a plain
  reason is given. CP-SAT only ever optimises a problem known to be feasible.
- A strict model first makes rules 1-3 hard. When it is feasible (almost always, outside tiny regions) every
  soft count is 0, the least possible, and only rule 4 is left to optimise. Otherwise a weighted model
  charges for each break, with weights that make each rule outweigh everything below it.
- Rule 3 in full needs a boolean per reviewer for each of the ~n^2/2 pairs of authorities (1.8 million for
  153), so above EAGER_SHARED_LIMIT authorities pairs are watched lazily: solve, watch the pairs the answer
  shows sharing, solve again preferring the previous answer so the repair stays local. The model never charges
  more than the truth, so an optimum it charges in full is an optimum of the whole problem.
- Rule 5 is minimised separately, among assignments as good on rules 1-4, for a fixed deterministic effort:
  proving the best tie-break is pointless and, where soft breaks are unavoidable, slow.
- One worker, a fixed random seed, no interleaving and deterministic effort limits make the search, and so
  the answer, the same on every run, as long as it ends within the time limit (a run cut short by the clock
  may differ).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

# OR-Tools (about 40 MB, with numpy and pandas) is imported by the functions that solve, not with the app.
if TYPE_CHECKING:
    from ortools.sat.python import cp_model

from peerchallenge.assignments import grouping

MIN_PEERS = 1
MAX_PEERS = 4
JSON_FIELDS = ("authorities", "peers", "conflicts", "history", "seed", "keep", "time_limit")
GROUP_JSON_FIELDS = ("mode", "authorities", "group_size", "conflicts", "history", "seed", "time_limit")
MODES = ("pairs", "groups")
HISTORY_WEIGHTS = {1: 2, 2: 1}  # cycles_ago -> weight: the last cycle weighs more; older cycles are ignored
# Up to this many authorities every pair is watched for shared reviewers from the start (at most ~6,000
# auxiliary booleans); above it, pairs are watched only once an answer shows them sharing.
EAGER_SHARED_LIMIT = 24
# Presolve pays for itself on small models and costs more than the search on large ones (0.25 s of 0.3 s
# per solve for all 153 authorities).
PRESOLVE_LIMIT = 5000
# Effort for breaking ties once the soft rules are settled, in CP-SAT deterministic time units: roughly
# seconds of search, but counted the same on every run and machine.
TIE_BREAK_EFFORT = 0.25

Pair = tuple[str, str]


@dataclass(frozen=True)
class PastPairing:
    """A pairing from an earlier cycle: 1 = the last cycle, 2 = the one before; older ones are ignored."""

    reviewer: str
    reviewed: str
    cycles_ago: int


@dataclass
class Solution:
    """An assignment that keeps every hard rule, with the soft-rule breaks it could not avoid."""

    pairs: list[Pair]  # (reviewer, reviewed), sorted
    reciprocal: int  # unordered pairs {a, b} where a reviews b and b reviews a
    repeated: int  # pairs that also occurred 1 or 2 cycles ago
    shared_reviewers: int  # unordered pairs of authorities with exactly the same reviewers (k >= 2)
    optimal: bool  # the soft-rule counts, then the changes, are proved the least possible (not the tie-break)
    changed: int = 0  # pairs not in `keep`; 0 when keep is empty


class NoAssignment(grouping.Unsolvable):
    """No assignment keeps the hard rules; `message` says why in one plain-English line."""


@dataclass
class Evaluation:
    """The hard rules an assignment breaks, in plain words, and its soft-rule counts."""

    hard_breaks: list[str] = field(default_factory=list)
    reciprocal: int = 0
    repeated: int = 0
    shared_reviewers: int = 0

    @property
    def valid(self) -> bool:
        """True when the assignment keeps every hard rule."""
        return not self.hard_breaks


@dataclass
class _Problem:
    """Checked and normalised inputs: sorted names, eligible reviewers, history weights."""

    names: list[str]
    peers: int
    conflicts: set[frozenset[str]]
    history_weight: dict[Pair, int]
    reviewers_of: dict[str, set[str]]  # who may review each authority
    reviewees_of: dict[str, set[str]]  # whom each authority may review

    def allowed(self, reviewer: str, reviewed: str) -> bool:
        return reviewer in self.reviewers_of.get(reviewed, ())


# Public API


def solve(
    authorities: list[str],
    peers: int,
    *,
    conflicts: Iterable[Pair] = (),
    history: Iterable[PastPairing] = (),
    seed: int = 1,
    keep: Iterable[Pair] = (),
    time_limit: float = 10.0,
) -> Solution:
    """Assign every authority exactly `peers` reviewers and every authority exactly `peers` to review."""
    started = time.monotonic()
    problem = _problem(authorities, peers, conflicts, history)
    kept = {pair for pair in map(_pair_of_names, keep) if problem.allowed(*pair)}
    flow_pairs = _feasible_pairs(problem)
    if flow_pairs is None:
        raise NoAssignment(
            explain_no_assignment(problem.names, peers, problem.reviewers_of, problem.reviewees_of)
        )
    pairs, optimal = _optimise(problem, kept, seed, flow_pairs, deadline=started + max(time_limit, 0.0))
    counts = _soft_counts(problem, pairs)
    return Solution(
        pairs=sorted(pairs),
        reciprocal=counts.reciprocal,
        repeated=counts.repeated,
        shared_reviewers=counts.shared_reviewers,
        optimal=optimal,
        changed=len(set(pairs) - kept) if kept else 0,
    )


def evaluate(
    authorities: list[str],
    peers: int,
    pairs: list[Pair],
    *,
    conflicts: Iterable[Pair] = (),
    history: Iterable[PastPairing] = (),
) -> Evaluation:
    """Check a hand-edited assignment: which hard rules it breaks and its soft-rule counts."""
    problem = _problem(authorities, peers, conflicts, history)
    names = set(problem.names)
    breaks: list[str] = []
    distinct: dict[Pair, None] = {}
    for reviewer, reviewed in map(_pair_of_names, pairs):
        if (reviewer, reviewed) in distinct:
            breaks.append(f"{reviewer} reviews {reviewed} more than once")
            continue
        distinct[(reviewer, reviewed)] = None
        unknown = [name for name in dict.fromkeys((reviewer, reviewed)) if name not in names]
        if unknown:
            breaks.extend(f"{name} is not taking part in this cycle" for name in unknown)
        elif reviewer == reviewed:
            breaks.append(f"{reviewer} reviews itself")
        elif frozenset((reviewer, reviewed)) in problem.conflicts:
            breaks.append(f"{reviewer} reviews {reviewed} despite a declared conflict")
    reviewers = Counter(reviewed for _, reviewed in distinct)
    reviewing = Counter(reviewer for reviewer, _ in distinct)
    for name in problem.names:
        if reviewers[name] != peers:
            breaks.append(f"{name} has {_count(reviewers[name], 'reviewer')}; it needs {peers}")
        if reviewing[name] != peers:
            breaks.append(
                f"{name} reviews {_count(reviewing[name], 'authority', 'authorities')}; "
                f"it should review {peers}"
            )
    counts = _soft_counts(problem, {(a, b) for a, b in distinct if a in names and b in names and a != b})
    return Evaluation(breaks, counts.reciprocal, counts.repeated, counts.shared_reviewers)


def solve_json(document: dict) -> dict:
    """The CLI's contract: a JSON document in, a JSON-ready result out.

    In: {"authorities": [...], "peers": 2, "conflicts": [[a, b]], "history": [[reviewer, reviewed, year]],
    "seed": 1}; conflicts, history and seed may be left out, and "keep": [[reviewer, reviewed]] and
    "time_limit" (seconds) added. Out: {"pairs": [[r, d]], "reciprocal": n, "repeated": n,
    "shared_reviewers": n, "optimal": true}, plus "changed": n when "keep" was given.
    History years become cycles_ago by rank: the most recent year in the history is 1 cycle ago, the next 2;
    older years are ignored, as are pairings of authorities not listed (they may have merged or left).
    Raises NoAssignment, or ValueError with a plain message for a malformed document.
    """
    if not isinstance(document, dict):
        raise ValueError("The input must be a JSON object with authorities and peers")
    mode = document.get("mode", "pairs")
    if mode not in MODES:
        raise ValueError(f'"mode" must be "pairs" or "groups", not {mode!r}')
    if mode == "groups":
        return _solve_groups_json(document)
    fields = ("mode", *JSON_FIELDS) if "mode" in document else JSON_FIELDS
    unknown = [key for key in document if key not in fields]
    if unknown:
        raise ValueError(f"Unknown field {_quoted(unknown)}: the fields are {_quoted(fields)}")
    missing = [key for key in ("authorities", "peers") if key not in document]
    if missing:
        raise ValueError(f"The input needs {_quoted(missing)}")
    authorities, seed, time_limit = _json_common(document)
    solution = solve(
        authorities,
        document["peers"],
        conflicts=_json_pairs(document.get("conflicts", []), "conflicts"),
        history=_json_history(document.get("history", [])),
        seed=seed,
        keep=_json_pairs(document.get("keep", []), "keep"),
        time_limit=time_limit,
    )
    result = {
        "pairs": [list(pair) for pair in solution.pairs],
        "reciprocal": solution.reciprocal,
        "repeated": solution.repeated,
        "shared_reviewers": solution.shared_reviewers,
        "optimal": solution.optimal,
    }
    if "keep" in document:
        result["changed"] = solution.changed
    return result


def _json_common(document: dict) -> tuple[list[str], int, float]:
    """The authorities, seed and time limit of a document, checked."""
    authorities = document["authorities"]
    if not isinstance(authorities, list) or not all(isinstance(name, str) for name in authorities):
        raise ValueError('"authorities" must be a list of names')
    seed = document.get("seed", 1)
    if not _is_int(seed):
        raise ValueError(f'"seed" must be a whole number, not {seed!r}')
    time_limit = document.get("time_limit", 10.0)
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or not 0 < time_limit <= 600:
        raise ValueError(
            f'"time_limit" must be a number of seconds above 0 and up to 600, not {time_limit!r}'
        )
    return authorities, seed, float(time_limit)


def _solve_groups_json(document: dict) -> dict:
    """Groups mode: {"groups": [[name, ...]], "repeated": n, "optimal": bool}; history is read both ways."""
    unknown = [key for key in document if key not in GROUP_JSON_FIELDS]
    if unknown:
        raise ValueError(f"Unknown field {_quoted(unknown)}: the fields are {_quoted(GROUP_JSON_FIELDS)}")
    if "authorities" not in document:
        raise ValueError('The input needs "authorities"')
    authorities, seed, time_limit = _json_common(document)
    history = _json_history(document.get("history", []))
    try:
        solution = grouping.solve_groups(
            authorities,
            document.get("group_size", 3),
            conflicts=_json_pairs(document.get("conflicts", []), "conflicts"),
            history=[(past.reviewer, past.reviewed, past.cycles_ago) for past in history],
            seed=seed,
            time_limit=time_limit,
        )
    except grouping.NoGrouping as error:
        raise NoAssignment(error.message) from error
    return {"groups": solution.groups, "repeated": solution.repeated, "optimal": solution.optimal}


def explain_no_assignment(
    authorities: Sequence[str],
    peers: int,
    reviewers_of: dict[str, set[str]],
    reviewees_of: dict[str, set[str]],
) -> str:
    """Why no assignment exists, in one line a lead understands, checking the simplest causes first."""
    count = len(authorities)
    if count < peers + 1:
        active = (
            "No authorities are active" if count == 0 else f"Only {_count(count, 'authority', 'authorities')}"
        )
        verb = "" if count == 0 else (" is active" if count == 1 else " are active")
        return (
            f"{active}{verb}; {_count(peers, 'peer')} per authority needs at least {peers + 1}. "
            "Add authorities or lower the number of peers."
        )
    short_of_reviewers = _short_of(authorities, reviewers_of, peers)
    if short_of_reviewers:
        first = short_of_reviewers[0]
        eligible = _only(len(reviewers_of[first]), "eligible reviewer")
        return _too_few(short_of_reviewers, f"{first} has {eligible} after conflicts (it needs {peers})")
    # Conflicts are unordered, so this cannot happen today; it would if a rule ever forbade one direction.
    short_of_reviewees = _short_of(authorities, reviewees_of, peers)
    if short_of_reviewees:
        first = short_of_reviewees[0]
        others = _only(len(reviewees_of[first]), "other authority", "other authorities")
        return _too_few(
            short_of_reviewees, f"{first} can review {others} after conflicts (it needs to review {peers})"
        )
    partners = {name: len(reviewers_of[name] | reviewees_of[name]) for name in authorities}
    fewest = min(partners.values())
    tightest = sorted(name for name in authorities if partners[name] == fewest)
    have, each = ("have", " each") if len(tightest) > 1 else ("has", "")
    return (
        f"The conflicts leave no way for every authority to review, and be reviewed by, {peers} others: "
        f"{_and_list(_at_most_five(tightest))} {have} the fewest eligible partners ({fewest}{each}). "
        "Remove a conflict involving them or lower the number of peers."
    )


# Inputs


def _problem(
    authorities: Sequence[str], peers: int, conflicts: Iterable[Pair], history: Iterable[PastPairing]
) -> _Problem:
    if not _is_int(peers) or not MIN_PEERS <= peers <= MAX_PEERS:
        raise ValueError(f"peers must be a whole number from {MIN_PEERS} to {MAX_PEERS}, not {peers!r}")
    names: set[str] = set()
    for name in authorities:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"Every authority needs a name, not {name!r}")
        if name in names:
            raise ValueError(f"{name} is listed more than once")
        names.add(name)
    conflict_set: set[frozenset[str]] = set()
    for first, second in map(_pair_of_names, conflicts):
        for name in dict.fromkeys((first, second)):
            if name not in names:
                raise ValueError(
                    f"The conflict between {first} and {second} names {name}, which is not listed"
                )
        if first == second:
            raise ValueError(f"A conflict needs two different authorities, not {first} twice")
        conflict_set.add(frozenset((first, second)))
    history_weight: dict[Pair, int] = {}
    for pairing in history:
        if not _is_int(pairing.cycles_ago) or pairing.cycles_ago < 1:
            raise ValueError(f"cycles_ago must be 1 or more, not {pairing.cycles_ago!r}")
        pair = (pairing.reviewer, pairing.reviewed)
        weight = HISTORY_WEIGHTS.get(pairing.cycles_ago, 0)
        # Pairings of authorities no longer listed cannot recur, so they are ignored rather than refused.
        if weight and pair[0] in names and pair[1] in names and pair[0] != pair[1]:
            history_weight[pair] = max(history_weight.get(pair, 0), weight)
    ordered = sorted(names)
    reviewers_of = {
        name: {other for other in ordered if other != name and frozenset((other, name)) not in conflict_set}
        for name in ordered
    }
    reviewees_of = {name: {other for other in ordered if name in reviewers_of[other]} for name in ordered}
    return _Problem(ordered, peers, conflict_set, history_weight, reviewers_of, reviewees_of)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pair_of_names(pair) -> Pair:
    if isinstance(pair, str) or len(pair) != 2 or not all(isinstance(name, str) for name in pair):
        raise ValueError(f"Each pair must be two authority names, not {pair!r}")
    return pair[0], pair[1]


def _json_pairs(value, field_name: str) -> list[Pair]:
    if not isinstance(value, list) or not all(isinstance(pair, list) for pair in value):
        raise ValueError(f'"{field_name}" must be a list of pairs of names, like [["Essex", "Luton"]]')
    return [_pair_of_names(pair) for pair in value]


def _json_history(value) -> list[PastPairing]:
    """[reviewer, reviewed, year] rows as PastPairings, the most recent year 1 cycle ago, the next 2, ..."""
    if not isinstance(value, list):
        raise ValueError('"history" must be a list of [reviewer, reviewed, year] entries')
    for entry in value:
        if not (isinstance(entry, list) and len(entry) == 3 and _is_int(entry[2])):
            raise ValueError(f'Each "history" entry must be [reviewer, reviewed, year], not {entry!r}')
        _pair_of_names(entry[:2])
    years = sorted({entry[2] for entry in value}, reverse=True)
    cycles_ago = {year: rank for rank, year in enumerate(years, start=1)}
    return [PastPairing(reviewer, reviewed, cycles_ago[year]) for reviewer, reviewed, year in value]


# Soft-rule counts


@dataclass
class _Counts:
    reciprocal: int
    repeated: int
    shared_reviewers: int
    history_penalty: int


def _soft_counts(problem: _Problem, pairs: Iterable[Pair]) -> _Counts:
    pair_set = set(pairs)
    reciprocal = sum(1 for a, b in pair_set if a < b and (b, a) in pair_set)
    repeated = [problem.history_weight[pair] for pair in pair_set if pair in problem.history_weight]
    return _Counts(reciprocal, len(repeated), len(_shared_pairs(problem.peers, pair_set)), sum(repeated))


def _shared_pairs(peers: int, pairs: set[Pair]) -> set[Pair]:
    """Pairs (b, c), b < c, of authorities with exactly the same reviewers (counted only for k >= 2)."""
    if peers < 2:
        return set()
    reviewers: dict[str, set[str]] = {}
    for reviewer, reviewed in pairs:
        reviewers.setdefault(reviewed, set()).add(reviewer)
    groups: dict[frozenset[str], list[str]] = {}
    for reviewed, who in reviewers.items():
        groups.setdefault(frozenset(who), []).append(reviewed)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


# Feasibility: a maximum flow decides exactly whether an assignment exists


def _feasible_pairs(problem: _Problem) -> list[Pair] | None:
    """An assignment keeping every hard rule, ignoring soft rules, or None when none exists.

    Source -> each reviewer (capacity k) -> each authority it may review (1) -> sink (k): an assignment
    exists exactly when the maximum flow fills every reviewer, and integral flows give the pairs.
    """
    from ortools.graph.python.max_flow import SimpleMaxFlow

    names, peers = problem.names, problem.peers
    if len(names) < peers + 1:
        return None
    index = {name: position for position, name in enumerate(names)}
    count = len(names)
    source, sink = 2 * count, 2 * count + 1
    flow = SimpleMaxFlow()
    arcs: list[tuple[int, Pair]] = []
    for name in names:
        flow.add_arc_with_capacity(source, index[name], peers)
        flow.add_arc_with_capacity(count + index[name], sink, peers)
    for reviewer in names:
        for reviewed in sorted(problem.reviewees_of[reviewer]):
            arc = flow.add_arc_with_capacity(index[reviewer], count + index[reviewed], 1)
            arcs.append((arc, (reviewer, reviewed)))
    if flow.solve(source, sink) != flow.OPTIMAL or flow.optimal_flow() != count * peers:
        return None
    return [pair for arc, pair in arcs if flow.flow(arc) == 1]


# Optimisation with CP-SAT


class _Model:
    """The CP-SAT model: a boolean per (reviewer, reviewed) pair that may be chosen, and the soft-rule terms.

    A strict model makes the first three soft rules hard (no reciprocal pair, no pairing from the last two
    cycles, no watched pair of authorities sharing its reviewers); a weighted model charges for them instead.
    Both charge for changes from `keep`. The tie-break is kept apart, so that nothing waits on proving it.
    """

    def __init__(
        self, problem: _Problem, kept: set[Pair], seed: int, *, strict: bool, watched: Iterable[Pair]
    ):
        from ortools.sat.python import cp_model

        self.problem = problem
        self.strict = strict
        self.model = cp_model.CpModel()
        names, peers = problem.names, problem.peers
        self.x: dict[Pair, cp_model.IntVar] = {}
        for reviewer in names:
            for reviewed in sorted(problem.reviewees_of[reviewer]):
                if strict and (reviewer, reviewed) in problem.history_weight:
                    continue
                self.x[(reviewer, reviewed)] = self.model.new_bool_var(f"x[{reviewer}|{reviewed}]")
        reviews: dict[str, list[cp_model.IntVar]] = {name: [] for name in names}
        reviewed_by: dict[str, list[cp_model.IntVar]] = {name: [] for name in names}
        for (reviewer, reviewed), variable in self.x.items():
            reviews[reviewer].append(variable)
            reviewed_by[reviewed].append(variable)
        for name in names:
            self.model.add(cp_model.LinearExpr.sum(reviews[name]) == peers)
            self.model.add(cp_model.LinearExpr.sum(reviewed_by[name]) == peers)

        self.reciprocal: list[cp_model.IntVar] = []
        for (a, b), forward in self.x.items():
            if a < b and (b, a) in self.x:
                if strict:
                    self.model.add_bool_or([~forward, ~self.x[(b, a)]])
                    continue
                both = self.model.new_bool_var(f"r[{a}|{b}]")
                self.model.add_bool_or([~forward, ~self.x[(b, a)], both])
                self.reciprocal.append(both)

        self.kept = [pair for pair in sorted(kept) if pair in self.x]
        # Lexicographic weights from the lowest term up: each weight exceeds the most that all lower terms
        # together can add, so a higher-priority count is never traded for any number of lower ones.
        count = len(names)
        self.change_weight = 1
        below = len(self.kept)  # kept pairs left out are the changes
        self.shared_weight = below + 1
        # Authorities with the same reviewers come in groups of at most k (each of those reviewers reviews
        # the whole group), so at most n(k-1)/2 pairs share.
        below += self.shared_weight * (count * (peers - 1) // 2)
        self.history_weight = below + 1
        below += self.history_weight * sum(
            sorted(problem.history_weight.values(), reverse=True)[: count * peers]
        )
        self.reciprocal_weight = below + 1

        # The tie-break: a seeded random half of the pairs cost 1, so another seed picks another equally good
        # assignment. It is minimised only after the soft rules, and only for a fixed effort.
        rng = random.Random(seed)  # noqa: S311  (a tie-break, not a secret)
        self.preference = {pair: rng.randrange(2) for pair in self.x}

        self.shared: list[cp_model.IntVar] = []
        self.watched: set[Pair] = set()
        self.watch_shared(watched)

    def watch_shared(self, pairs: Iterable[Pair]) -> None:
        """Forbid, or charge for, each pair (b, c) of authorities having exactly the same k reviewers."""
        from ortools.sat.python import cp_model

        peers = self.problem.peers
        for b, c in sorted(set(pairs) - self.watched):
            self.watched.add((b, c))
            common = [
                reviewer
                for reviewer in sorted(self.problem.reviewers_of[b] & self.problem.reviewers_of[c])
                if (reviewer, b) in self.x and (reviewer, c) in self.x
            ]
            if len(common) < peers:
                continue
            reviews_both = []
            for reviewer in common:
                both = self.model.new_bool_var(f"y[{reviewer}|{b}|{c}]")
                self.model.add_bool_or([~self.x[(reviewer, b)], ~self.x[(reviewer, c)], both])
                reviews_both.append(both)
            # b and c have k reviewers each, so they share all of them when k reviewers review both.
            if self.strict:
                self.model.add(cp_model.LinearExpr.sum(reviews_both) <= peers - 1)
            else:
                shares = self.model.new_bool_var(f"s[{b}|{c}]")
                self.model.add(cp_model.LinearExpr.sum(reviews_both) <= peers - 1 + shares)
                self.shared.append(shares)

    def prefer(self, pairs: set[Pair]) -> None:
        """Replace the tie-break: each pair outside `pairs` costs 1, so the next solve stays close to them."""
        self.preference = {pair: 0 if pair in pairs else 1 for pair in self.x}

    def soft_objective(self) -> cp_model.LinearExpr | None:
        """The soft rules and changes, weighted in priority order; None when there is nothing to charge."""
        from ortools.sat.python import cp_model

        variables: list[cp_model.IntVar] = []
        weights: list[int] = []
        for variable in self.reciprocal:
            variables.append(variable)
            weights.append(self.reciprocal_weight)
        for variable in self.shared:
            variables.append(variable)
            weights.append(self.shared_weight)
        for pair, weight in sorted(self.problem.history_weight.items()):
            if pair in self.x:
                variables.append(self.x[pair])
                weights.append(self.history_weight * weight)
        for pair in self.kept:
            variables.append(self.x[pair])
            weights.append(-self.change_weight)
        return cp_model.LinearExpr.weighted_sum(variables, weights) if variables else None

    def tie_break(self) -> cp_model.LinearExpr:
        from ortools.sat.python import cp_model

        return cp_model.LinearExpr.sum([self.x[pair] for pair, cost in self.preference.items() if cost])

    def chosen(self, solver: cp_model.CpSolver) -> set[Pair]:
        values = solver.boolean_values(list(self.x.values()))
        return {pair for pair, value in zip(self.x, values, strict=True) if value}


def problem_is_small(problem: _Problem) -> bool:
    """Small enough to watch every pair of authorities for shared reviewers from the start."""
    return len(problem.names) <= EAGER_SHARED_LIMIT


def _run(
    model: cp_model.CpModel,
    hint: set[Pair],
    x: dict[Pair, cp_model.IntVar],
    seed: int,
    *,
    deadline: float,
    effort: float | None = None,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """One CP-SAT search from a hint, stopped by the deadline or after `effort` deterministic seconds."""
    from ortools.sat.python import cp_model

    model.clear_hints()
    for pair in sorted(hint):
        if pair in x:
            model.add_hint(x[pair], True)  # a partial hint: CP-SAT completes it
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_time_in_seconds = max(deadline - time.monotonic(), 0.001)
    if effort is not None:
        # Deterministic time, unlike the clock, gives the same stopping point, and answer, on every run.
        parameters.max_deterministic_time = effort
    parameters.random_seed = seed % 2**31
    # One worker and no interleaving: the same search, and so the same answer, on every run.
    parameters.num_workers = 1
    parameters.interleave_search = False
    # Measured on all 153 authorities: the LP relaxation, symmetry detection and probing cost more than
    # they save here (3-10 s against under 1 s), and so does presolve on the large models; core-based
    # search meets the usual bound of 0 at once.
    parameters.linearization_level = 0
    parameters.symmetry_level = 0
    parameters.cp_model_probing_level = 0
    parameters.cp_model_presolve = len(x) < PRESOLVE_LIMIT
    parameters.optimize_with_core = True
    status = solver.solve(model)
    return solver, status


@dataclass
class _Outcome:
    pairs: set[Pair] | None = None  # the last assignment found, if any
    complete: bool = False  # the model charged it in full: none of its shared pairs was left unwatched
    proved: bool = False  # complete, and CP-SAT proved its soft-rule charge the least possible
    infeasible: bool = False  # CP-SAT proved the model has no solution


def _solve_once(model: _Model, hint: set[Pair], deadline: float, seed: int) -> tuple[str, set[Pair] | None]:
    """Minimise the soft rules, then the tie-break among equals.

    Returns "optimal" (the soft charge is proved least), "feasible", "infeasible" or "unknown", with the
    assignment found, if any.
    """
    from ortools.sat.python import cp_model

    soft = model.soft_objective()
    found = None
    verdict = "optimal"  # with nothing to charge, any solution is optimal
    tie_model = model.model
    if soft is not None:
        model.model.minimize(soft)
        solver, status = _run(model.model, hint, model.x, seed, deadline=deadline)
        if status == cp_model.INFEASIBLE:
            return "infeasible", None
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "unknown", None
        found = model.chosen(solver)
        verdict = "optimal" if status == cp_model.OPTIMAL else "feasible"
        tie_model = model.model.clone()
        tie_model.add(soft <= round(solver.objective_value))
        hint = found
    tie_model.minimize(model.tie_break())
    solver, status = _run(tie_model, hint, model.x, seed, deadline=deadline, effort=TIE_BREAK_EFFORT)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return verdict, model.chosen(solver)
    if found is not None:
        return verdict, found
    if status == cp_model.INFEASIBLE:
        return "infeasible", None
    # No solution within the tie-break's effort: search on without it, until the deadline.
    model.model.clear_objective()
    solver, status = _run(model.model, hint, model.x, seed, deadline=deadline)
    if status == cp_model.INFEASIBLE:
        return "infeasible", None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "unknown", None
    return verdict, model.chosen(solver)


def _solve_lazily(model: _Model, start: set[Pair], deadline: float, seed: int) -> _Outcome:
    """Solve, watch the pairs found sharing their reviewers, and solve again until none is left unwatched.

    After the first solve the tie-break prefers the last answer, so each repair stays local and the loop
    ends in a few rounds.
    """
    outcome = _Outcome()
    hint = start
    while deadline - time.monotonic() > 0:
        verdict, found = _solve_once(model, hint, deadline, seed)
        if verdict == "infeasible":
            outcome.infeasible = True
            break
        if found is None:
            break
        unwatched = _shared_pairs(model.problem.peers, found) - model.watched
        outcome = _Outcome(found, complete=not unwatched, proved=not unwatched and verdict == "optimal")
        if not unwatched:
            break
        model.watch_shared(unwatched)
        model.prefer(found)
        hint = found
    return outcome


def _optimise(
    problem: _Problem, kept: set[Pair], seed: int, start: list[Pair], deadline: float
) -> tuple[list[Pair], bool]:
    """The best assignment found before the deadline, and whether its soft-rule counts are proved minimal.

    First the strict model, with up to half the time: when it has a solution, every soft count is 0 and only
    the changes from `keep` remain to minimise. Otherwise the weighted model, which charges for each break.
    Either way the model never charges more than the truth, so an optimum it charges in full (no shared pair
    left unwatched) is an optimum of the whole problem.
    """
    watched = list(combinations(problem.names, 2)) if problem_is_small(problem) and problem.peers >= 2 else []

    def rank(pairs: set[Pair]) -> tuple[int, int, int, int]:
        counts = _soft_counts(problem, pairs)
        return (counts.reciprocal, counts.history_penalty, counts.shared_reviewers, len(kept - pairs))

    candidates = [set(start)]
    halfway = time.monotonic() + (deadline - time.monotonic()) / 2
    strict = _Model(problem, kept, seed, strict=True, watched=watched)
    outcome = _solve_lazily(strict, set(start), halfway, seed)
    if outcome.complete:
        assert outcome.pairs is not None  # an outcome is complete only about pairs it found
        # Every soft count is 0, the least possible; only the changes from `keep` may be unproved.
        return sorted(outcome.pairs), outcome.proved or rank(outcome.pairs)[3] == 0
    if outcome.pairs is not None:
        candidates.append(outcome.pairs)
    weighted = _Model(problem, kept, seed, strict=False, watched=strict.watched)
    outcome = _solve_lazily(weighted, min(candidates, key=rank), deadline, seed)
    if outcome.pairs is not None:
        candidates.append(outcome.pairs)
    best = min(reversed(candidates), key=rank)  # on a tie, the latest
    return sorted(best), outcome.proved and outcome.pairs == best


# Wording


def _short_of(authorities: Iterable[str], partners_of: Mapping[str, Set[str]], peers: int) -> list[str]:
    """The authorities with fewer than `peers` partners in `partners_of`, the shortest first, then by name."""
    return sorted(
        (name for name in authorities if len(partners_of[name]) < peers),
        key=lambda name: (len(partners_of[name]), name),
    )


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number or 'no'} {singular if number == 1 else plural or singular + 's'}"


def _only(number: int, singular: str, plural: str | None = None) -> str:
    if number == 0:
        return f"no {plural or singular + 's'}"
    if number == 1:
        return f"only one {singular}"
    return f"only {number} {plural or singular + 's'}"


def _also(names: list[str]) -> str:
    if not names:
        return ""
    return f" {_and_list(_at_most_five(names))} {'has' if len(names) == 1 else 'have'} too few as well."


def _too_few(short: list[str], first_reason: str) -> str:
    """Authorities with too few possible partners: why the first is short, the others, what to do."""
    return f"{first_reason}.{_also(short[1:])} Remove a conflict or lower the number of peers."


def _at_most_five(names: list[str]) -> list[str]:
    return names if len(names) <= 5 else names[:4] + [f"{len(names) - 4} others"]


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(f'"{item}"' for item in items)

"""The assignment solver: hard rules always hold, soft rules in priority order, plain reasons, determinism."""

import os
import subprocess
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from peerchallenge.assignments.solver import (
    NoAssignment,
    PastPairing,
    evaluate,
    explain_no_assignment,
    solve,
    solve_json,
)
from tests.factories import EASTERN_AUTHORITIES as EASTERN

NAMES = [f"LA{number:02d}" for number in range(20)]
PROJECT_ROOT = Path(__file__).resolve().parents[2]
FAST = 5.0  # seconds: every instance here solves in well under a second
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


# Checks written independently of the solver


def rule_breaks(authorities, peers, conflicts, pairs):
    """The hard rules a list of pairs breaks, as short codes."""
    forbidden = {frozenset(conflict) for conflict in conflicts}
    breaks = []
    if len(set(pairs)) != len(pairs):
        breaks.append("duplicate")
    for reviewer, reviewed in pairs:
        if reviewer == reviewed:
            breaks.append(f"self {reviewer}")
        if frozenset((reviewer, reviewed)) in forbidden:
            breaks.append(f"conflict {reviewer} {reviewed}")
        if reviewer not in authorities or reviewed not in authorities:
            breaks.append(f"unknown {reviewer} {reviewed}")
    incoming = Counter(reviewed for _, reviewed in pairs)
    outgoing = Counter(reviewer for reviewer, _ in pairs)
    breaks += [f"in {name}" for name in authorities if incoming[name] != peers]
    breaks += [f"out {name}" for name in authorities if outgoing[name] != peers]
    return breaks


def soft_rank(pairs, history, keep=()):
    """(reciprocal pairs, history penalty, pairs sharing all reviewers, kept pairs not chosen)."""
    chosen = set(pairs)
    reciprocal = sum(1 for a, b in chosen if a < b and (b, a) in chosen)
    weight = {}
    for pairing in history:
        if pairing.cycles_ago in (1, 2):
            pair = (pairing.reviewer, pairing.reviewed)
            weight[pair] = max(weight.get(pair, 0), 3 - pairing.cycles_ago)
    penalty = sum(weight.get(pair, 0) for pair in chosen)
    reviewers = {}
    for reviewer, reviewed in chosen:
        reviewers.setdefault(reviewed, set()).add(reviewer)
    peers = len(next(iter(reviewers.values()))) if reviewers else 0
    shared = (
        0
        if peers < 2
        else sum(1 for b, c in combinations(sorted(reviewers), 2) if reviewers[b] == reviewers[c])
    )
    return reciprocal, penalty, shared, len(set(keep) - chosen)


def every_assignment(authorities, peers, conflicts):
    """Every assignment keeping the hard rules, by exhaustive backtracking (tiny inputs only)."""
    forbidden = {frozenset(conflict) for conflict in conflicts}
    room = dict.fromkeys(authorities, peers)

    def extend(position, chosen):
        if position == len(authorities):
            yield list(chosen)
            return
        reviewer = authorities[position]
        eligible = [
            other
            for other in authorities
            if other != reviewer and frozenset((reviewer, other)) not in forbidden and room[other] > 0
        ]
        for group in combinations(eligible, peers):
            for other in group:
                room[other] -= 1
            yield from extend(position + 1, chosen + [(reviewer, other) for other in group])
            for other in group:
                room[other] += 1

    yield from extend(0, [])


@st.composite
def instances(draw, smallest=2, largest=16):
    count = draw(st.integers(min_value=smallest, max_value=largest))
    authorities = NAMES[:count]
    peers = draw(st.integers(min_value=1, max_value=4))
    all_pairs = list(combinations(authorities, 2))
    conflicts = draw(st.lists(st.sampled_from(all_pairs), max_size=len(all_pairs) // 3)) if all_pairs else []
    ordered = [(a, b) for a in authorities for b in authorities if a != b]
    history = (
        draw(
            st.lists(
                st.builds(
                    lambda pair, ago: PastPairing(pair[0], pair[1], ago),
                    st.sampled_from(ordered),
                    st.integers(min_value=1, max_value=3),
                ),
                max_size=2 * count,
            )
        )
        if ordered
        else []
    )
    seed = draw(st.integers(min_value=0, max_value=1000))
    return authorities, peers, conflicts, history, seed


# Properties over random instances


@PROPERTY_SETTINGS
@given(instances())
def test_every_returned_assignment_keeps_the_hard_rules(instance):
    authorities, peers, conflicts, history, seed = instance
    try:
        solution = solve(authorities, peers, conflicts=conflicts, history=history, seed=seed, time_limit=FAST)
    except NoAssignment as error:
        event("no assignment")
        assert error.message and "\n" not in error.message
        return
    event(f"solved, k={peers}")
    assert rule_breaks(authorities, peers, conflicts, solution.pairs) == []
    assert solution.pairs == sorted(solution.pairs)
    assert evaluate(authorities, peers, solution.pairs, conflicts=conflicts, history=history).valid
    reciprocal, _, shared, _ = soft_rank(solution.pairs, history)
    repeated = {(p.reviewer, p.reviewed) for p in history if p.cycles_ago <= 2} & set(solution.pairs)
    assert (solution.reciprocal, solution.repeated, solution.shared_reviewers) == (
        reciprocal,
        len(repeated),
        shared,
    )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(instances(smallest=1, largest=6))
def test_tiny_inputs_agree_with_brute_force(instance):
    authorities, peers, conflicts, history, seed = instance
    candidates = every_assignment(authorities, peers, conflicts)
    try:
        solution = solve(authorities, peers, conflicts=conflicts, history=history, seed=seed, time_limit=FAST)
    except NoAssignment:
        event("no assignment")
        assert next(candidates, None) is None, "the solver found no assignment but one exists"
        return
    event("solved")
    assert rule_breaks(authorities, peers, conflicts, solution.pairs) == []
    if len(authorities) <= 5 or peers <= 2:  # small enough to rank every assignment quickly
        best = min(soft_rank(pairs, history) for pairs in candidates)
        assert solution.optimal
        assert soft_rank(solution.pairs, history) == best


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    instances(smallest=3, largest=5),
    st.data(),
)
def test_keep_is_the_last_priority_and_is_optimal_on_tiny_inputs(instance, data):
    authorities, peers, conflicts, history, seed = instance
    candidates = list(every_assignment(authorities, peers, conflicts))
    if not candidates:
        return
    published = data.draw(st.sampled_from(candidates))
    keep = data.draw(st.lists(st.sampled_from(published), unique=True))
    solution = solve(authorities, peers, conflicts=conflicts, history=history, seed=seed, keep=keep)

    best = min(soft_rank(pairs, history, keep) for pairs in candidates)
    assert solution.optimal
    assert soft_rank(solution.pairs, history, keep) == best
    assert solution.changed == (len(set(solution.pairs) - set(keep)) if keep else 0)


@PROPERTY_SETTINGS
@given(st.integers(min_value=3, max_value=40), st.integers(min_value=0, max_value=100))
def test_one_peer_without_conflicts_never_needs_a_reciprocal_pair(count, seed):
    solution = solve([f"LA{n:02d}" for n in range(count)], 1, seed=seed)

    assert solution.reciprocal == 0
    assert solution.optimal


# Known cases


@pytest.mark.parametrize("peers", [1, 2, 3, 4])
def test_eastern_region_has_no_reciprocal_or_shared_pairs(peers):
    solution = solve(EASTERN, peers)

    assert rule_breaks(EASTERN, peers, [], solution.pairs) == []
    assert (solution.reciprocal, solution.repeated, solution.shared_reviewers) == (0, 0, 0)
    assert solution.optimal
    assert len(solution.pairs) == 11 * peers


def test_last_two_years_are_avoided_when_possible():
    last_year = solve(EASTERN, 2, seed=1).pairs
    year_before = solve(EASTERN, 2, seed=2, history=[PastPairing(r, d, 1) for r, d in last_year]).pairs
    history = [PastPairing(r, d, 1) for r, d in last_year] + [PastPairing(r, d, 2) for r, d in year_before]

    solution = solve(EASTERN, 2, history=history, seed=3)

    assert not set(solution.pairs) & (set(last_year) | set(year_before))
    assert (solution.reciprocal, solution.repeated, solution.shared_reviewers) == (0, 0, 0)


# With three authorities and one peer each there are only two assignments, the two directions of the
# triangle, so whichever it picks repeats one earlier pairing.
CLOCKWISE = [("Essex", "Luton"), ("Luton", "Suffolk"), ("Suffolk", "Essex")]
ANTICLOCKWISE = [("Essex", "Suffolk"), ("Luton", "Essex"), ("Suffolk", "Luton")]


def test_a_pairing_from_last_cycle_weighs_more_than_one_from_the_cycle_before():
    history = [PastPairing("Essex", "Luton", 1), PastPairing("Essex", "Suffolk", 2)]

    solution = solve(["Essex", "Luton", "Suffolk"], 1, history=history)

    assert solution.pairs == ANTICLOCKWISE
    assert solution.repeated == 1
    assert solution.optimal


def test_pairings_older_than_two_cycles_are_ignored():
    history = [PastPairing("Essex", "Luton", 3), PastPairing("Essex", "Suffolk", 2)]

    solution = solve(["Essex", "Luton", "Suffolk"], 1, history=history)

    assert solution.pairs == CLOCKWISE
    assert solution.repeated == 0


def test_a_reciprocal_pair_outweighs_any_number_of_repeats():
    # Four authorities, two peers: every assignment has at least two reciprocal pairs, and the solver must
    # not add a third to avoid repeating all of last year's pairs.
    authorities = ["Essex", "Luton", "Norfolk", "Suffolk"]
    last_year = solve(authorities, 2).pairs
    history = [PastPairing(r, d, 1) for r, d in last_year]

    solution = solve(authorities, 2, history=history)

    assert solution.reciprocal == 2
    assert soft_rank(solution.pairs, history) == min(
        soft_rank(pairs, history) for pairs in every_assignment(authorities, 2, [])
    )


@pytest.mark.parametrize("seed", range(1, 6))
def test_shared_reviewers_are_avoided_even_when_reciprocal_pairs_are_not(seed):
    authorities = NAMES[:5]
    conflicts = [("LA00", "LA04")]

    solution = solve(authorities, 2, conflicts=conflicts, seed=seed)

    best = min(soft_rank(pairs, []) for pairs in every_assignment(authorities, 2, conflicts))
    assert best[0] > 0 and solution.reciprocal == best[0]
    assert solution.shared_reviewers == 0
    assert solution.optimal


def test_a_run_out_of_time_still_keeps_the_hard_rules_and_says_it_is_not_proved():
    solution = solve(EASTERN, 2, conflicts=[("Essex", "Thurrock")], time_limit=0)

    assert rule_breaks(EASTERN, 2, [("Essex", "Thurrock")], solution.pairs) == []
    assert not solution.optimal


def test_the_same_seed_gives_the_same_assignment():
    names = [f"LA{n:02d}" for n in range(40)]
    conflicts = [(names[n], names[(n * 7 + 3) % 40]) for n in range(40) if n != (n * 7 + 3) % 40]
    history = [PastPairing(names[n], names[(n + 5) % 40], 1) for n in range(40)]

    for authorities, peers in ((EASTERN, 2), (names, 3)):
        runs = [
            solve(authorities, peers, conflicts=conflicts if peers == 3 else (), history=history, seed=7)
            for _ in range(2)
        ]
        assert runs[0] == runs[1]


def test_the_same_seed_gives_the_same_assignment_in_another_process():
    # Python orders sets differently in each process; nothing the solver builds may depend on that order.
    script = (
        "from peerchallenge.assignments.solver import solve, PastPairing\n"
        "names = [f'Authority {n:03d}' for n in range(60)]\n"
        "conflicts = [(names[n], names[(n * 7 + 3) % 60]) for n in range(60) if n != (n * 7 + 3) % 60]\n"
        "history = [PastPairing(names[n], names[(n + 5) % 60], 1) for n in range(60)]\n"
        "print(solve(names, 2, conflicts=conflicts, history=history, seed=3, keep=[(names[0], names[9])]))\n"
    )
    outputs = {
        subprocess.run(  # noqa: S603  (our own interpreter and script)
            [sys.executable, "-c", script],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }

    assert len(outputs) == 1
    assert "optimal=True" in outputs.pop()


def test_another_seed_can_give_another_equally_good_assignment():
    solutions = [solve(EASTERN, 2, seed=seed) for seed in range(1, 6)]

    assert len({tuple(solution.pairs) for solution in solutions}) > 1
    assert all((s.reciprocal, s.repeated, s.shared_reviewers) == (0, 0, 0) for s in solutions)


def test_the_order_of_the_authorities_does_not_matter():
    assert solve(EASTERN, 2, seed=4) == solve(list(reversed(EASTERN)), 2, seed=4)


@pytest.mark.parametrize("peers", [2, 3])
def test_withdrawing_an_authority_keeps_most_of_the_published_pairs(peers):
    published = solve(EASTERN, peers, seed=5)
    remaining = [name for name in EASTERN if name != "Luton"]
    keep = [pair for pair in published.pairs if "Luton" not in pair]

    solution = solve(remaining, peers, seed=5, keep=keep)

    assert rule_breaks(remaining, peers, [], solution.pairs) == []
    # Luton reviewed k authorities that now need a reviewer each: k new pairs is the least possible.
    assert solution.changed == len(set(solution.pairs) - set(keep)) == peers
    assert (solution.reciprocal, solution.repeated, solution.shared_reviewers) == (0, 0, 0)
    assert solution.optimal


def test_keep_yields_to_the_soft_rules():
    # Keeping both directions of Essex/Luton would be a reciprocal pair, which matters more than a change.
    authorities = ["Essex", "Luton", "Norfolk", "Suffolk", "Thurrock"]

    solution = solve(authorities, 1, keep=[("Essex", "Luton"), ("Luton", "Essex")])

    assert solution.reciprocal == 0
    assert len({("Essex", "Luton"), ("Luton", "Essex")} & set(solution.pairs)) == 1


def test_all_153_authorities_with_two_peers_are_solved_quickly():
    names = [f"Authority {n:03d}" for n in range(153)]
    conflicts = [(names[n], names[(n * 31 + 17) % 153]) for n in range(153) if n != (n * 31 + 17) % 153]

    solution = solve(names, 2, conflicts=conflicts, seed=1, time_limit=20)

    assert rule_breaks(names, 2, conflicts, solution.pairs) == []
    assert (solution.reciprocal, solution.repeated, solution.shared_reviewers) == (0, 0, 0)
    assert solution.optimal


# Why there is no assignment


def test_too_few_authorities_for_the_number_of_peers():
    with pytest.raises(NoAssignment) as raised:
        solve(["Essex", "Luton"], 2)

    assert raised.value.message.startswith(
        "Only 2 authorities are active; 2 peers per authority needs at least 3."
    )


def test_an_authority_in_conflict_with_all_but_one_other():
    conflicts = [("Thurrock", other) for other in EASTERN if other not in ("Thurrock", "Essex")]

    with pytest.raises(NoAssignment) as raised:
        solve(EASTERN, 2, conflicts=conflicts)

    assert raised.value.message.startswith(
        "Thurrock has only one eligible reviewer after conflicts (it needs 2)."
    )
    assert str(raised.value) == raised.value.message


def test_the_authority_with_fewest_eligible_reviewers_is_named_first():
    conflicts = [("Luton", other) for other in EASTERN if other not in ("Luton", "Essex", "Norfolk")]
    conflicts += [("Thurrock", other) for other in EASTERN if other not in ("Thurrock", "Luton", "Essex")]

    with pytest.raises(NoAssignment) as raised:
        solve(EASTERN, 3, conflicts=conflicts)

    assert raised.value.message.startswith(
        "Thurrock has only one eligible reviewer after conflicts (it needs 3). Luton has too few as well."
    )


def test_an_authority_that_can_review_too_few_others():
    # Conflicts forbid both directions, so solve() always finds the reviewer shortage first; a one-way rule
    # would reach this message.
    everyone = ["Essex", "Luton", "Suffolk", "Thurrock"]
    reviewers_of = {name: {other for other in everyone if other != name} for name in everyone}
    reviewees_of = {**reviewers_of, "Thurrock": {"Essex"}}

    message = explain_no_assignment(everyone, 2, reviewers_of, reviewees_of)

    assert message.startswith(
        "Thurrock can review only one other authority after conflicts (it needs to review 2)."
    )


def test_a_shortage_no_single_authority_explains_names_the_tightest_ones():
    # Luton, Peterborough and Thurrock can each be reviewed only by Essex and Norfolk, who would then need
    # to review three authorities each.
    authorities = ["Essex", "Luton", "Norfolk", "Peterborough", "Thurrock"]
    conflicts = [("Luton", "Peterborough"), ("Luton", "Thurrock"), ("Peterborough", "Thurrock")]

    with pytest.raises(NoAssignment) as raised:
        solve(authorities, 2, conflicts=conflicts)

    assert (
        "Luton, Peterborough and Thurrock have the fewest eligible partners (2 each)" in raised.value.message
    )
    assert "Essex" not in raised.value.message


def test_no_authorities_at_all():
    with pytest.raises(
        NoAssignment, match="No authorities are active; 1 peer per authority needs at least 2"
    ):
        solve([], 1)


# Hand-edited assignments


# Each authority reviews the next two in alphabetical order, wrapping round: every hard rule holds.
CIRCULANT = [(EASTERN[n], EASTERN[(n + step) % 11]) for n in range(11) for step in (1, 2)]


def replaced(pairs, old, new):
    assert old in pairs
    return [new if pair == old else pair for pair in pairs]


def test_evaluate_accepts_a_valid_assignment_with_its_counts():
    evaluation = evaluate(EASTERN, 2, CIRCULANT)

    assert evaluation.valid
    assert (evaluation.reciprocal, evaluation.repeated, evaluation.shared_reviewers) == (0, 0, 0)
    assert evaluate(EASTERN, 2, solve(EASTERN, 2).pairs).valid


def test_evaluate_names_a_self_review():
    pairs = replaced(CIRCULANT, ("Luton", "Norfolk"), ("Luton", "Luton"))

    evaluation = evaluate(EASTERN, 2, pairs)

    assert not evaluation.valid
    assert evaluation.hard_breaks == [
        "Luton reviews itself",
        "Luton has 3 reviewers; it needs 2",
        "Norfolk has 1 reviewer; it needs 2",
    ]


def test_evaluate_names_a_declared_conflict():
    evaluation = evaluate(EASTERN, 2, CIRCULANT, conflicts=[("Norfolk", "Luton")])

    assert evaluation.hard_breaks == ["Luton reviews Norfolk despite a declared conflict"]


def test_evaluate_counts_reviewers_and_reviews():
    pairs = replaced(CIRCULANT, ("Suffolk", "Thurrock"), ("Hertfordshire", "Essex"))

    evaluation = evaluate(EASTERN, 2, pairs)

    assert evaluation.hard_breaks == [
        "Essex has 3 reviewers; it needs 2",
        "Hertfordshire reviews 3 authorities; it should review 2",
        "Suffolk reviews 1 authority; it should review 2",
        "Thurrock has 1 reviewer; it needs 2",
    ]


def test_evaluate_names_duplicates_strangers_and_empty_assignments():
    evaluation = evaluate(
        ["Essex", "Luton", "Suffolk"], 1, [("Essex", "Luton"), ("Essex", "Luton"), ("Barnet", "Essex")]
    )

    assert evaluation.hard_breaks == [
        "Essex reviews Luton more than once",
        "Barnet is not taking part in this cycle",
        "Luton reviews no authorities; it should review 1",
        "Suffolk has no reviewers; it needs 1",
        "Suffolk reviews no authorities; it should review 1",
    ]


def test_evaluate_counts_the_soft_rules():
    pairs = [("Essex", "Luton"), ("Luton", "Essex"), ("Suffolk", "Essex"), ("Suffolk", "Luton")]
    pairs += [("Essex", "Suffolk"), ("Luton", "Suffolk")]
    history = [
        PastPairing("Essex", "Luton", 1),
        PastPairing("Suffolk", "Essex", 2),
        PastPairing("Luton", "Suffolk", 3),
    ]

    evaluation = evaluate(["Essex", "Luton", "Suffolk"], 2, pairs, history=history)

    assert evaluation.valid
    # Every pair is reciprocal; repeats from 1 and 2 cycles ago count, from 3 do not; each authority's two
    # reviewers differ from the others'.
    assert (evaluation.reciprocal, evaluation.repeated, evaluation.shared_reviewers) == (3, 2, 0)


def test_shared_reviewers_are_counted_for_every_pair_with_the_same_reviewers():
    authorities = ["Essex", "Luton", "Norfolk", "Suffolk"]
    pairs = [("Essex", "Norfolk"), ("Essex", "Suffolk"), ("Luton", "Norfolk"), ("Luton", "Suffolk")]
    pairs += [("Norfolk", "Essex"), ("Norfolk", "Luton"), ("Suffolk", "Essex"), ("Suffolk", "Luton")]

    evaluation = evaluate(authorities, 2, pairs)

    assert evaluation.valid
    assert evaluation.shared_reviewers == 2  # Essex and Luton share Norfolk and Suffolk, and the reverse


# Inputs


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((EASTERN, 0), "peers must be a whole number from 1 to 4, not 0"),
        ((EASTERN, 5), "peers must be a whole number from 1 to 4, not 5"),
        ((EASTERN, True), "peers must be a whole number from 1 to 4, not True"),
        ((["Essex", "Luton", "Essex"], 1), "Essex is listed more than once"),
        ((["Essex", ""], 1), "Every authority needs a name"),
    ],
)
def test_malformed_arguments_are_refused_plainly(arguments, message):
    with pytest.raises(ValueError, match=message):
        solve(*arguments)


def test_conflicts_must_name_two_listed_authorities():
    with pytest.raises(ValueError, match="names Barnet, which is not listed"):
        solve(EASTERN, 2, conflicts=[("Essex", "Barnet")])
    with pytest.raises(ValueError, match="not Essex twice"):
        solve(EASTERN, 2, conflicts=[("Essex", "Essex")])


def test_history_of_authorities_no_longer_listed_is_ignored():
    solution = solve(EASTERN, 2, history=[PastPairing("Barnet", "Essex", 1)])

    assert solution.repeated == 0


# The JSON contract


def test_solve_json_returns_the_documented_shape():
    result = solve_json({"authorities": EASTERN, "peers": 2, "conflicts": [["Essex", "Thurrock"]], "seed": 3})

    assert list(result) == ["pairs", "reciprocal", "repeated", "shared_reviewers", "optimal"]
    assert all(isinstance(pair, list) and len(pair) == 2 for pair in result["pairs"])
    assert rule_breaks(EASTERN, 2, [("Essex", "Thurrock")], [tuple(pair) for pair in result["pairs"]]) == []
    assert (result["reciprocal"], result["repeated"], result["shared_reviewers"], result["optimal"]) == (
        0,
        0,
        0,
        True,
    )


def test_solve_json_ranks_history_years_and_ignores_older_ones():
    document = {
        "authorities": ["Essex", "Luton", "Suffolk"],
        "peers": 1,
        # 2024 is the last cycle (weighs 2), 2023 the one before (1), 2022 is ignored.
        "history": [["Essex", "Luton", 2024], ["Luton", "Essex", 2023], ["Essex", "Suffolk", 2022]],
    }

    result = solve_json(document)

    assert result["pairs"] == [list(pair) for pair in ANTICLOCKWISE]
    assert result["repeated"] == 1


def test_solve_json_reports_changes_when_given_pairs_to_keep():
    result = solve_json({"authorities": EASTERN, "peers": 1, "keep": [["Essex", "Luton"]]})

    assert ["Essex", "Luton"] in result["pairs"]
    assert result["changed"] == 10


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a JSON object"),
        ({"authorities": EASTERN}, 'needs "peers"'),
        ({"authorities": EASTERN, "peers": "2"}, "peers must be a whole number from 1 to 4, not '2'"),
        ({"authorities": EASTERN, "peers": 2, "peer": 2}, 'Unknown field "peer"'),
        ({"authorities": "Essex", "peers": 2}, '"authorities" must be a list of names'),
        ({"authorities": ["Essex", "Essex", "Luton"], "peers": 1}, "Essex is listed more than once"),
        (
            {"authorities": EASTERN, "peers": 2, "conflicts": [["Essex", "Barnet"]]},
            "Barnet, which is not listed",
        ),
        (
            {"authorities": EASTERN, "peers": 2, "conflicts": [["Essex"]]},
            "Each pair must be two authority names",
        ),
        ({"authorities": EASTERN, "peers": 2, "history": [["Essex", "Luton"]]}, 'Each "history" entry'),
        (
            {"authorities": EASTERN, "peers": 2, "history": [["Essex", "Luton", "2024"]]},
            'Each "history" entry',
        ),
        ({"authorities": EASTERN, "peers": 2, "seed": 1.5}, '"seed" must be a whole number'),
        ({"authorities": EASTERN, "peers": 2, "time_limit": 0}, '"time_limit" must be a number of seconds'),
    ],
)
def test_solve_json_refuses_malformed_documents_plainly(document, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        solve_json(document)


def test_solve_json_raises_no_assignment_with_the_reason():
    with pytest.raises(NoAssignment, match="Only 2 authorities are active"):
        solve_json({"authorities": ["Essex", "Luton"], "peers": 2})

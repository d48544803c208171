"""Peer groups: sizes, coverage, conflicts, history, determinism and plain reasons, as properties."""

import csv
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerchallenge.assignments.grouping import (
    NoGrouping,
    evaluate_groups,
    group_sizes,
    solve_groups,
)
from peerchallenge.assignments.solver import NoAssignment, solve_json

NAMES = [f"LA{number:02d}" for number in range(24)]
FAST = 5.0
PROPERTY_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
AUTHORITIES_CSV = Path(__file__).resolve().parents[2] / "peerchallenge/regions/data/authorities.csv"


def all_authorities() -> list[dict[str, str]]:
    with AUTHORITIES_CSV.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


@st.composite
def instances(draw):
    """A region of 3 to 24 authorities, a group size, a few conflicts and two cycles of history."""
    size = draw(st.integers(3, 4))
    count = draw(st.integers(size, 24))
    names = NAMES[:count]
    pairs = list(combinations(names, 2))
    conflicts = draw(st.lists(st.sampled_from(pairs), max_size=count // 2, unique=True))
    history = draw(
        st.lists(
            st.tuples(st.sampled_from(names), st.sampled_from(names), st.integers(1, 3)).filter(
                lambda row: row[0] != row[1]
            ),
            max_size=3 * count,
        )
    )
    seed = draw(st.integers(0, 1000))
    return names, size, conflicts, history, seed


def check_hard_rules(names, size, conflicts, groups):
    """The hard rules, checked independently of the solver."""
    placed = Counter(name for members in groups for name in members)
    assert placed == dict.fromkeys(names, 1)  # everyone in exactly one group
    sizes = sorted(len(members) for members in groups)
    assert set(sizes) <= {size, size + 1}
    assert len(groups) == len(names) // size  # as many groups as fit; the remainder makes some one larger
    forbidden = {frozenset(pair) for pair in conflicts}
    for members in groups:
        assert not any(frozenset(pair) in forbidden for pair in combinations(members, 2))


def repeated(groups, history):
    past = {frozenset((a, b)) for a, b, ago in history if ago in (1, 2)}
    return sum(1 for members in groups for pair in combinations(members, 2) if frozenset(pair) in past)


@PROPERTY_SETTINGS
@given(instances())
def test_groups_keep_every_hard_rule_or_a_reason_is_given(instance):
    names, size, conflicts, history, seed = instance
    try:
        solution = solve_groups(names, size, conflicts=conflicts, history=history, seed=seed, time_limit=FAST)
    except NoGrouping as refusal:
        assert refusal.message and "\n" not in refusal.message
        return
    check_hard_rules(names, size, conflicts, solution.groups)
    assert solution.repeated == repeated(solution.groups, history)
    assert evaluate_groups(names, size, solution.groups, conflicts=conflicts, history=history).valid


@PROPERTY_SETTINGS
@given(instances())
def test_the_same_input_and_seed_give_the_same_groups(instance):
    names, size, conflicts, history, seed = instance
    runs = []
    for _ in range(2):
        try:
            runs.append(solve_groups(names, size, conflicts=conflicts, history=history, seed=seed).groups)
        except NoGrouping as refusal:
            runs.append(refusal.message)
    assert runs[0] == runs[1]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(12, 24), st.integers(0, 1000))
def test_history_is_avoided_whenever_it_can_be(count, seed):
    """Last cycle's groups, read both ways, are not repeated (with four groups or more, they need not be)."""
    names = NAMES[:count]
    last = solve_groups(names, 3, seed=seed + 1).groups
    history = [(b, a, 1) for members in last for a, b in combinations(members, 2)]  # read both ways

    solution = solve_groups(names, 3, history=history, seed=seed)

    assert solution.repeated == 0 and solution.optimal
    assert repeated(solution.groups, history) == 0


def test_repeats_are_kept_to_the_least_possible_and_proved():
    """Nine authorities all grouped together before, in six groups: three pairs must repeat, no more."""
    names = NAMES[:19]
    history = [(a, b, 1) for a, b in combinations(names[:9], 2)]

    solution = solve_groups(names, 3, history=history, time_limit=FAST)

    assert solution.repeated == 3 and solution.optimal


def test_another_seed_can_give_other_groups():
    results = {tuple(map(tuple, solve_groups(NAMES[:18], 3, seed=seed).groups)) for seed in range(5)}
    assert len(results) > 1


@pytest.mark.parametrize(
    ("count", "size", "expected"),
    [(19, 3, [4, 3, 3, 3, 3, 3]), (18, 3, [3] * 6), (7, 3, [4, 3]), (9, 4, [5, 4]), (153, 3, [3] * 51)],
)
def test_group_sizes_follow_the_count(count, size, expected):
    assert sorted(group_sizes(count, size), reverse=True) == sorted(expected, reverse=True)


@pytest.mark.parametrize(
    ("count", "size", "reason"),
    [
        (2, 3, "Only 2 authorities are taking part; a group of 3 needs at least 3."),
        (5, 3, "5 authorities cannot be placed in groups of 3 with some of 4: 1 group leaves 2 over."),
    ],
)
def test_counts_that_cannot_be_grouped_are_refused(count, size, reason):
    with pytest.raises(NoGrouping) as refusal:
        solve_groups(NAMES[:count], size)
    assert refusal.value.message.startswith(reason)


def test_an_authority_with_too_few_partners_is_named():
    names = NAMES[:6]
    conflicts = [("LA03", other) for other in names if other != "LA03"][:4]

    with pytest.raises(NoGrouping) as refusal:
        solve_groups(names, 3, conflicts=conflicts)

    assert refusal.value.message.startswith(
        "LA03 can share a group with only one other authority after conflicts (a group of 3 needs 2)."
    )


def test_conflicts_that_leave_no_grouping_name_the_tightest_authorities():
    # Six authorities, two triads: LA00 and LA01 each have partners, but every triad would hold a conflict.
    names = NAMES[:6]
    conflicts = [("LA00", "LA01"), ("LA00", "LA02"), ("LA01", "LA02"), ("LA03", "LA04"), ("LA03", "LA05")]
    conflicts += [("LA04", "LA05")]

    with pytest.raises(NoGrouping) as refusal:
        solve_groups(names, 3, conflicts=conflicts, time_limit=FAST)

    assert refusal.value.message.startswith(
        "The conflicts leave no way to place every authority in a group of 3:"
    )
    assert "LA00" in refusal.value.message


def test_evaluation_names_each_broken_rule():
    evaluation = evaluate_groups(
        NAMES[:7],
        3,
        [["LA00", "LA01"], ["LA02", "LA03", "LA04", "LA00", "LA05"]],
        conflicts=[("LA02", "LA03")],
        history=[("LA04", "LA05", 1)],
    )

    assert evaluation.hard_breaks == [
        "Group 1 has 2 members; groups have 3 or 4",
        "Group 2 has 5 members; groups have 3 or 4",
        "LA00 is in group 1 and group 2",
        "LA02 and LA03 are in group 2 despite a declared conflict",
        "LA06 is in no group",
    ]
    assert evaluation.repeated_by_group == [0, 1]


def test_the_south_east_makes_five_triads_and_a_quartet():
    south_east = [row["local_authority"] for row in all_authorities() if row["adcs_region"] == "South East"]

    result = solve_json({"mode": "groups", "authorities": south_east, "group_size": 3})

    assert len(south_east) == 19
    assert sorted(len(members) for members in result["groups"]) == [3, 3, 3, 3, 3, 4]
    assert result == {"groups": result["groups"], "repeated": 0, "optimal": True}


def test_all_153_authorities_with_conflicts_and_two_years_of_history_solve_in_under_a_second():
    rows = all_authorities()
    names = [row["local_authority"] for row in rows]
    by_region: dict[str, list[str]] = {}
    for row in rows:
        by_region.setdefault(row["adcs_region"], []).append(row["local_authority"])
    # Neighbours in each region conflict, as a shared interim director would make them.
    conflicts = [
        [members[i], members[i + 1]] for members in by_region.values() for i in range(0, len(members) - 1, 4)
    ]
    history = []
    for year, step in ((2024, 1), (2025, 7)):
        order = names[step::] + names[:step]
        for start in range(0, len(order) - 2, 3):
            members = order[start : start + 3]
            history += [[a, b, year] for a in members for b in members if a != b]

    started = time.monotonic()
    result = solve_json({"mode": "groups", "authorities": names, "conflicts": conflicts, "history": history})
    elapsed = time.monotonic() - started

    assert elapsed < 1.0
    assert len(result["groups"]) == 51 and result["repeated"] == 0 and result["optimal"] is True
    check_hard_rules(names, 3, conflicts, result["groups"])


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"mode": "triads", "authorities": NAMES}, '"mode" must be "pairs" or "groups", not \'triads\''),
        ({"mode": "groups", "authorities": NAMES, "peers": 2}, 'Unknown field "peers"'),
        ({"mode": "groups", "authorities": NAMES, "group_size": 7}, "group_size must be from 3 to 5, not 7"),
        ({"mode": "groups"}, 'The input needs "authorities"'),
    ],
)
def test_malformed_group_documents_are_refused_plainly(document, reason):
    with pytest.raises(ValueError, match=None) as refusal:
        solve_json(document)
    assert str(refusal.value).startswith(reason)


def test_no_grouping_reaches_the_cli_contract_as_no_assignment():
    with pytest.raises(NoAssignment):
        solve_json({"mode": "groups", "authorities": NAMES[:5]})

"""Allocating moderators: the rules always hold, loads are as even as any allocation's, the same seed gives
the same allocation, and a refusal comes only when no allocation exists (by brute force on small cases)."""

import math
from itertools import combinations, product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerchallenge.moderation.allocation import AllocationImpossible, allocate, check, eligible_moderators

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def instances(draw, largest_region=8, largest_team=8):
    """A region's authorities, its moderators (each working for one of them), some reviews, k and a seed."""
    count = draw(st.integers(min_value=2, max_value=largest_region))
    authorities = list(range(1, count + 1))
    moderator_count = draw(st.integers(min_value=1, max_value=largest_team))
    moderators = {100 + i: draw(st.sampled_from(authorities)) for i in range(moderator_count)}
    possible = [(a, b) for a in authorities for b in authorities if a != b]
    reviews = draw(st.lists(st.sampled_from(possible), max_size=2 * count, unique=True))
    signed_off = draw(st.lists(st.sampled_from(authorities), min_size=1, unique=True))
    k = draw(st.sampled_from([1, 2]))
    seed = draw(st.integers(min_value=0, max_value=1000))
    return signed_off, moderators, reviews, k, seed


def reviewers(reviews):
    found: dict[int, set[int]] = {}
    for reviewer, reviewed in reviews:
        found.setdefault(reviewed, set()).add(reviewer)
    return found


def independent_breaks(chosen, moderators, reviews, k):
    """The rules, written again without the module's help."""
    barred = reviewers(reviews)
    breaks = []
    for authority, picked in chosen.items():
        if len(picked) != k or len(set(picked)) != k:
            breaks.append(f"count {authority}")
        for moderator in picked:
            home = moderators[moderator]
            if home == authority:
                breaks.append(f"own {authority}")
            if home in barred.get(authority, set()):
                breaks.append(f"reviewer {authority}")
    return breaks


@PROPERTY_SETTINGS
@given(instances())
def test_the_rules_always_hold_and_the_same_seed_gives_the_same_allocation(instance):
    signed_off, moderators, reviews, k, seed = instance
    try:
        result = allocate(signed_off, moderators, reviews, k, seed)
    except AllocationImpossible as refused:
        # Refused only for an authority that truly lacks k eligible moderators.
        assert refused.authority_id in signed_off
        assert len(eligible_moderators(refused.authority_id, moderators, reviewers(reviews))) < k
        return
    assert set(result.moderators) == set(signed_off)
    assert independent_breaks(result.moderators, moderators, reviews, k) == []
    assert check(result.moderators, moderators, reviews, k) == []
    assert sum(result.loads.values()) == k * len(signed_off)
    assert result == allocate(signed_off, moderators, reviews, k, seed)
    assert result == allocate(
        list(reversed(signed_off)), dict(reversed(moderators.items())), reviews, k, seed
    )


def brute_force_best(signed_off, moderators, reviews, k):
    """Every allocation keeping the rules: None if there is none, else the best (max load, -min load)."""
    options = [
        list(combinations(eligible_moderators(a, moderators, reviewers(reviews)), k)) for a in signed_off
    ]
    best = None
    for picks in product(*options):
        loads = dict.fromkeys(moderators, 0)
        for picked in picks:
            for moderator in picked:
                loads[moderator] += 1
        score = (max(loads.values()), -min(loads.values()))
        best = score if best is None or score < best else best
    return best


@settings(max_examples=120, deadline=None, derandomize=True)
@given(instances(largest_region=5, largest_team=5))
def test_refusals_and_balance_match_a_brute_force_search(instance):
    signed_off, moderators, reviews, k, seed = instance
    best = brute_force_best(signed_off, moderators, reviews, k)
    if best is None:
        with pytest.raises(AllocationImpossible):
            allocate(signed_off, moderators, reviews, k, seed)
        return
    result = allocate(signed_off, moderators, reviews, k, seed)
    assert (max(result.loads.values()), -min(result.loads.values())) == best


@PROPERTY_SETTINGS
@given(instances())
def test_loads_are_within_one_of_each_other_whenever_every_moderator_may_take_any_authority(instance):
    signed_off, moderators, _, k, seed = instance
    # Moderators from outside the region's authorities: nobody is barred, so an even spread is possible.
    outsiders = dict.fromkeys(moderators, 0)
    if k > len(outsiders):
        with pytest.raises(AllocationImpossible):
            allocate(signed_off, outsiders, [], k, seed)
        return
    result = allocate(signed_off, outsiders, [], k, seed)
    assert result.spread <= 1
    assert max(result.loads.values()) == math.ceil(k * len(signed_off) / len(outsiders))


def test_a_refusal_names_the_authority_that_cannot_be_covered():
    # Authority 1's only moderator works for authority 2, which reviews it.
    with pytest.raises(AllocationImpossible) as refused:
        allocate([1, 3], {100: 2, 101: 1}, [(2, 1)], 1, seed=0)
    assert (refused.value.authority_id, refused.value.eligible, refused.value.needed) == (1, 0, 1)


def test_other_seeds_give_other_allocations_of_a_real_size_region():
    authorities = list(range(1, 12))
    moderators = {100 + a: a for a in authorities}
    reviews = [((a % 11) + 1, a) for a in authorities] + [(((a + 1) % 11) + 1, a) for a in authorities]
    results = {
        tuple(sorted(allocate(authorities, moderators, reviews, 2, seed).moderators.items()))
        for seed in range(5)
    }
    assert len(results) > 1
    for seed in range(5):
        result = allocate(authorities, moderators, reviews, 2, seed)
        assert result.spread == 0 and check(result.moderators, moderators, reviews, 2) == []


def test_k_must_be_one_or_two():
    with pytest.raises(ValueError):
        allocate([1], {100: 2}, [], 3, 0)

"""How long the assignment solver takes, and the soft-rule breaks it leaves, for one region and for all 153.

For the 11 Eastern authorities (2 peers) and for all 153 authorities (1 to 4 peers), read from
peerchallenge/regions/data/authorities.csv: 10% of the pairs of authorities in conflict, drawn at random,
and a two-year history made the way the service makes it (the year before last solved first, then last year
avoiding it). Each case is solved --repeat times (seconds: the fastest and the slowest run; the answers must
be identical), then solved again after one authority withdraws, keeping the rest of the assignment.

    .venv/bin/python benchmarks/solve_assignment.py
    case                      k  seconds (min-max)  optimal  reciprocal  repeated  shared  changed
    Eastern (11)              2  0.004-0.005        yes      0           0         0       -
      Hertfordshire withdraws 2  0.004-0.006        yes      0           0         0       2
    England (153)             2  0.502-0.518        yes      0           0         0       -
    ...

Target: all 153 authorities with 2 peers in under 1 second, proved optimal.
"""

import argparse
import csv
import random
import sys
import time
from itertools import combinations
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from peerchallenge.assignments.solver import PastPairing, Solution, solve  # noqa: E402

AUTHORITIES_CSV = PROJECT_ROOT / "peerchallenge" / "regions" / "data" / "authorities.csv"
CONFLICT_SHARE = 0.10


def read_authorities(region: str | None = None) -> list[str]:
    with AUTHORITIES_CSV.open(encoding="utf-8") as file:
        return [
            row["local_authority"] for row in csv.DictReader(file) if region in (None, row["adcs_region"])
        ]


def random_conflicts(authorities: list[str], rng: random.Random) -> list[tuple[str, str]]:
    pairs = list(combinations(authorities, 2))
    return rng.sample(pairs, round(len(pairs) * CONFLICT_SHARE))


def two_year_history(authorities, peers, conflicts) -> list[PastPairing]:
    year_before_last = solve(authorities, peers, conflicts=conflicts, seed=101).pairs
    last_year = solve(
        authorities,
        peers,
        conflicts=conflicts,
        history=[PastPairing(r, d, 1) for r, d in year_before_last],
        seed=102,
    ).pairs
    return [PastPairing(r, d, 1) for r, d in last_year] + [PastPairing(r, d, 2) for r, d in year_before_last]


def timed(repeat: int, **arguments) -> tuple[float, float, Solution]:
    times, answers = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        answers.append(solve(**arguments))
        times.append(time.perf_counter() - started)
    if any(answer != answers[0] for answer in answers):
        raise SystemExit(f"Not deterministic: {arguments['peers']} peers gave different answers")
    return min(times), max(times), answers[0]


def row(case: str, peers: int, fastest: float, slowest: float, solution: Solution, changed: bool) -> str:
    return (
        f"{case:<26}{peers:<3}{f'{fastest:.3f}-{slowest:.3f}':<19}{'yes' if solution.optimal else 'NO':<9}"
        f"{solution.reciprocal:<12}{solution.repeated:<10}{solution.shared_reviewers:<8}"
        f"{solution.changed if changed else '-'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the conflicts and the solver")
    arguments = parser.parse_args()

    cases = [("Eastern", read_authorities("Eastern"), (2,)), ("England", read_authorities(), (1, 2, 3, 4))]
    print("case                      k  seconds (min-max)  optimal  reciprocal  repeated  shared  changed")
    for label, authorities, peer_counts in cases:
        for peers in peer_counts:
            rng = random.Random(arguments.seed * 1000 + peers)  # noqa: S311
            conflicts = random_conflicts(authorities, rng)
            history = two_year_history(authorities, peers, conflicts)
            common = {"peers": peers, "conflicts": conflicts, "history": history, "seed": arguments.seed}
            fastest, slowest, solution = timed(arguments.repeat, authorities=authorities, **common)
            print(row(f"{label} ({len(authorities)})", peers, fastest, slowest, solution, changed=False))

            withdrawn = rng.choice(authorities)
            remaining = [name for name in authorities if name != withdrawn]
            keep = [pair for pair in solution.pairs if withdrawn not in pair]
            common["conflicts"] = [pair for pair in conflicts if withdrawn not in pair]
            fastest, slowest, solution = timed(arguments.repeat, authorities=remaining, keep=keep, **common)
            print(row(f"  {withdrawn} withdraws"[:25], peers, fastest, slowest, solution, changed=True))


if __name__ == "__main__":
    main()

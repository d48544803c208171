"""The demo region's data pack: each authority's figures over three periods, loaded through the upload.

The latest period holds the figure each demo self-assessment states (demo/profiles.py, in the ranges of the
Department for Education's statistics); the two before drift from it, inside the same range, the same each
time. England's comparator is the published value for the latest period and drifts a little before it;
the region's is the mean of its authorities. One authority in three has a figure in its pack that its text
does not match (re-referrals, 3 points higher in the pack), so that the figure check has something to show.
"""

import csv
import io
import random
from datetime import date

from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle
from peerchallenge.datapack import services
from peerchallenge.demo.profiles import INDICATORS, profile_for

MISMATCHED = "re_referrals"


def periods(today: date) -> list[str]:
    """The three years before this one's self-assessment, as DfE names them: 2023-24, 2024-25, 2025-26."""
    return [f"{year}-{(year + 1) % 100:02d}" for year in range(today.year - 3, today.year)]


def national_series(key: str, latest: float, count: int) -> list[float]:
    """England's value over the periods: the published latest, and the years before a step or two away."""
    side = random.Random(key).choice((-1, 1))  # noqa: S311 (demo figures, not secrets)
    return [latest * (1 + side * 0.015 * (count - 1 - index)) for index in range(count)]


def demo_pack_csv(cycle: Cycle, today: date) -> bytes:
    names = periods(today)
    authorities = sorted(cycle.region.authorities, key=lambda authority: authority.name)
    rows: list[tuple[str, str, str, float, float]] = []
    for number, authority in enumerate(authorities):
        profile = profile_for(authority.name, authority.authority_type)
        for indicator in INDICATORS:
            latest = profile.figures[indicator.key]
            if indicator.key == MISMATCHED and number % 3 == 1:
                latest += 3
            chance = random.Random(f"{authority.name}/{indicator.key}")  # noqa: S311 (demo figures, not secrets)
            values = [latest]
            for _ in names[1:]:
                step = (indicator.high - indicator.low) * chance.uniform(-0.08, 0.08)
                values.insert(0, min(max(values[0] + step, indicator.low), indicator.high))
            england = national_series(indicator.key, indicator.england, len(names))
            for period, value, national in zip(names, values, england, strict=True):
                rows.append((authority.dfe_code, indicator.key, period, round(value, 1), round(national, 1)))
    means: dict[tuple[str, str], list[float]] = {}
    for _code, key, period, value, _england in rows:
        means.setdefault((key, period), []).append(value)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["authority", "indicator", "period", "value", "england", "region"])
    for code, key, period, value, national in rows:
        region = sum(means[(key, period)]) / len(means[(key, period)])
        writer.writerow([code, key, period, value, national, round(region, 1)])
    return buffer.getvalue().encode()


def seed_data_pack(cycle: Cycle, lead: User, today: date) -> None:
    services.upload_pack(lead, cycle, "eastern-data-pack.csv", demo_pack_csv(cycle, today), replace=True)

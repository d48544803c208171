"""The figure check: numbers a self-assessment states for an indicator, compared with the pack's latest."""

import gc
import time

import pytest

from peerchallenge.datapack.catalogue import catalogue
from peerchallenge.datapack.figures import check_figures, figure_sentences, stated_figures

CATALOGUE = catalogue()


def stated(text: str) -> list[tuple[str, float]]:
    return [(figure.indicator, figure.stated) for figure in stated_figures(text, CATALOGUE.values())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Re-referrals within 12 months of a previous referral were 20% of all referrals (England: 22%).",
            [("re_referrals", 20.0)],
        ),
        (
            "There are 341.8 children in need per 10,000 children here (England: 332.9).",
            [("cin_rate", 341.8)],
        ),
        (
            "There are 47 children per 10,000 on child protection plans (England: about 42).",
            [("cp_rate", 47.0)],
        ),
        ("We look after 74 children per 10,000 (England: 70).", [("cla_rate", 74.0)]),
        ("Of new EHC plans, 38% were issued within 20 weeks (England: 46%).", [("ehcp_timely", 38.0)]),
        ("The average caseload is 17 children (England: about 16).", [("caseload", 17.0)]),
        ("Turnover fell from 25% to 20.5% in 2025.", [("turnover", 20.5)]),
        ("Compared with England's 22%, our re-referral rate is 19 per cent.", [("re_referrals", 19.0)]),
        (
            "Turnover was 14% and the vacancy rate 17%, against 16% nationally.",
            [("turnover", 14.0), ("vacancy", 17.0)],
        ),
        ("Re-referrals are a worry for us in 2025.", []),  # a year is not a figure
        ("We look after our children well.", []),  # a rate needs "per 10,000"
        ("Re-referrals were 120 this year.", []),  # a count is not the percentage
    ],
)
def test_the_stated_figure_is_found(text, expected):
    assert stated(text) == expected


def test_figures_that_differ_beyond_the_tolerance_are_flagged():
    latest = {"re_referrals": ("2025-26", 22.0), "caseload": ("2025-26", 17.2), "cla_rate": ("2025-26", 74.0)}
    text = (
        "Re-referrals were 22.5% of referrals. The average caseload is 17 children. "
        "We look after 75 children per 10,000."
    )
    assert check_figures(text, CATALOGUE, latest) == []  # 0.5 points; 1.2% of 17.2; 1.4% of 74
    text = "Re-referrals were 22.6% of referrals. We look after 76 children per 10,000."
    flagged = check_figures(text, CATALOGUE, latest)
    assert [(m.indicator.key, m.stated_text, m.actual_text, m.period) for m in flagged] == [
        ("re_referrals", "22.6%", "22%", "2025-26"),
        ("cla_rate", "76 per 10,000", "74 per 10,000", "2025-26"),
    ]
    assert flagged[0].sentence == "Re-referrals were 22.6% of referrals."


def test_stored_sentences_with_figures_give_the_same_answers():
    text = (
        "## Help and protection\n\nOur family hubs are busy. Re-referrals were 22.6% of referrals.\n\n"
        "Partners meet monthly. We look after 76 children per 10,000 (England: 70)."
    )
    spans = figure_sentences(text)
    assert [text[start:end].strip() for start, end in spans] == [
        "Re-referrals were 22.6% of referrals.",
        "We look after 76 children per 10,000 (England: 70).",
    ]
    latest = {"re_referrals": ("2025-26", 22.0), "cla_rate": ("2025-26", 74.0)}
    stored = [list(span) for span in spans]  # as the JSON column gives them back
    assert check_figures(text, CATALOGUE, latest, stored) == check_figures(text, CATALOGUE, latest)
    assert len(check_figures(text, CATALOGUE, latest, stored)) == 2
    # Only the stored sentences are read: a version's text is never split again on a page.
    assert check_figures(text, CATALOGUE, latest, stored[:1])[0].indicator.key == "re_referrals"
    assert check_figures(text, CATALOGUE, latest, []) == []


def test_the_check_is_linear_in_the_text():
    """Four times the text takes about four times as long (timed without the garbage collector, best of
    three, so that a busy machine does not decide)."""
    sentence = "Re-referrals were 23% of referrals (England: 22%). Our family hubs are busy. "
    latest = {"re_referrals": ("2025-26", 21.0)}
    timings = []
    gc.disable()
    try:
        for repeat in (2_000, 8_000):
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                assert len(check_figures(sentence * repeat, CATALOGUE, latest)) == repeat
                best = min(best, time.perf_counter() - started)
            timings.append(best)
    finally:
        gc.enable()
    assert timings[1] < timings[0] * 7  # four times the text, well under seven times the time

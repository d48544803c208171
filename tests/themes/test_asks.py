"""Reading asks and offers from text, and matching one authority's asks to another's offers (paraphrases)."""

import pytest

from peerchallenge.themes.asks import (
    ASK,
    OFFER,
    PEERS,
    Found,
    Item,
    find_asks_offers,
    match_asks_offers,
    themes_of,
)
from peerchallenge.themes.chart import ChartRow, chart_png, themes_chart
from peerchallenge.themes.lexicon import THEME_KEYS, default_lexicon
from peerchallenge.themes.tagging import Tagger

TAGGER = Tagger(default_lexicon())


def test_labelled_lines_headed_lists_and_phrasings_are_read():
    text = (
        "Our priorities are clear.\n\n"
        "Ask: support with EHC plan timeliness\n"
        "**Offer** - our MASH model\n\n"
        "## Our asks\n"
        "- advice on reducing agency social workers\n"
        "**Offers:**\n"
        "- our care leavers' hub\n\n"
        "We would welcome help with recruiting foster carers. "
        "We can share how we cut our use of locum workers.\n"
        "We will continue to embed our model."
    )
    assert find_asks_offers(text) == [
        Found(ASK, "support with EHC plan timeliness"),
        Found(OFFER, "our MASH model"),
        Found(ASK, "advice on reducing agency social workers"),
        Found(OFFER, "our care leavers' hub"),
        Found(ASK, "We would welcome help with recruiting foster carers."),
        Found(OFFER, "We can share how we cut our use of locum workers."),
    ]


def test_a_letter_is_read_in_the_peers_voice():
    point = "We would like to hear more about sufficiency: what is the plan?"
    assert find_asks_offers(point, PEERS) == []  # "we" are the peers asking a question, not an ask
    assert find_asks_offers("Other authorities could learn from your family hubs.", PEERS) == [
        Found(OFFER, "Other authorities could learn from your family hubs.")
    ]
    assert find_asks_offers("You would benefit from the support of a neighbouring authority on IROs.", PEERS)


# Each pair says the same need and offer in different words: matching must find them on their theme.
PARAPHRASES = [
    (
        "We would welcome help with reducing our reliance on agency social workers.",
        "We can share how we cut our use of locum staff in two years.",
    ),
    (
        "Ask: advice on finding homes for teenagers close to home, not out of area.",
        "Offer: our sufficiency strategy and the in-house residential homes it opened.",
    ),
    (
        "We are looking for support to improve the timeliness of EHC plans.",
        "We can offer our SEND casework team's approach to EHCP quality assurance.",
    ),
    (
        "Ask: how other areas keep in touch with care leavers over 21.",
        "Offer: our personal advisers' model for care-experienced young adults up to 25.",
    ),
    (
        "We would value advice on running family group conferences at scale.",
        "We are happy to share our Family Help service and its family network meetings.",
    ),
]


@pytest.mark.parametrize(("ask", "offer"), PARAPHRASES)
def test_paraphrased_asks_and_offers_match_on_their_theme(ask, offer):
    (found_ask,) = find_asks_offers(ask)
    (found_offer,) = find_asks_offers(offer)
    assert (found_ask.kind, found_offer.kind) == (ASK, OFFER)
    items = [
        Item(1, 10, ASK, found_ask.text, tuple(themes_of(found_ask.text, TAGGER))),
        Item(2, 20, OFFER, found_offer.text, tuple(themes_of(found_offer.text, TAGGER))),
    ]
    (match,) = match_asks_offers(items, THEME_KEYS)
    assert match.ask.id == 1 and match.offer.id == 2 and match.themes


def test_matching_pairs_only_different_authorities_on_a_shared_theme_best_first():
    items = [
        Item(1, 10, ASK, "agency social workers", ("workforce",)),
        Item(2, 10, OFFER, "our social work academy", ("workforce",)),  # the same authority: never matched
        Item(3, 20, OFFER, "our academy for agency social workers", ("workforce",)),
        Item(4, 30, OFFER, "a retention scheme and caseload caps", ("workforce", "finance")),
        Item(5, 40, OFFER, "our MASH", ("help_and_protection",)),
    ]
    matches = match_asks_offers(items, THEME_KEYS)
    assert [(match.ask.id, match.offer.id) for match in matches] == [(1, 3), (1, 4)]
    assert matches[0].themes == ("workforce",)


def test_each_pair_of_mismatched_paraphrases_does_not_match():
    ask = Item(1, 10, ASK, "x", tuple(themes_of("help to recruit more foster carers", TAGGER)))
    offer = Item(2, 20, OFFER, "y", tuple(themes_of("our EHC plan timeliness work", TAGGER)))
    assert match_asks_offers([ask, offer]) == []


def test_the_chart_is_readable_without_colour_and_escapes_names():
    rows = [
        ChartRow(
            "Alpha & <Beta>", {"workforce": frozenset({"strength"}), "send": frozenset({"development"})}
        ),
        ChartRow("Gamma", {}),
    ]
    svg = themes_chart("Themes", [("workforce", "Workforce"), ("send", "SEND")], rows)
    assert "Alpha &amp; &lt;Beta&gt;" in svg and "<Beta>" not in svg
    assert "<title>Alpha &amp; &lt;Beta&gt;: Workforce, a strength</title>" in svg
    assert "<title>Alpha &amp; &lt;Beta&gt;: SEND, an area for development</title>" in svg
    assert "Raised as a strength" in svg and "Raised as an area for development" in svg
    assert 'fill="url(#hatch)"' in svg  # a pattern, not a colour, tells the two apart
    png = chart_png(svg)
    assert png.startswith(b"\x89PNG")

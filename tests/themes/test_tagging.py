"""The tagger: whole words, inflections, longest terms, traceable tags, and its scores on the frozen set."""

import time

import pytest

from peerchallenge.themes.lexicon import THEME_KEYS, Theme, ThemeKind, default_lexicon, parse_terms
from peerchallenge.themes.tagging import Tagger
from tests.themes.themes_set import labelled, score

# A little below what the default lexicon reaches on the held-out third (benchmarks/themes.py prints it):
# precision per theme. Children's voice, workforce and finance are below the aim of 0.8 (see
# docs/domain.md).
HELD_OUT_PRECISION_FLOOR = {
    "help_and_protection": 0.9,
    "children_in_care": 0.8,
    "care_leavers": 0.9,
    "leadership": 0.9,
    "workforce": 0.65,
    "sufficiency": 0.9,
    "childrens_voice": 0.45,
    "family_help": 0.8,
    "send": 0.9,
    "partnership": 0.75,
    "finance": 0.7,
    "performance_information": 0.9,
}


def tagger(**terms: list[str]) -> Tagger:
    return Tagger(Theme(key, key, ThemeKind.CROSS_CUTTING, tuple(words)) for key, words in terms.items())


def themes(found) -> list[tuple[str, str]]:
    return [(tag.theme, tag.term) for tag in found]


def test_terms_match_whole_words_with_plurals_and_possessives():
    tags = tagger(care_leavers=["care leaver"], voice=["child's voice"], send=["SEND"])
    assert themes(tags.tag_sentence("Our care leavers say so.")) == [("care_leavers", "care leaver")]
    assert themes(tags.tag_sentence("The children's voice is heard.")) == [("voice", "child's voice")]
    assert tags.tag_sentence("We send letters to scare leavers.") == ()  # SEND is a word, not a case
    assert themes(tags.tag_sentence("SEND services")) == [("send", "SEND")]


def test_a_star_matches_any_ending_of_the_last_word():
    tags = tagger(workforce=["recruit*"], data=["data quality"])
    assert themes(tags.tag_sentence("Recruitment is hard.")) == [("workforce", "recruit*")]
    assert themes(tags.tag_sentence("We recruited six.")) == [("workforce", "recruit*")]
    assert tags.tag_sentence("A recruit is no match for rec") != ()
    assert tags.tag_sentence("Quality of data") == ()  # words in order


def test_the_longest_term_at_a_place_wins_and_its_words_are_not_read_again():
    tags = tagger(finance=["dedicated schools grant"], partnership=["schools"])
    assert themes(tags.tag_sentence("Pressure on the dedicated schools grant.")) == [
        ("finance", "dedicated schools grant")
    ]
    assert [tag.theme for tag in tags.tag_sentence("Schools and the dedicated schools grant.")] == [
        "finance",
        "partnership",
    ]


def test_tags_come_in_the_lexicon_order_and_trace_to_their_sentence():
    tagged = Tagger(default_lexicon()).tag_text(
        "Budgets are tight. Care leavers told us the local offer was hard to find.\nNothing here."
    )
    assert [sentence.text for sentence in tagged] == [
        "Budgets are tight.",
        "Care leavers told us the local offer was hard to find.",
    ]
    assert themes(tagged[1].tags) == [("care_leavers", "care leaver"), ("childrens_voice", "told us")]
    text = "Budgets are tight. Care leavers told us the local offer was hard to find."
    assert text[tagged[1].start : tagged[1].end].strip() == tagged[1].text


def test_the_default_lexicon_has_the_twelve_themes_judgement_areas_first():
    lexicon = default_lexicon()
    assert THEME_KEYS == (
        "help_and_protection",
        "children_in_care",
        "care_leavers",
        "leadership",
        "workforce",
        "sufficiency",
        "childrens_voice",
        "family_help",
        "send",
        "partnership",
        "finance",
        "performance_information",
    )
    assert [theme.kind for theme in lexicon[:4]] == [ThemeKind.JUDGEMENT] * 4
    assert all(theme.terms for theme in lexicon)


def test_parse_terms_keeps_one_a_line_and_refuses_what_is_not_a_term():
    assert parse_terms("care leaver\n\n  Care   leaver \nrecruit*\n") == ("care leaver", "recruit*")
    with pytest.raises(ValueError, match="a \\* only at the end"):
        parse_terms("re*cruit")
    with pytest.raises(ValueError, match="at most"):
        parse_terms("x" * 81)


def test_tagging_is_linear_on_hostile_text():
    tags = Tagger(default_lexicon())
    text = ("care " * 50_000) + ("child protection plan. " * 10_000)
    started = time.perf_counter()
    found = tags.tag_text(text)
    assert time.perf_counter() - started < 3
    assert found


def test_held_out_precision_per_theme_stays_above_its_floor():
    held_out = score(sentence for sentence in labelled() if sentence.held_out)
    for theme, floor in HELD_OUT_PRECISION_FLOOR.items():
        precision = held_out.precision(theme)
        assert precision is not None and precision >= floor, (theme, precision)

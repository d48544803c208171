"""Repeated text: how much of a section repeats last year's, on edited, reordered and new text."""

import random
import re

import rapidfuzz.fuzz  # noqa: F401 (the package imports it when first used: not inside a property's deadline)
from hypothesis import given, settings
from hypothesis import strategies as st

from peerchallenge.documents.marks import html_text
from peerchallenge.documents.repeated import (
    REPEATED_SCORE,
    Index,
    repeated_html,
    repeated_text,
    sentences,
)
from peerchallenge.sanitise import render_markdown

# Two vocabularies with no word in common: text from one is unrelated to text from the other.
OURS_TEXT = (
    "children families practice quality audit evidence impact workers managers partners outcomes improve "
    "review timely visits assessment support safety stability placements health education police schools "
    "leaders governance scrutiny learning supervision caseloads housing advocacy fostering adoption"
)
OTHERS_TEXT = (
    "river mountain garden window basket orange planet violin marble castle forest harbour meadow lantern "
    "pebble thunder velvet canyon glacier compass saddle timber falcon orchard ribbon willow crater anchor "
    "beacon copper"
)
OURS, OTHERS = tuple(OURS_TEXT.split()), tuple(OTHERS_TEXT.split())


def sentence_of(vocabulary: tuple[str, ...], length: int, seed: int) -> str:
    rng = random.Random(seed)
    words = [rng.choice(vocabulary) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def text_strategy(vocabulary: tuple[str, ...], min_size: int = 1, max_size: int = 12):
    """Sentences of 12 to 20 words, each its own, one paragraph of them."""
    one = st.builds(sentence_of, st.just(vocabulary), st.integers(12, 20), st.integers(0, 10**9))
    return st.lists(one, min_size=min_size, max_size=max_size, unique=True)


def words_in(text: str) -> int:
    return sum(len(sentence.words) for sentence in sentences(text))


@given(text_strategy(OURS))
def test_identical_text_is_all_repeated(parts):
    text = " ".join(parts)
    result = repeated_text(text, text)
    assert result.share == 100
    assert [passage.text for passage in result.passages] == parts


@given(text_strategy(OURS), text_strategy(OTHERS))
def test_unrelated_text_is_not_repeated(ours, others):
    result = repeated_text(" ".join(ours), " ".join(others))
    assert result.share == 0 and not result.passages


@given(text_strategy(OURS, min_size=2), text_strategy(OURS), st.randoms(use_true_random=False))
def test_reordering_sentences_keeps_the_share(this_year, last_year, rng):
    last = " ".join(this_year[: len(this_year) // 2] + last_year)
    share = repeated_text(" ".join(this_year), last).share
    shuffled = list(this_year)
    rng.shuffle(shuffled)
    assert repeated_text("\n\n".join(shuffled), last).share == share


@given(text_strategy(OURS), st.integers(0, 10**9))
def test_a_small_edit_still_matches(parts, seed):
    rng = random.Random(seed)
    edited = list(parts)
    number = rng.randrange(len(edited))
    words = edited[number].rstrip(".").split()
    position = rng.randrange(len(words))
    words[position] = words[position][:-1] + ("x" if words[position][-1] != "x" else "y")  # a typo
    words.insert(rng.randrange(len(words) + 1), str(rng.randint(1, 999)))  # and a figure added
    edited[number] = " ".join(words) + "."
    result = repeated_text(" ".join(edited), " ".join(parts))
    assert result.share == 100
    changed = next(passage for passage in result.passages if passage.previous == parts[number])
    assert REPEATED_SCORE <= changed.score < 100


@given(text_strategy(OURS), text_strategy(OTHERS))
def test_new_text_lowers_the_share_in_proportion(ours, others):
    old, new = " ".join(ours), " ".join(others)
    expected = round(100 * words_in(old) / (words_in(old) + words_in(new)))
    assert repeated_text(old + "\n\n" + new, old).share == expected


def test_numbers_case_punctuation_and_spacing_do_not_count():
    last = "In 2024, 31% of children were seen within 5 days; England's rate was 28%."
    this = "in 2025 34% of CHILDREN were seen   within 4 days, england's rate was 29%!"
    result = repeated_text(this, last)
    assert result.share == 100 and result.passages[0].score == 100


def test_reordered_words_in_a_sentence_still_match():
    last = "Our audit of care plans found that children's wishes were recorded and acted on."
    this = "That children's wishes were recorded and acted on was found by our audit of care plans."
    assert repeated_text(this, last).share == 100


def test_a_different_sentence_on_the_same_subject_does_not_match():
    last = "We will open more local homes for children in care by next autumn."
    this = "We will recruit more foster carers for teenagers in care by next spring."
    assert repeated_text(this, last).share == 0


def test_short_sentences_match_only_word_for_word():
    assert repeated_text("Our strengths.", "Our strengths.").share == 100
    assert repeated_text("Our strength.", "Our strengths.").share == 0


def test_passages_are_spans_of_the_text_with_last_years_sentence():
    last = "We have 120 social workers. Caseloads are high."
    this = "Something new. We have 131 social workers."
    (passage,) = repeated_text(this, last).passages
    assert this[passage.start : passage.end] == passage.text == "We have 131 social workers."
    assert passage.previous == "We have 120 social workers."


def test_markdown_syntax_is_not_text():
    last = "We **improved** [re-referrals](https://example.org/a) this year."
    this = "- We improved re-referrals this *year*."
    assert repeated_text(this, last).share == 100


def test_empty_text_has_nothing_repeated():
    assert repeated_text("", "Anything at all here.").share == 0
    assert repeated_text("Anything at all here.", "").share == 0


def test_the_result_is_the_same_every_time():
    last = " ".join(sentence_of(OURS, 14, seed) for seed in range(200))
    this = " ".join(sentence_of(OURS, 14, seed) for seed in range(100, 300))
    first = repeated_text(this, last)
    assert all(repeated_text(this, last) == first for _ in range(3))
    assert first.share == 50


def test_boilerplate_said_twice_is_one_candidate():
    index = Index("The board meets monthly. The board meets monthly. The board meets monthly.")
    assert len(index.sentences) == 1


def test_huge_sentences_are_cut_into_pieces():
    huge = " ".join(OURS * 20)  # 680 words without a full stop
    assert [len(sentence.words) for sentence in sentences(huge)] == [120] * 5 + [80]
    assert repeated_text(huge, huge).share == 100


def test_sentences_split_at_line_breaks_and_full_stops_not_inside_numbers():
    found = sentences("First one is here. Second, at 3.5 per cent!\nThird line\n\n...\nE.g. this")
    assert [" ".join(sentence.words) for sentence in found] == [
        "first one is here",
        "second at 0 per cent",
        "third line",
        "e.g",
        "this",
    ]


# The marks on the stored HTML.


def rendered(markdown: str) -> str:
    return str(render_markdown(markdown))


def test_repeated_passages_are_marked_with_a_label():
    last = rendered("We have 120 social workers. Caseloads are high.\n\n- The academy trained ten.")
    this = rendered("We have **131** social workers. Caseloads are high.\n\n- Something else entirely new.")
    result, marked = repeated_html(this, last, 2025)
    assert result.share == 67  # 8 of 12 words
    assert str(marked).count('<span class="govuk-visually-hidden">Repeated from 2025: </span>') == 1
    # The two repeated sentences on one line are one mark, in pieces around the bold.
    assert '<mark class="app-mark app-mark--repeated">' in str(marked)
    assert "<strong><mark" in str(marked)
    assert html_text(str(marked)).replace("Repeated from 2025: ", "") == html_text(this)


def test_nothing_repeated_leaves_nothing_marked():
    result, marked = repeated_html(rendered("All new text here."), rendered("Old text there."), 2025)
    assert result.share == 0 and marked is None


def test_marking_never_turns_text_into_markup():
    hostile = (
        "<script>alert(1)</script> We care &amp; we <mark>share</mark> \"quotes\" and 'apostrophes'. "
        '<span class="govuk-visually-hidden">x</span> <a href="javascript:alert(1)">link</a> at the end.'
    )
    html = rendered(hostile)
    _, marked = repeated_html(html, html, 2025)
    assert marked is not None
    # Only the service's own tags are added; everything typed is still escaped text.
    tags = set(re.findall(r"<(\w+)([^>]*)>", str(marked)))
    assert tags == {
        ("p", ""),
        ("mark", ' class="app-mark app-mark--repeated"'),
        ("span", ' class="govuk-visually-hidden"'),
    }
    assert "script&gt;alert(1)&lt;/script&gt;" in str(marked) and "&lt;/mark&gt;" in str(marked)
    assert html_text(str(marked)).replace("Repeated from 2025: ", "") == html_text(html)


@settings(max_examples=30)
@given(text_strategy(OURS, max_size=6), st.sampled_from(["**", "*", "`"]))
def test_marks_keep_the_text_and_the_markup(parts, emphasis):
    markdown = " ".join(f"{emphasis}{part}{emphasis}" if n % 2 else part for n, part in enumerate(parts))
    html = rendered(markdown)
    result, marked = repeated_html(html, html, 2026)
    assert result.share == 100 and marked is not None
    assert html_text(str(marked)).replace("Repeated from 2026: ", "") == html_text(html)

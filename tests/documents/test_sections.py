"""Matching headings to template titles, splitting Markdown into sections, counting words."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerchallenge.documents import DEFAULT_SECTIONS as TEMPLATE_SECTIONS
from peerchallenge.documents import SectionSpec, count_words, split_markdown
from peerchallenge.documents.sections import (
    MATCH_THRESHOLD,
    STRICT_THRESHOLD,
    best_match,
    normalise_title,
    promote_plain_headings,
    title_similarity,
)
from tests.documents.builders import parts_word_total, words

# The matching is tested on a template with the short titles many authorities still use as headings; the
# default template's longer titles are tested below (test_the_default_titles_match_their_short_forms).
DEFAULT_SECTIONS = [
    SectionSpec("Headline summary and context", 600),
    SectionSpec("Progress since last year", 600),
    SectionSpec("Early help", 800),
    SectionSpec("Help and protection", 1000),
    SectionSpec("Children in care", 1000),
    SectionSpec("Care leavers", 800),
    SectionSpec("Leadership, management and governance", 800),
    SectionSpec("Workforce", 600),
    SectionSpec("Education and SEND", 800, optional=True),
    SectionSpec("Plans, asks and offers", 500),
]
TITLES = [section.title for section in DEFAULT_SECTIONS]


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Help and protection", "Help and protection, including multi-agency child protection"),
        ("3. Children in care", "Children in care, including permanence and sufficiency"),
        ("Family help", "Family help, including early help"),
        ("Early help", "Family help, including early help"),
        ("Family help, including early help", "Family help, including early help"),
        ("Care leavers", "Care leavers"),
        ("The impact of leaders on practice with children and families", TEMPLATE_SECTIONS[6].title),
    ],
)
def test_the_default_titles_match_their_short_forms(heading, title):
    titles = [section.title for section in TEMPLATE_SECTIONS]
    assert best_match(heading, TEMPLATE_SECTIONS)[0] == titles.index(title)


def test_a_title_short_form_does_not_reach_another_section():
    assert best_match("Care leavers", TEMPLATE_SECTIONS)[0] == 5
    assert best_match("Children in care and care leavers", TEMPLATE_SECTIONS)[0] in (4, 5)


# Other headings: authorities keep their old headings, and each default section lists the ones that name it.

FAMILY_HELP = "Family help, including early help"
HELP_AND_PROTECTION = "Help and protection, including multi-agency child protection"
CHILDREN_IN_CARE = "Children in care, including permanence and sufficiency"
LEADERS = "The impact of leaders on practice with children and families"
TEMPLATE_TITLES = [section.title for section in TEMPLATE_SECTIONS]


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Early help", FAMILY_HELP),
        ("3 - Early help", FAMILY_HELP),
        ("3.1 Early Help", FAMILY_HELP),
        ("Earlyhelp", FAMILY_HELP),
        ("Early help and prevention", FAMILY_HELP),
        ("Child protection", HELP_AND_PROTECTION),
        ("Children who need help and protection", HELP_AND_PROTECTION),
        ("Leadership, management and governance", LEADERS),
        ("Leadership, management & governance", LEADERS),
        ("Leadership and management", LEADERS),
        ("Leadreship, management and governance", LEADERS),
        ("The impact of leaders on social work practice with children and families", LEADERS),
        ("Children looked after and achieving permanence", CHILDREN_IN_CARE),
        ("Leaving care", "Care leavers"),
        ("Special educational needs and disabilities", "Education and SEND"),
        ("SEND", "Education and SEND"),
        ("Executive summary", "Headline summary and context"),
        ("Priorities for the next 12 months", "Plans, asks and offers"),
    ],
)
def test_old_headings_match_the_section_that_lists_them(heading, title):
    index = TEMPLATE_TITLES.index(title)
    section = TEMPLATE_SECTIONS[index]
    assert title_similarity(heading, title, section.other_headings) >= MATCH_THRESHOLD
    assert best_match(heading, TEMPLATE_SECTIONS)[0] == index


@pytest.mark.parametrize(
    "heading",
    [
        "Leadership, management and governance",
        "Leadership and management",
        "Child protection",
        "Leaving care",
        "SEND",
        "Executive summary",
        "Priorities for the next 12 months",
    ],
)
def test_old_headings_that_only_their_other_names_match(heading):
    titles_only = [SectionSpec(section.title) for section in TEMPLATE_SECTIONS]
    assert best_match(heading, titles_only) is None
    assert best_match(heading, TEMPLATE_SECTIONS) is not None


@pytest.mark.parametrize(
    "heading", ["Early years", "Children in need", "Children", "Help", "Education", "Plans"]
)
def test_other_headings_do_not_widen_matching_to_loose_words(heading):
    assert best_match(heading, TEMPLATE_SECTIONS) is None


def test_a_section_without_other_headings_does_not_match_its_old_heading():
    sections = [SectionSpec("Family help"), SectionSpec("Workforce")]
    assert best_match("Early help", sections) is None
    named = [SectionSpec("Family help", other_headings=("Early help",)), SectionSpec("Workforce")]
    assert best_match("Early help", named) == (0, 1.0)


def test_the_best_name_wins_across_sections():
    """A heading goes to the section with the best-scoring name, title or other heading."""
    sections = [
        SectionSpec("Help and protection", other_headings=("Child protection and early help",)),
        SectionSpec("Family help", other_headings=("Early help",)),
    ]
    assert best_match("Early help", sections)[0] == 1
    assert best_match("Child protection and early help", sections)[0] == 0


def test_blank_other_headings_are_ignored():
    sections = [SectionSpec("Workforce", other_headings=("", "   "))]
    assert best_match("", sections) is None
    assert best_match("Care leavers", sections) is None


def test_an_upload_with_old_headings_splits_into_the_new_sections():
    markdown = "\n\n".join(
        [
            "## Early help",
            words(30, 1),
            "## Child protection",
            words(30, 2),
            "## Leadership, management and governance",
            words(30, 3),
        ]
    )
    texts, unmatched, _warnings = split_markdown(markdown, TEMPLATE_SECTIONS)
    found = {text.title: text.heading for text in texts if text.found}
    assert found == {
        FAMILY_HELP: "Early help",
        HELP_AND_PROTECTION: "Child protection",
        LEADERS: "Leadership, management and governance",
    }
    assert unmatched == []


# Matching.


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Help & Protection", "Help and protection"),
        ("3. Help and protection services", "Help and protection"),
        ("HELP AND PROTECTION", "Help and protection"),
        ("Section 2: Progress since last year", "Progress since last year"),
        ("2) Progress since last year", "Progress since last year"),
        ("3 - Early help", "Early help"),
        ("3.1 Early help", "Early help"),
        ("iv. Help and protection", "Help and protection"),
        ("(b) Care leavers", "Care leavers"),
        ("Care leaver", "Care leavers"),
        ("Earlyhelp", "Early help"),
        ("Leadership, management & governance", "Leadership, management and governance"),
        ("Leadership and management", "Leadership, management and governance"),
        ("Leadreship, management and governance", "Leadership, management and governance"),
        ("Headline summary", "Headline summary and context"),
        ("Our workforce", "Workforce"),
        ("Children in our care", "Children in care"),
        ("Children looked after", "Children in care"),
        ("Education & SEN", "Education and SEND"),
        ("Plans, asks & offers", "Plans, asks and offers"),
        ("Asks and offers", "Plans, asks and offers"),
        ("The experiences and progress of children who need help and protection", "Help and protection"),
    ],
)
def test_headings_that_match_a_title(heading, title):
    assert title_similarity(heading, title) >= MATCH_THRESHOLD
    assert best_match(heading, DEFAULT_SECTIONS)[0] == TITLES.index(title)


@pytest.mark.parametrize(
    "heading",
    [
        "Early years",
        "Children in need",
        "Children",
        "Care",
        "Help",
        "Summary",
        "Education",
        "Plans",
        "What we know",
        "How we know",
        "Youth justice",
        "Appendix A: data",
        "Section 2",
        "",
    ],
)
def test_headings_that_match_no_title(heading):
    assert best_match(heading, DEFAULT_SECTIONS) is None


def test_early_years_scores_well_below_the_threshold_for_early_help():
    assert title_similarity("Early years", "Early help") < MATCH_THRESHOLD - 0.1


def test_strict_matches_are_stricter_than_ordinary_ones():
    assert STRICT_THRESHOLD > MATCH_THRESHOLD
    # Many extra words: a match, but not a strict one.
    heading = "Leadership, management and governance: partnership board, council scrutiny, audit and quality"
    title = "Leadership, management and governance"
    assert MATCH_THRESHOLD <= title_similarity(heading, title) < STRICT_THRESHOLD
    assert title_similarity("How we support and develop our workforce to improve practice", "Workforce") == 0


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("1. Early Help", "early help"),
        ("Section 2: Early help", "early help"),
        ("2) Early help", "early help"),
        ("3 - Help & protection", "help and protection"),
        ("10.2 Workforce", "workforce"),
        ("Children’s services", "childrens services"),
        ("2025", "2025"),
    ],
)
def test_normalise_title(raw, normalised):
    assert normalise_title(raw) == normalised


def test_a_heading_matching_two_titles_goes_to_the_first():
    assert best_match("Children in care and care leavers", DEFAULT_SECTIONS)[0] == TITLES.index(
        "Children in care"
    )


# Counting words.


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("", 0),
        ("One two three.", 3),
        ("# Heading here", 2),
        ("## 1\\. Early help ##", 2),
        ("**Bold** and _italic_ and *star*", 5),
        ("snake_case stays one word", 4),
        ("| Measure | 2025 |\n| --- | ---: |\n| Rate | 18% |", 4),
        ("[the partnership report](https://example.org/a/very/long/path?with=query)", 3),
        ("![a chart](data:image/png;base64,AAAA)", 2),
        ("- first item\n- second item\n1. third item\n2) fourth", 7),
        ("> quoted words", 2),
        ("well-being 2,130 e.g. 18%", 4),
        ("a - b — c", 3),
        ("<strong>tagged</strong> words<br>here", 3),
        ("<!-- a hidden comment --> shown", 1),
        ("Line one  \nline two", 4),
        ("&amp; &lt;b&gt;", 1),
        ("[image: Chart of re-referrals]", 4),
    ],
)
def test_count_words_ignores_markdown_syntax(markdown, expected):
    assert count_words(markdown) == expected


def test_count_words_is_the_sum_over_lines():
    text = "# Early help\n\nSome **bold** words.\n\n| a | b |\n|---|---|\n| c | d |\n\n- one\n- two [link](http://x.y)"
    assert count_words(text) == sum(count_words(line) for line in text.split("\n"))


# Splitting.

DOCUMENT = f"""{words(10, 1)}

# Anyshire self-assessment

## 1. Headline summary & context

{words(30, 2)}

### What we know

{words(20, 3)}

## Section 2: Progress since last year

{words(40, 4)}

## Youth justice

{words(15, 5)}

### Our partners

{words(5, 6)}

## 3) Early Help

{words(25, 7)}

## Appendix

{words(8, 8)}
"""


def test_split_assigns_text_to_sections_and_keeps_sub_headings_inside():
    sections, unmatched, _warnings = split_markdown(DOCUMENT, DEFAULT_SECTIONS)
    headline, progress, early_help = sections[0], sections[1], sections[2]
    assert (headline.found, headline.heading, headline.word_count) == (
        True,
        "1. Headline summary & context",
        53,
    )
    assert "### What we know" in headline.markdown
    assert not headline.markdown.startswith("#")
    assert (progress.heading, progress.word_count) == ("Section 2: Progress since last year", 40)
    assert (early_help.heading, early_help.word_count) == ("3) Early Help", 25)
    assert [section.index for section in sections] == list(range(10))
    assert [section.title for section in sections] == TITLES
    assert all(
        section.suggested_words == spec.suggested_words
        for section, spec in zip(sections, DEFAULT_SECTIONS, strict=True)
    )


def test_split_keeps_unmatched_text_in_order():
    _sections, unmatched, _warnings = split_markdown(DOCUMENT, DEFAULT_SECTIONS)
    assert [heading for heading, _markdown in unmatched] == [
        None,
        "Anyshire self-assessment",
        "Youth justice",
        "Appendix",
    ]
    assert unmatched[0][1] == words(10, 1)
    assert unmatched[1][1] == ""
    assert count_words(unmatched[2][1]) == 15 + 2 + 5
    assert "### Our partners" in unmatched[2][1]


def test_split_drops_nothing():
    sections, unmatched, _warnings = split_markdown(DOCUMENT, DEFAULT_SECTIONS)
    assert parts_word_total(sections, unmatched) == count_words(DOCUMENT)


def test_split_warns_for_missing_required_sections_only():
    _sections, _unmatched, warnings = split_markdown(DOCUMENT, DEFAULT_SECTIONS)
    assert "Section 'Help and protection' was not found." in warnings
    assert "Section 'Early help' was not found." not in warnings
    assert not any("Education and SEND" in warning for warning in warnings)


def test_split_warns_for_a_section_over_one_and_a_half_times_its_length():
    sections = [
        SectionSpec("Workforce", suggested_words=800),
        SectionSpec("Care leavers", suggested_words=100),
    ]
    markdown = f"# Workforce\n\n{words(2130)}\n\n# Care leavers\n\n{words(150)}\n"
    found, _unmatched, warnings = split_markdown(markdown, sections)
    assert found[0].word_count == 2130
    assert warnings == ["'Workforce' has 2,130 words; the suggested length is 800."]


def test_text_without_headings_is_all_unmatched():
    sections, unmatched, warnings = split_markdown(words(50), DEFAULT_SECTIONS)
    assert unmatched == [(None, words(50))]
    assert not any(section.found for section in sections)
    assert len(warnings) == 9


def test_empty_text_before_the_first_heading_is_not_a_part():
    _sections, unmatched, _warnings = split_markdown(f"\n\n# Early help\n\n{words(5)}", DEFAULT_SECTIONS)
    assert unmatched == []


def test_bold_lines_start_sections_but_bold_lines_that_match_nothing_are_text():
    markdown = (
        f"**1. Early help**\n\n{words(12)}\n\n**What we know**\n\n{words(8)}\n\n"
        f"__Help & protection:__\n\n{words(6)}"
    )
    sections, unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert (sections[2].heading, sections[2].word_count) == ("1. Early help", 12 + 3 + 8)
    assert (sections[3].heading, sections[3].word_count) == ("Help & protection:", 6)
    assert unmatched == []


def test_a_bold_line_split_into_runs_is_still_wholly_bold():
    sections, _unmatched, _warnings = split_markdown(f"**Early** **help**\n\n{words(4)}", DEFAULT_SECTIONS)
    assert sections[2].found


def test_a_partly_bold_line_is_not_a_heading():
    sections, _unmatched, _warnings = split_markdown(f"**Early** help\n\n{words(4)}", DEFAULT_SECTIONS)
    assert not sections[2].found


def test_a_bold_line_inside_a_section_with_a_real_heading_stays_text():
    markdown = (
        f"# Help and protection\n\n{words(5)}\n\n**Early help**\n\n{words(7)}\n\n# Early help\n\n{words(9)}"
    )
    sections, _unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert sections[3].word_count == 5 + 2 + 7
    assert sections[2].word_count == 9


def test_a_heading_ends_a_section_started_by_a_bold_line():
    markdown = f"**Early help**\n\n{words(5)}\n\n## Appendix\n\n{words(3)}"
    sections, unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert sections[2].word_count == 5
    assert unmatched == [("Appendix", words(3))]


def test_a_deeper_heading_matching_another_section_stays_a_sub_heading():
    markdown = (
        f"## Leadership, management and governance\n\n{words(5)}\n\n### Workforce stability\n\n{words(6)}\n\n"
        f"## Workforce\n\n{words(7)}"
    )
    sections, unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert sections[6].word_count == 5 + 2 + 6
    assert (sections[7].heading, sections[7].word_count) == ("Workforce", 7)
    assert unmatched == []


def test_a_deeper_heading_starts_its_section_when_no_heading_at_section_level_does():
    markdown = (
        f"## Children in care\n\n{words(5)}\n\n### Care leavers\n\n{words(6)}\n\n## Workforce\n\n{words(2)}"
    )
    sections, _unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert sections[4].word_count == 5
    assert sections[5].word_count == 6


def test_a_contents_list_of_headings_gives_way_to_the_real_headings():
    contents = "\n\n".join(f"## {title}" for title in TITLES)
    body = "\n\n".join(f"## {title}\n\n{words(10 + index)}" for index, title in enumerate(TITLES))
    sections, unmatched, warnings = split_markdown(f"# Contents\n\n{contents}\n\n{body}", DEFAULT_SECTIONS)
    assert [section.word_count for section in sections] == [10 + index for index in range(10)]
    assert warnings == []
    # The contents headings are deeper than "Contents", so they stay in its block.
    assert unmatched == [("Contents", contents)]


def test_a_repeated_section_heading_keeps_its_text_separately_and_says_so():
    markdown = f"# Early help\n\n{words(5)}\n\n# Early Help\n\n{words(6)}"
    sections, unmatched, warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert sections[2].word_count == 5
    assert unmatched == [("Early Help", words(6))]
    assert (
        "There is more than one heading for 'Early help'. The text under 'Early Help' was kept separately."
        in warnings
    )


def test_headings_inside_code_blocks_are_text():
    markdown = f"# Early help\n\n```\n# Help and protection\n```\n\n{words(3)}"
    sections, _unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert not sections[3].found
    assert sections[2].word_count == 3 + 3


def test_setext_headings():
    markdown = f"Early help\n==========\n\n{words(4)}\n\nHelp & protection\n-----------------\n\n{words(3)}"
    sections, _unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert (sections[2].word_count, sections[3].word_count) == (4, 3)


def test_plain_lines_are_headings_only_when_asked_and_only_standing_alone():
    markdown = (
        f"Early help\n{words(6)}\n\nThis paragraph mentions\nHelp and protection\nin a line of its own.\n\n"
        f"Workforce\n\n{words(3)}"
    )
    sections, _unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert not any(section.found for section in sections)
    sections, _unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS, plain_lines=True)
    assert sections[2].found and sections[2].word_count == 6 + 3 + 3 + 6
    assert not sections[3].found
    assert sections[7].word_count == 3


def test_plain_lines_with_page_numbers_or_full_stops_are_not_headings():
    markdown = f"Early help 3\n\nWorkforce.\n\nCare leavers ........ 12\n\n{words(3)}"
    sections, _unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS, plain_lines=True)
    assert not any(section.found for section in sections)


def test_promoted_plain_headings_split_the_same_way_again():
    markdown = f"Intro\n\nEarly help\n{words(6)}\n\nCare Leavers\n\n{words(3)}\n"
    promoted = promote_plain_headings(markdown, DEFAULT_SECTIONS)
    assert "## Early help\n\n" in promoted and "## Care Leavers\n" in promoted
    first = split_markdown(markdown, DEFAULT_SECTIONS, plain_lines=True)
    again = split_markdown(promoted, DEFAULT_SECTIONS)
    assert [(s.heading, s.markdown) for s in first[0]] == [(s.heading, s.markdown) for s in again[0]]
    assert count_words(promoted) == count_words(markdown)


def test_sections_reassembled_after_editing_split_back_the_same():
    sections, _unmatched, _warnings = split_markdown(DOCUMENT, DEFAULT_SECTIONS)
    edited = {2: "A shorter *early help* section.\n\n- with a list"}
    reassembled = "\n\n".join(
        f"## {section.title}\n\n{edited.get(section.index, section.markdown)}"
        for section in sections
        if section.found
    )
    again, unmatched, _warnings = split_markdown(reassembled, DEFAULT_SECTIONS)
    assert unmatched == []
    assert again[2].markdown == edited[2]
    assert again[2].word_count == 8
    assert [s.markdown for s in again if s.index != 2] == [s.markdown for s in sections if s.index != 2]


def test_a_file_of_nothing_but_headings_keeps_every_heading_unmatched():
    # That its time grows linearly is tested with the other hostile shapes in tests/test_pathological.py.
    markdown = "".join(f"## Heading {number} on early years and care\n\n" for number in range(6_000))
    sections, unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS)
    assert len(unmatched) == 6_000
    assert not any(section.found for section in sections)


# Property: whatever the mix of lines, nothing is dropped and every section is reported once, in order.

LINES = st.one_of(
    st.sampled_from(["", "", "---", "```", "| a | b |", "|---|---|", "- a list item", "1. numbered item"]),
    st.builds(lambda level, title: f"{'#' * level} {title}", st.integers(1, 4), st.sampled_from(TITLES)),
    st.builds(lambda title: f"**{title}**", st.sampled_from(TITLES)),
    st.builds(
        lambda level, text: f"{'#' * level} {text}",
        st.integers(1, 4),
        st.sampled_from(["Appendix", "What we know", "Early years"]),
    ),
    st.sampled_from(TITLES),
    st.builds(words, st.integers(1, 30), st.integers(0, 50)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40).map(
        lambda text: text.replace("\n", " ")
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(LINES, max_size=40), st.booleans())
def test_split_never_drops_a_word(lines, plain_lines):
    markdown = "\n".join(lines)
    sections, unmatched, _warnings = split_markdown(markdown, DEFAULT_SECTIONS, plain_lines=plain_lines)
    assert [section.index for section in sections] == list(range(len(DEFAULT_SECTIONS)))
    assert parts_word_total(sections, unmatched) == count_words(markdown)
    promoted = promote_plain_headings(markdown, DEFAULT_SECTIONS)
    assert count_words(promoted) == count_words(markdown)

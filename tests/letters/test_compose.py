"""Merging near-duplicate points and composing a letter's content from peer reviews (pure: no app)."""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from peerchallenge.letters.compose import (
    Agreement,
    PeerReview,
    ScaleSpec,
    SectionSpec,
    Signatory,
    agreement,
    compose,
    letter_title,
    overall_markdown,
    salutation,
    sections_markdown,
    signatories_markdown,
)
from peerchallenge.letters.merge import (
    SIMILARITY_THRESHOLD,
    MergedItem,
    is_near_duplicate,
    merge_items,
    near_duplicate_forms,
    normalise,
    split_points,
)
from peerchallenge.sanitise import render_markdown

# --- split_points -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "points"),
    [
        ("- One\n- Two", ["One", "Two"]),
        ("* One\n* Two\n", ["One", "Two"]),
        ("• One\n•Two", ["One", "Two"]),
        ("1. One\n2. Two\n10. Ten", ["One", "Two", "Ten"]),
        ("1) One\n2) Two", ["One", "Two"]),
        ("  - Indented one\n\t- Indented two", ["Indented one", "Indented two"]),
        (
            "First paragraph\nwraps here.\n\nSecond paragraph.",
            ["First paragraph wraps here.", "Second paragraph."],
        ),
        (
            "- A bullet that\n  wraps onto a second line\n- Next",
            ["A bullet that wraps onto a second line", "Next"],
        ),
        ("Key strengths:\n- One\n- Two", ["Key strengths:", "One", "Two"]),
        ("-  \n- Real\n\n\n", ["Real"]),
        ("", []),
        ("   \n\n  ", []),
        ("One line only", ["One line only"]),
        ("Windows\r\nline endings\r\n\r\nSecond", ["Windows line endings", "Second"]),
        ("-5% agency use is not a bullet", ["-5% agency use is not a bullet"]),
        ("**Bold** is not a bullet", ["**Bold** is not a bullet"]),
    ],
)
def test_split_points(text, points):
    assert split_points(text) == points


# --- near-duplicates: the table the threshold was chosen with -----------------------------------------------

MUST_MERGE = [
    ("Strong multi-agency safeguarding partnership", "strong multi agency safeguarding partnership."),
    ("Strong multi-agency safeguarding partnership", "Strong multi-agency safeguarding partnerships"),
    ("Clear understanding of the quality of practice", "Clear understandng of the quality of practise"),
    (
        "How do you know early help is making a difference?",
        "How do you know that early help is making a difference?",
    ),
    ("The SEF is too long", "SEF is too long."),
    ("Leaders know their services well", "Leaders know services well"),
    ("Children's voice is heard throughout", "Childrens voice is heard throughout."),
    ("Good use of audit to understand practice", "Good use of audits to understand practice"),
    ("Effective edge of care service", "An effective edge-of-care service"),
    ("Voice of the child is strong", "The voice of the child is strong"),
    ("Stable, well-supported workforce", "Stable and well supported workforce"),
    ("Organisation of the front door is clear", "Organization of the front door is clear"),
    ("Leaders have a clear plan", "Leaders have clear plans"),
]

MUST_NOT_MERGE = [
    ("Strong early help offer", "Weak early help offer"),
    ("Workforce", "Workforce stability has improved markedly with agency use down to 8%"),
    ("Evidence", "Evidence of impact on children is limited"),
    ("Early help is effective", "Early help is ineffective"),
    ("Plans are consistent", "Plans are inconsistent"),
    ("Care leavers in suitable accommodation", "Care leavers in unsuitable accommodation"),
    ("Caseloads have reduced", "Caseloads have increased"),
    ("Caseloads are too high", "Caseloads are too low"),
    ("Good use of data", "Good use of audit"),
    ("Agency use down to 8%", "Agency use down to 18%"),
    ("Timeliness of assessments improved in 2023", "Timeliness of assessments improved in 2024"),
    ("Leaders know their services well", "Leaders do not know their services well"),
    ("Plans for children", "Plans by children"),
    ("How will you reduce agency use?", "How will you reduce agency social worker use?"),
    (
        "The authority has a strong early help offer with clear pathways and good outcomes",
        "The authority has a weak early help offer with clear pathways and good outcomes",
    ),
    (
        "What is the timescale for the new edge of care service?",
        "What is the timescale for the new fostering recruitment campaign?",
    ),
    # These differ only in small words, so only the character threshold keeps them apart.
    ("Is the data accurate?", "The data is accurate"),
    ("It is clear", "Is it clear"),
]


@pytest.mark.parametrize(("first", "second"), MUST_MERGE)
def test_near_duplicates_merge(first, second):
    assert is_near_duplicate(first, second)
    assert is_near_duplicate(second, first)
    merged = merge_items([("Norfolk", first), ("Suffolk", second)])
    assert len(merged) == 1
    assert merged[0].sources == ("Norfolk", "Suffolk")


def test_texts_normalised_beforehand_compare_as_the_texts_do():
    for first, second in MUST_MERGE + MUST_NOT_MERGE + [("!!", "!!"), ("!!", "?"), ("", "Workforce")]:
        forms = (first, normalise(first), second, normalise(second))
        assert near_duplicate_forms(*forms) == is_near_duplicate(first, second)


@pytest.mark.parametrize(("first", "second"), MUST_NOT_MERGE)
def test_different_points_stay_apart(first, second):
    assert not is_near_duplicate(first, second)
    assert not is_near_duplicate(second, first)
    merged = merge_items([("Norfolk", first), ("Suffolk", second)])
    assert [item.text for item in merged] == [first, second]


def test_threshold_sits_between_the_tables():
    """The evidence for the threshold: the scores of the pairs above, on the chosen measure."""
    merge_scores = [fuzz.ratio(normalise(a), normalise(b)) for a, b in MUST_MERGE]
    # Pairs the word check cannot separate (only small words differ): the threshold alone must.
    threshold_only = [(a, b) for a, b in MUST_NOT_MERGE if is_near_duplicate(a, b, threshold=0)]
    apart_scores = [fuzz.ratio(normalise(a), normalise(b)) for a, b in threshold_only]
    assert threshold_only, "the table must test the threshold itself, not only the word check"
    assert min(merge_scores) >= SIMILARITY_THRESHOLD > max(apart_scores)


def test_a_subset_measure_would_have_merged_the_generic_text():
    # Why not token_set_ratio: it scores a short generic text contained in a longer one as a perfect match.
    short, long = "Workforce", "Workforce stability has improved markedly with agency use down to 8%"
    assert fuzz.token_set_ratio(normalise(short), normalise(long)) == 100
    assert not is_near_duplicate(short, long)


def test_merge_keeps_the_longer_wording_and_the_union_of_sources_in_order():
    merged = merge_items(
        [
            ("Suffolk", "Clear practice framework"),
            ("Norfolk", "Strong multi-agency safeguarding partnership"),
            ("Essex", "Strong multi-agency safeguarding partnerships with health and police"),
            ("Norfolk", "Clear practice framework."),
            ("Suffolk", "Strong multi agency safeguarding partnerships"),
        ],
        threshold=SIMILARITY_THRESHOLD,
    )
    assert merged == [
        MergedItem("Clear practice framework", ("Suffolk", "Norfolk")),
        # The plural is one letter longer, so it is the wording kept.
        MergedItem("Strong multi agency safeguarding partnerships", ("Norfolk", "Suffolk")),
        MergedItem("Strong multi-agency safeguarding partnerships with health and police", ("Essex",)),
    ]


def test_longer_text_wins_when_it_comes_second():
    merged = merge_items(
        [("Norfolk", "Voice of the child is strong"), ("Suffolk", "The voice of the child is strong")]
    )
    assert merged == [MergedItem("The voice of the child is strong", ("Norfolk", "Suffolk"))]


def test_exact_duplicates_from_one_peer_collapse():
    merged = merge_items(
        [("Norfolk", "Audit is thorough"), ("Norfolk", "Audit is thorough"), ("Norfolk", "  ")]
    )
    assert merged == [MergedItem("Audit is thorough", ("Norfolk",))]


def test_punctuation_only_texts_merge_only_when_identical():
    merged = merge_items([("Norfolk", "?"), ("Suffolk", "?"), ("Essex", "!"), ("Essex", "Anything")])
    assert merged == [
        MergedItem("?", ("Norfolk", "Suffolk")),
        MergedItem("!", ("Essex",)),
        MergedItem("Anything", ("Essex",)),
    ]


def test_groups_that_become_duplicates_are_merged():
    # The first two are not near-duplicates (82.5), but the third is close to both. Once the first group takes
    # the third's longer wording it is a near-duplicate of the second group, so the two must end as one;
    # otherwise merging the result again would change it.
    short, long = "Leaders know services well", "Leaders know their services very well"
    middle = "Leaders know their services well"
    assert not is_near_duplicate(short, long)
    assert is_near_duplicate(short, middle) and is_near_duplicate(middle, long)
    merged = merge_items([("Norfolk", short), ("Suffolk", long), ("Essex", middle)])
    assert merged == [MergedItem(long, ("Norfolk", "Suffolk", "Essex"))]


# --- properties ---------------------------------------------------------------------------------------------

WORDS = [
    "strong",
    "weak",
    "early",
    "help",
    "offer",
    "the",
    "of",
    "partnership",
    "partnerships",
    "audit",
    "data",
]
LABELS = ["Norfolk", "Suffolk", "Essex"]


@st.composite
def point_texts(draw):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=7))
    text = " ".join(words)
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.capitalize()
    return text + draw(st.sampled_from(["", ".", "!", "  "]))


items_strategy = st.lists(st.tuples(st.sampled_from(LABELS), point_texts()), max_size=14)


@settings(max_examples=300, deadline=None)
@given(items_strategy)
def test_merging_is_idempotent(items):
    merged = merge_items(items)
    again = merge_items([(item.sources[0], item.text) for item in merged])
    assert len(again) == len(merged)
    assert [item.text for item in again] == [item.text for item in merged]


@settings(max_examples=300, deadline=None)
@given(items_strategy)
def test_every_input_is_represented(items):
    merged = merge_items(items)
    texts = [" ".join(text.split()) for _, text in items]
    output_texts = {item.text for item in merged}
    for index, (label, text) in enumerate(zip((label for label, _ in items), texts, strict=True)):
        if not text:
            continue
        # Either it is shown as written, or it was merged with another input it is a near-duplicate of.
        assert text in output_texts or any(
            other and other_index != index and is_near_duplicate(text, other)
            for other_index, other in enumerate(texts)
        )
        assert any(label in item.sources for item in merged)
    for item in merged:
        assert item.sources
        assert len(set(item.sources)) == len(item.sources)
        assert item.text in texts


# --- agreement ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("positions", "expected"),
    [
        ([0, 0], Agreement.SAME),
        ([1, 0], Agreement.ONE_APART),
        ([0, 2], Agreement.FURTHER_APART),
        ([3, 0], Agreement.FURTHER_APART),
        ([0, None], Agreement.INCOMPLETE),
        ([None, None], Agreement.INCOMPLETE),
        ([2], Agreement.SAME),
        ([None], Agreement.INCOMPLETE),
        ([], Agreement.INCOMPLETE),
        ([1, 1, 1], Agreement.SAME),
        ([0, 1, 1], Agreement.ONE_APART),
        ([0, 1, 2], Agreement.FURTHER_APART),
        ([1, 1, None], Agreement.INCOMPLETE),
    ],
)
def test_agreement(positions, expected):
    assert agreement(positions) is expected


@pytest.mark.parametrize(
    ("positions", "expected"),
    [
        ([0, 0], Agreement.SAME),
        ([2, 3], Agreement.DIFFER),  # Over-optimistic and Over-cautious: opposite, never one level apart
        ([0, 1], Agreement.DIFFER),
        ([0, 3], Agreement.DIFFER),
        ([1, 1, 1], Agreement.SAME),
        ([1, 1, 2], Agreement.DIFFER),
        ([2, None], Agreement.INCOMPLETE),
        ([], Agreement.INCOMPLETE),
    ],
)
def test_agreement_on_a_scale_that_is_not_ordered_is_same_or_differ(positions, expected):
    assert agreement(positions, ordered=False) is expected


def test_agreement_labels():
    assert [member.label for member in Agreement] == [
        "Agree",
        "One level apart",
        "Further apart",
        "Differ",
        "Not all rated",
    ]


# --- compose ------------------------------------------------------------------------------------------------

# Positions are database values: not necessarily 0..n, so agreement must count levels in the scale's order.
EVIDENCE = ScaleSpec(
    "evidence", "Evidence strength", ((10, "Strong"), (11, "Adequate"), (12, "Limited"), (13, "No evidence"))
)
BREVITY = ScaleSpec(
    "brevity",
    "Brevity and focus",
    ((0, "Concise"), (5, "Mostly concise"), (7, "Substantial BAU"), (9, "Overlong")),
)
SCALES = [EVIDENCE, BREVITY]
SECTIONS = [SectionSpec(3, "Early help"), SectionSpec(4, "Workforce")]


def part(ratings=None, strengths="", development="", questions=(), summary=None):
    content = {
        "ratings": ratings or {},
        "strengths": strengths,
        "development": development,
        "questions": list(questions),
    }
    if summary is not None:
        content["summary"] = summary
    return content


NORFOLK = PeerReview(
    "Norfolk",
    {
        "sections": {
            "3": part(
                {"evidence": 10, "brevity": 0},
                strengths="- Strong multi-agency safeguarding partnership\n- Clear early help pathway",
                development="Too much description of structures.",
                questions=[
                    "How do you know early help is making a difference?",
                    "What is the timescale for the new hub?",
                ],
            ),
            "4": part({"evidence": 11, "brevity": 5}, strengths="Stable workforce"),
        },
        "overall": part(
            {"evidence": 11, "brevity": 5},
            strengths="Honest self-assessment",
            questions=["How will you reduce agency use?"],
            summary="A thoughtful self-assessment.\n\nShorter would be better.",
        ),
    },
)
SUFFOLK = PeerReview(
    "Suffolk",
    {
        "sections": {
            "3": part(
                {"evidence": 11, "brevity": 9},
                strengths="* strong multi agency safeguarding partnership.\n* Good use of audit",
                development="",
                questions=["How do you know that early help is making a difference?"],
            ),
            "4": part({"evidence": 13, "brevity": 5}),
        },
        "overall": part({"evidence": 11}, development="Evidence of impact is thin", summary=""),
    },
)


def by_scale(part_composition):
    return {row.scale_name: row for row in part_composition.ratings}


def test_compose_two_peers():
    composition = compose(SECTIONS, SCALES, [NORFOLK, SUFFOLK], anonymous=False)
    assert composition.peer_labels == ("Norfolk", "Suffolk")
    assert [section.title for section in composition.sections] == ["Early help", "Workforce"]
    early_help, workforce = composition.sections

    rows = by_scale(early_help)
    assert rows["Evidence strength"].ratings == (("Norfolk", "Strong"), ("Suffolk", "Adequate"))
    assert rows["Evidence strength"].agreement is Agreement.ONE_APART
    assert rows["Brevity and focus"].ratings == (("Norfolk", "Concise"), ("Suffolk", "Overlong"))
    assert rows["Brevity and focus"].agreement is Agreement.FURTHER_APART
    assert by_scale(workforce)["Brevity and focus"].agreement is Agreement.SAME
    assert by_scale(workforce)["Evidence strength"].agreement is Agreement.FURTHER_APART

    assert early_help.strengths == (
        MergedItem("Strong multi-agency safeguarding partnership", ("Norfolk", "Suffolk")),
        MergedItem("Clear early help pathway", ("Norfolk",)),
        MergedItem("Good use of audit", ("Suffolk",)),
    )
    assert early_help.development == (MergedItem("Too much description of structures.", ("Norfolk",)),)
    assert early_help.questions == (
        MergedItem("How do you know that early help is making a difference?", ("Norfolk", "Suffolk")),
        MergedItem("What is the timescale for the new hub?", ("Norfolk",)),
    )
    assert early_help.summaries == ()

    overall = composition.overall
    assert overall.title == "Overall"
    assert by_scale(overall)["Evidence strength"].agreement is Agreement.SAME
    assert by_scale(overall)["Brevity and focus"].ratings == (
        ("Norfolk", "Mostly concise"),
        ("Suffolk", None),
    )
    assert by_scale(overall)["Brevity and focus"].agreement is Agreement.INCOMPLETE
    assert overall.development == (MergedItem("Evidence of impact is thin", ("Suffolk",)),)
    # Suffolk's empty summary is left out.
    assert overall.summaries == (("Norfolk", "A thoughtful self-assessment.\n\nShorter would be better."),)


SELF_KNOWLEDGE = ScaleSpec(
    "self_knowledge",
    "Self-knowledge",
    ((0, "Accurate"), (1, "Partly accurate"), (2, "Over-optimistic"), (3, "Over-cautious")),
    ordered=False,
)


def test_over_optimistic_and_over_cautious_differ_in_the_letter():
    sections = [SectionSpec(3, "Care leavers", ("evidence", "self_knowledge"))]
    first = PeerReview("Norfolk", {"sections": {"3": part({"evidence": 10, "self_knowledge": 2})}})
    second = PeerReview("Suffolk", {"sections": {"3": part({"evidence": 11, "self_knowledge": 3})}})
    composition = compose(sections, [EVIDENCE, SELF_KNOWLEDGE], [first, second], anonymous=False)
    rows = by_scale(composition.sections[0])
    assert rows["Evidence strength"].agreement is Agreement.ONE_APART
    assert rows["Self-knowledge"].agreement is Agreement.DIFFER
    markdown = sections_markdown(composition)
    # The recipient sees the ratings side by side; how far apart they are is for the lead.
    assert "| Self-knowledge | Over-optimistic | Over-cautious |\n" in markdown
    assert "Differ" not in markdown and "One level apart" not in markdown


def test_a_section_lists_only_the_scales_it_is_rated_on():
    sections = [SectionSpec(3, "Headline summary", ("brevity",)), SectionSpec(4, "Workforce")]
    rated_everywhere = PeerReview(
        "Norfolk",
        {"sections": {"3": part({"evidence": 10, "brevity": 0})}, "overall": part({"evidence": 10})},
    )
    composition = compose(sections, SCALES, [rated_everywhere], anonymous=False)
    headline, workforce = composition.sections
    assert list(by_scale(headline)) == ["Brevity and focus"]
    assert list(by_scale(workforce)) == ["Evidence strength", "Brevity and focus"]  # None: every scale
    assert list(by_scale(composition.overall)) == ["Evidence strength", "Brevity and focus"]


def test_review_missing_a_section_entirely():
    partial = PeerReview("Essex", {"sections": {"3": part({"evidence": 10, "brevity": 0})}, "overall": {}})
    composition = compose(SECTIONS, SCALES, [NORFOLK, partial], anonymous=False)
    workforce = composition.sections[1]
    assert by_scale(workforce)["Evidence strength"].ratings == (("Norfolk", "Adequate"), ("Essex", None))
    assert all(row.agreement is Agreement.INCOMPLETE for row in workforce.ratings)
    assert workforce.strengths == (MergedItem("Stable workforce", ("Norfolk",)),)
    assert by_scale(composition.overall)["Evidence strength"].agreement is Agreement.INCOMPLETE


def test_empty_and_unknown_content_counts_as_not_rated():
    odd = PeerReview("Essex", {"sections": {"3": part({"evidence": 99, "brevity": "not a number"})}})
    empty = PeerReview("Kent", {})
    composition = compose(SECTIONS, SCALES, [odd, empty], anonymous=False)
    assert by_scale(composition.sections[0])["Evidence strength"].ratings == (("Essex", None), ("Kent", None))
    assert composition.overall.strengths == ()


def test_three_peers():
    essex = PeerReview(
        "Essex",
        {
            "sections": {
                "3": part(
                    {"evidence": 12, "brevity": 0}, strengths="Strong multi-agency safeguarding partnerships"
                )
            },
            "overall": part({"evidence": 11, "brevity": 5}, summary="Good."),
        },
    )
    composition = compose(SECTIONS, SCALES, [NORFOLK, SUFFOLK, essex], anonymous=False)
    assert composition.peer_labels == ("Norfolk", "Suffolk", "Essex")
    early_help = composition.sections[0]
    assert by_scale(early_help)["Evidence strength"].ratings == (
        ("Norfolk", "Strong"),
        ("Suffolk", "Adequate"),
        ("Essex", "Limited"),
    )
    assert by_scale(early_help)["Evidence strength"].agreement is Agreement.FURTHER_APART
    assert early_help.strengths[0] == MergedItem(
        "Strong multi-agency safeguarding partnerships", ("Norfolk", "Suffolk", "Essex")
    )
    markdown = sections_markdown(composition)
    assert "| Scale | Norfolk | Suffolk | Essex |\n" in markdown
    assert "| Evidence strength | Strong | Adequate | Limited |\n" in markdown
    assert "Further apart" not in markdown
    assert "- Strong multi-agency safeguarding partnerships (Norfolk, Suffolk, Essex)" in markdown


def test_anonymous_letters_never_name_the_peers():
    telling = PeerReview(
        "Suffolk",
        {
            "sections": {
                "3": part(strengths="In Suffolk we found the same: strong partnership with SUFFOLK police")
            },
            "overall": part(summary="Norfolk and Suffolk agree.\n\nSuffolk's view is that it is too long."),
        },
    )
    composition = compose(SECTIONS, SCALES, [NORFOLK, telling], anonymous=True)
    assert composition.peer_labels == ("Peer 1", "Peer 2")
    assert by_scale(composition.sections[0])["Evidence strength"].ratings == (
        ("Peer 1", "Strong"),
        ("Peer 2", None),
    )
    output = sections_markdown(composition) + overall_markdown(composition) + repr(composition)
    assert "norfolk" not in output.casefold()
    assert "suffolk" not in output.casefold()
    assert "In Peer 2 we found the same: strong partnership with Peer 2 police (Peer 2)" in output
    assert "Peer 2's view is that it is too long." in output


def test_named_letters_keep_reviewers_text_as_written():
    composition = compose(SECTIONS, SCALES, [NORFOLK, SUFFOLK], anonymous=False)
    assert composition.overall.summaries[0][1].startswith("A thoughtful")
    assert compose(SECTIONS, SCALES, [NORFOLK, NORFOLK], anonymous=False).peer_labels == (
        "Norfolk",
        "Norfolk (2)",
    )


# --- Markdown -----------------------------------------------------------------------------------------------


class Structure(HTMLParser):
    """The block structure of rendered HTML: tags in order, and the text in each table cell and list item."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cells: list[str] = []
        self.items: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._open: list[str] = []
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("td", "th", "li", "h1", "h2", "h3", "h4", "h5", "h6"):
            self._open.append(tag)
            self._text = []

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()
            text = "".join(self._text).strip()
            if tag in ("td", "th"):
                self.cells.append(text)
            elif tag == "li":
                self.items.append(text)
            else:
                self.headings.append((tag, text))

    def handle_data(self, data):
        self._text.append(data)


def test_sections_markdown_shape():
    composition = compose(SECTIONS, SCALES, [NORFOLK, SUFFOLK], anonymous=False)
    markdown = sections_markdown(composition)
    assert markdown.startswith("## Early help\n\n| Scale | Norfolk | Suffolk |\n| --- | --- | --- |\n")
    assert "| Brevity and focus | Concise | Overlong |\n" in markdown
    assert "- Strong multi-agency safeguarding partnership (Norfolk, Suffolk)" in markdown
    assert "### Strengths" in markdown and "### Areas for consideration" in markdown
    assert "### Questions to explore" in markdown
    # Workforce: nothing in development or questions.
    workforce = markdown[markdown.index("## Workforce") :]
    assert "No areas for consideration were noted." in workforce
    assert "No questions were asked." in workforce

    html = Structure(render_markdown(markdown))
    assert html.headings == [
        ("h2", "Early help"),
        ("h3", "Strengths"),
        ("h3", "Areas for consideration"),
        ("h3", "Questions to explore"),
        ("h2", "Workforce"),
        ("h3", "Strengths"),
        ("h3", "Areas for consideration"),
        ("h3", "Questions to explore"),
    ]
    assert html.tags.count("table") == 2
    assert html.cells[:4] == ["Scale", "Norfolk", "Suffolk", "Evidence strength"]
    assert "Strong multi-agency safeguarding partnership (Norfolk, Suffolk)" in html.items


def test_overall_markdown_has_summaries_as_quoted_paragraphs():
    composition = compose(SECTIONS, SCALES, [NORFOLK, SUFFOLK], anonymous=False)
    markdown = overall_markdown(composition)
    assert markdown.startswith("## Overall\n")
    assert "### Reflections" in markdown
    html = render_markdown(markdown)
    structure = Structure(html)
    assert ("h4", "Norfolk") in structure.headings
    assert ("h4", "Suffolk") not in structure.headings  # its summary was empty
    assert (
        "<blockquote>\n<p>A thoughtful self-assessment.</p>\n<p>Shorter would be better.</p>\n</blockquote>"
        in html
    )


def test_no_summaries_said_plainly():
    composition = compose(SECTIONS, SCALES, [SUFFOLK], anonymous=False)
    assert "No reflections were written." in overall_markdown(composition)


def test_one_peer_has_no_agreement_column():
    composition = compose(SECTIONS, SCALES, [NORFOLK], anonymous=False)
    markdown = sections_markdown(composition)
    assert "| Scale | Norfolk |\n| --- | --- |\n| Evidence strength | Strong |" in markdown
    assert "Agreement" not in markdown + overall_markdown(composition)


def test_reviewer_text_cannot_change_the_letters_structure():
    hostile = "\n".join(
        [
            "- # A fake heading",
            "- ## Another",
            "- <h1>Raw heading</h1> and <script>alert(1)</script>",
            "- | a | b |",
            "- > a quote",
            "- ```",
            "- ~~~",
            "- ===",
            "- 2024. A year",
            "- [link]: https://example.com",
            "- ***",
        ]
    )
    summary = (
        "First line\n# Heading in a summary\n===\n\n    indented code\n| x | y |\n| --- | --- |\n- not a list"
    )
    reviewer = PeerReview(
        "Norfolk",
        {
            "sections": {
                "3": part({"evidence": 0}, strengths=hostile, questions=["# Question?", "1. Numbered?"])
            },
            "overall": part(summary=summary),
        },
    )
    sections = [SectionSpec(3, "Early help | #1"), SectionSpec(4, "Workforce")]
    scales = [ScaleSpec("evidence", "Evidence | strength", ((0, "Strong | good"),))]
    composition = compose(sections, scales, [reviewer, SUFFOLK], anonymous=False)
    html = render_markdown(sections_markdown(composition) + "\n" + overall_markdown(composition))
    structure = Structure(html)

    # Each part's own headings, and nothing more: (h2, three h3) per section; overall adds Reflections and
    # one h4 for the one peer that wrote a summary.
    assert [level for level, _ in structure.headings] == ["h2", "h3", "h3", "h3"] * 3 + ["h3", "h4"]
    assert structure.headings[0] == ("h2", "Early help | #1")
    assert structure.tags.count("table") == 3  # one per part: nothing else became a table
    assert structure.tags.count("blockquote") == 1
    assert "pre" not in structure.tags and "code" not in structure.tags and "hr" not in structure.tags
    assert "<script" not in html  # shown as text, never as a tag
    assert structure.cells[:3] == ["Scale", "Norfolk", "Suffolk"]
    assert structure.cells[3:6] == ["Evidence | strength", "Strong | good", "Not rated"]
    assert "# A fake heading (Norfolk)" in structure.items
    assert "<h1>Raw heading</h1> and <script>alert(1)</script> (Norfolk)" in structure.items
    assert "| a | b | (Norfolk)" in structure.items
    assert "2024. A year (Norfolk)" in structure.items
    assert "[link]: https://example.com (Norfolk)" in structure.items
    assert "*** (Norfolk)" in structure.items
    assert "# Question? (Norfolk)" in structure.items
    assert "Numbered? (Norfolk)" in structure.items
    quote = html[html.index("<blockquote>") : html.index("</blockquote>")]
    assert "# Heading in a summary" in quote and "- not a list" in quote and "indented code" in quote


def test_salutation_addresses_each_director_as_they_like():
    assert salutation(["Sarah"]) == "Sarah"
    assert salutation(["Sarah", "Tom"]) == "Sarah and Tom"
    assert salutation(["Sarah", " ", "Tom", "Dr  Okafor"]) == "Sarah, Tom and Dr Okafor"
    assert salutation([]) == "colleague"  # never "Director" or the authority's name


def test_salutation_is_plain_text_in_the_letter():
    html = str(render_markdown(f"Dear {salutation(['<b>Sam</b>'])},"))
    assert "&lt;b&gt;Sam&lt;/b&gt;" in html and "<b>" not in html


PEER_SIGNATORIES = [
    Signatory("Sarah Jones", "Director of Children's Services", "Norfolk"),
    Signatory("Tom Reed", "Director of Children's Services", "Suffolk"),
]


def test_named_peers_sign_by_name_title_and_authority():
    markdown = signatories_markdown(PEER_SIGNATORIES, anonymous=False)
    assert markdown == (
        "Sarah Jones, Director of Children's Services, Norfolk\n\n"
        "Tom Reed, Director of Children's Services, Suffolk"
    )
    html = Structure(render_markdown(markdown))
    assert "h1" not in html.tags and html.tags.count("p") == 2


def test_an_anonymous_cycle_is_signed_by_the_peer_directors():
    assert signatories_markdown(PEER_SIGNATORIES, anonymous=True) == "Your peer directors"
    assert signatories_markdown([], anonymous=False) == "Your peer directors"  # no peer has a director


def test_the_cycles_signatory_replaces_the_peers():
    chair = Signatory("Alex Morgan", "Chair, ADCS Eastern Region")
    assert signatories_markdown(PEER_SIGNATORIES, anonymous=False, named=chair) == (
        "Alex Morgan, Chair, ADCS Eastern Region"
    )
    assert signatories_markdown([], anonymous=True, named=chair) == "Alex Morgan, Chair, ADCS Eastern Region"
    # A signatory with no name is no signatory.
    blank = Signatory(" ", "Chair")
    assert signatories_markdown(PEER_SIGNATORIES, anonymous=False, named=blank).startswith("Sarah Jones")


def test_a_signatorys_text_cannot_become_markup():
    hostile = Signatory("# Heading", "<script>x</script>", "| a |")
    html = Structure(render_markdown(signatories_markdown([hostile], anonymous=False)))
    assert html.tags == ["p"]


def test_the_recipients_letter_has_no_agreement_column_or_software_explanation():
    composition = compose(SECTIONS, SCALES, [NORFOLK, SUFFOLK], anonymous=False)
    markdown = sections_markdown(composition) + overall_markdown(composition)
    for label in ("Agreement", *(member.label for member in Agreement if member is not Agreement.SAME)):
        assert label not in markdown
    assert "more than one peer" not in markdown.lower()
    # The lead still has the agreement, as a moderation aid.
    assert by_scale(composition.sections[0])["Brevity and focus"].agreement is Agreement.FURTHER_APART


@pytest.mark.parametrize(
    ("cycle_title", "title"),
    [
        ("Eastern Region peer challenge 2026", "Eastern Region peer challenge 2026: letter"),
        ("Eastern  Peer Challenge", "Eastern Peer Challenge: letter"),
        ("Self-assessment review 2026", "Self-assessment review 2026: peer challenge letter"),
        ("Peer challenge letters 2026", "Peer challenge letters 2026"),
    ],
)
def test_the_letters_title_says_peer_challenge_once(cycle_title, title):
    assert letter_title(cycle_title) == title

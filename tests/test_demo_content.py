"""The demo's content: figures inside the published ranges and said once; comments that fit their ratings."""

import io
import itertools
import re
from collections import Counter

import pytest
from docx import Document

from peerchallenge.cycles.defaults import DEFAULT_TEMPLATE
from peerchallenge.demo import documents, reviewing
from peerchallenge.demo.documents import demo_docx, demo_markdown, demo_sections, demo_title
from peerchallenge.demo.profiles import (
    EASTERN_PROFILES,
    INDICATOR,
    INDICATORS,
    MEASURED_BY,
    is_better,
    profile_for,
)
from peerchallenge.documents.analysis import analyse_document
from peerchallenge.documents.sections import SectionSpec
from peerchallenge.letters.merge import is_near_duplicate
from peerchallenge.regions.loader import read_authorities
from tests.demo_reviews import POSITIONS, SECTIONS, TEMPLATE, reviews_of
from tests.factories import EASTERN_AUTHORITIES

LABELS = {key: {position: label for label, position in levels.items()} for key, levels in POSITIONS.items()}
ALL_PROFILES = [profile_for(row.name, row.authority_type) for row in read_authorities()]


def test_every_eastern_authority_has_its_own_profile():
    assert [profile.name for profile in EASTERN_PROFILES] == EASTERN_AUTHORITIES
    for profile in EASTERN_PROFILES:
        assert 2 <= len(profile.strengths) <= 3 and 2 <= len(profile.worries) <= 3, profile.name
        assert 2 <= len(profile.inspection.areas_for_improvement) <= 3, profile.name
    assert len({profile.context for profile in EASTERN_PROFILES}) == len(EASTERN_PROFILES)


def test_the_ranges_hold_england_and_every_authority_figure_lies_inside_its_range():
    assert len(ALL_PROFILES) == 153
    for indicator in INDICATORS:
        assert indicator.low < indicator.england < indicator.high, indicator.key
    for profile in ALL_PROFILES:
        assert set(profile.figures) == set(INDICATOR), profile.name
        for key, value in profile.figures.items():
            indicator = INDICATOR[key]
            assert indicator.low <= value <= indicator.high, (profile.name, key, value)


def test_no_strength_sits_on_englands_worse_side_and_no_worry_on_its_better_side():
    assert all(set(keys) <= set(INDICATOR) for keys in MEASURED_BY.values())
    measured = 0
    for profile in ALL_PROFILES:
        for point in profile.strengths:
            for key in MEASURED_BY.get(point.topic, ()):
                measured += 1
                assert is_better(INDICATOR[key], profile.figures[key]) is not False, (profile.name, key)
        for point in profile.worries:
            for key in MEASURED_BY.get(point.topic, ()):
                measured += 1
                assert is_better(INDICATOR[key], profile.figures[key]) is not True, (profile.name, key)
    assert measured > 153  # most authorities have a strength or a worry that a figure shows


@pytest.mark.parametrize("profile", EASTERN_PROFILES, ids=lambda profile: profile.name)
def test_a_self_assessment_states_each_figure_once_with_england_beside_it(profile):
    markdown = demo_markdown(profile, TEMPLATE)

    for indicator in INDICATORS:
        stated = indicator.stated(profile.figures[indicator.key])
        assert markdown.count(stated) == 1, stated
        assert f"(England: {indicator.england_text})" in stated
        after_value = indicator.sentence.split("{value}")[1].format(england=indicator.england_text)
        assert markdown.count(after_value) == 1, f"{indicator.key} is stated more than once"
    sentences = [
        sentence.strip()
        for line in markdown.splitlines()
        if line and not line.startswith("#")
        for sentence in re.split(r"(?<=[.?!])\s+", line)
    ]
    repeated = [sentence for sentence, times in Counter(sentences).items() if times > 1]
    assert repeated == []


@pytest.mark.parametrize("long", [set(), {DEFAULT_TEMPLATE[7].title}])
def test_no_sentence_repeats_even_in_an_overlong_self_assessment(long):
    for profile in ALL_PROFILES[::7]:
        sections = demo_sections(profile, TEMPLATE, long=long)
        sentences = [
            sentence
            for section in sections
            for paragraph in section.paragraphs
            for sentence in re.split(r"(?<=[.?!])\s+", paragraph)
        ]
        assert len(sentences) == len(set(sentences)), profile.name
        for section in sections:
            if section.title in long:
                assert section.words > 1.5 * section_words(section.title)
                assert section.quality.brevity == "Overlong"


@pytest.mark.parametrize("long", [set(), {DEFAULT_TEMPLATE[0].title}])
def test_business_as_usual_describes_the_sections_own_boards_and_services_and_plans_are_whole_sentences(long):
    assert "SEND" not in " ".join(documents.OWN_BUSINESS[DEFAULT_TEMPLATE[5].title])  # not under care leavers
    for profile in ALL_PROFILES[::4]:
        sections = demo_sections(profile, TEMPLATE, long=long)
        for section in sections:
            own = {sentence for pool in documents.business_for(section.title) for sentence in pool}
            sentences = {
                sentence
                for paragraph in section.paragraphs
                for sentence in re.split(r"(?<=[.?!])\s+", paragraph)
            }
            assert sentences & set(documents.BUSINESS_AS_USUAL) <= own, (profile.name, section.title)
            assert not any(" in care leavers" in s or " in workforce" in s for s in sentences)
        progress = next(section for section in sections if section.title == TEMPLATE[1][0])
        for paragraph in progress.paragraphs:
            if "Since then" in paragraph:  # a reply follows the area it answers, in a whole sentence
                assert re.match(r"The (first|second|third) area was [a-z]", paragraph), paragraph


def section_words(title: str) -> int:
    return next(section.suggested_words for section in DEFAULT_TEMPLATE if section.title == title)


def parts(content):
    titles = {number: title for number, title, _scales in SECTIONS}
    for key, part in content["sections"].items():
        yield titles[int(key)], part
    yield "Overall", content["overall"]


def comments(part, catalogue):
    texts = [
        line.removeprefix("- ") for field in ("strengths", "development") for line in part[field].splitlines()
    ]
    return [catalogue[text] for text in texts]


@pytest.mark.parametrize("profile", ALL_PROFILES[::5], ids=lambda profile: profile.name)
def test_each_review_rates_the_sections_scales_and_its_comments_agree_with_its_ratings(profile):
    catalogue = reviewing.catalogue(profile)
    for content in reviews_of(profile):
        for title, part in parts(content):
            ratings = {key: LABELS[key][position] for key, position in part["ratings"].items()}
            if title == "Overall":
                assert set(ratings) == set(POSITIONS)
            else:
                template = next(section for section in DEFAULT_TEMPLATE if section.title == title)
                assert set(ratings) == set(template.scales), title
            found = comments(part, catalogue)  # every comment is one the demo knows the meaning of
            assert reviewing.disagreements(ratings, found) == [], (title, ratings, found)


def test_the_rule_finds_a_comment_that_contradicts_its_rating():
    subject = "the section on care leavers"
    praise = reviewing.scale_comment("evidence", reviewing.STRENGTH, subject, 0)
    missing = reviewing.scale_comment("evidence", reviewing.DEVELOPMENT, subject, 0)

    assert reviewing.disagreements({"evidence": "Strong"}, [praise]) == []
    assert reviewing.disagreements({"evidence": "Strong"}, [praise, missing])
    assert reviewing.disagreements({"evidence": "Limited"}, [praise])
    assert reviewing.disagreements({"evidence": "Sufficient"}, [])
    assert reviewing.disagreements({"brevity": "Overlong"}, [])
    assert reviewing.disagreements({"self_knowledge": "Over-cautious"}, []) != []


@pytest.mark.parametrize("profile", ALL_PROFILES[::3], ids=lambda profile: profile.name)
def test_nothing_repeats_within_the_letter_to_one_authority(profile):
    points = []
    for content in reviews_of(profile):
        for title, part in parts(content):
            points += [
                (title, line) for field in ("strengths", "development") for line in part[field].splitlines()
            ]
            points += [(title, question) for question in part["questions"]]
    texts = [text for _, text in points]
    assert len(texts) == len(set(texts))
    for (_, first), (_, second) in itertools.combinations(points, 2):
        assert not is_near_duplicate(first, second), (first, second)


@pytest.mark.parametrize("profile", ALL_PROFILES, ids=lambda profile: profile.name)
def test_no_wording_is_used_more_than_twice_in_a_letter_whatever_section_it_is_under(profile):
    subjects = {**reviewing.SUBJECTS, "Overall": reviewing.OVERALL_SUBJECT}
    topics = sorted({point.topic for point in (*profile.strengths, *profile.worries)}, key=len, reverse=True)
    frames = []
    for content in reviews_of(profile):
        for title, part in parts(content):
            removed = [subjects[title], reviewing.PEOPLE.get(title, reviewing.EVERYONE), *topics]
            for line in (*part["strengths"].splitlines(), *part["development"].splitlines()):
                frame = line.removeprefix("- ").lower()
                for words in removed:
                    frame = frame.replace(words.lower(), "…")
                frames.append(frame)
    assert max(Counter(frames).values()) <= 2, Counter(frames).most_common(3)


def test_a_practice_comment_names_who_the_section_is_for():
    care = DEFAULT_TEMPLATE[4].title
    number = next(number for number, title, _ in SECTIONS if title == care)
    profile = next(p for p in EASTERN_PROFILES if any(worry.section == care for worry in p.worries))
    written = " ".join(content["sections"][str(number)]["development"] for content in reviews_of(profile))
    assert "children in care" in written
    for texts in reviewing.PRACTICE_TEMPLATES.values():
        assert not any("in {topic}" in text or "for children in {" in text for text in texts)


def test_questions_belong_to_their_section_and_the_peers_write_different_summaries():
    for profile in EASTERN_PROFILES:
        first, second = reviews_of(profile)
        for content in (first, second):
            for title, part in parts(content):
                pool = reviewing.OVERALL_QUESTIONS if title == "Overall" else reviewing.QUESTIONS[title]
                assert part["questions"] and set(part["questions"]) <= set(pool), title
        assert first["overall"]["summary"] != second["overall"]["summary"]
        assert profile.name in first["overall"]["summary"] or profile.name in second["overall"]["summary"]


@pytest.mark.parametrize("profile", EASTERN_PROFILES[:3], ids=lambda profile: profile.name)
def test_a_demo_self_assessment_splits_into_template_sections_with_nothing_unmatched(profile):
    specs = [SectionSpec(title, words) for title, words in TEMPLATE]
    for filename, data in (
        ("sa.md", demo_markdown(profile, TEMPLATE).encode()),
        ("sa.docx", demo_docx(profile, TEMPLATE)),
    ):
        analysis = analyse_document(filename, data, specs)
        assert analysis.unmatched == [], filename
        assert all(section.found for section in analysis.sections), filename
    assert Document(io.BytesIO(demo_docx(profile, TEMPLATE))).core_properties.title == demo_title(profile)


def test_the_demo_content_is_the_same_each_time():
    profile = profile_for("Rutland", "Unitary authority")
    assert profile == profile_for("Rutland", "Unitary authority")
    assert demo_markdown(profile, TEMPLATE) == demo_markdown(profile, TEMPLATE)
    assert reviews_of(profile) == reviews_of(profile)

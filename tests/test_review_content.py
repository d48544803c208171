"""Reading a review form and finding what stops a submit (pure: plain values in and out)."""

from werkzeug.datastructures import MultiDict

from peerchallenge.reviews.content import Scale, Section, missing_ratings, read_form

EVIDENCE = Scale("evidence", "Evidence strength", (0, 1, 2, 3))
BREVITY = Scale("brevity", "Brevity and focus", (0, 1, 2, 3))
SELF_KNOWLEDGE = Scale("self_knowledge", "Self-knowledge", (0, 1, 2, 3), ordered=False)
PLANS = Scale("plans", "Plans", (0, 1, 2))
SCALES = [EVIDENCE, BREVITY, SELF_KNOWLEDGE, PLANS]

HEADLINE = Section(1, "Headline summary and context", ("brevity", "self_knowledge"))
CARE_LEAVERS = Section(2, "Care leavers", ("evidence", "brevity", "self_knowledge"))
SEND = Section(3, "Education and SEND", ("evidence", "brevity", "self_knowledge"))
SEND_LEFT_OUT = Section(3, "Education and SEND", ("evidence", "brevity", "self_knowledge"), included=False)
PLANS_SECTION = Section(4, "Plans, asks and offers", ("brevity", "plans"))

OVERALL = {f"overall-{scale.key}": "0" for scale in SCALES}


def test_a_section_keeps_only_the_ratings_of_its_own_scales():
    form = MultiDict({"s1-evidence": "0", "s1-brevity": "1", "s1-self_knowledge": "3", "s4-plans": "2"})
    content, errors = read_form(form, [HEADLINE, PLANS_SECTION], SCALES)
    assert errors == {}
    assert content["sections"]["1"]["ratings"] == {"brevity": 1, "self_knowledge": 3}
    assert content["sections"]["4"]["ratings"] == {"plans": 2}


def test_a_forged_level_on_the_sections_own_scale_is_an_error_and_on_another_scale_is_ignored():
    _content, errors = read_form(MultiDict({"s1-brevity": "9", "s1-evidence": "9"}), [HEADLINE], SCALES)
    assert errors == {
        "s1-brevity": "Headline summary and context: choose one of the brevity and focus levels"
    }


def test_the_overall_part_is_read_on_every_scale():
    content, errors = read_form(MultiDict(OVERALL), [HEADLINE], SCALES)
    assert errors == {}
    assert content["overall"]["ratings"] == {"evidence": 0, "brevity": 0, "self_knowledge": 0, "plans": 0}


def test_a_section_not_included_takes_no_ratings_but_keeps_its_words():
    form = MultiDict({"s3-evidence": "1", "s3-questions": "Why is SEND left out?"})
    content, errors = read_form(form, [SEND_LEFT_OUT], SCALES)
    assert errors == {}
    assert content["sections"]["3"]["ratings"] == {}
    assert content["sections"]["3"]["questions"] == ["Why is SEND left out?"]


def content_of(form: dict, sections: list[Section]) -> dict:
    content, errors = read_form(MultiDict(form), sections, SCALES)
    assert errors == {}
    return content


def test_only_the_overall_ratings_are_required_by_default():
    sections = [HEADLINE, CARE_LEAVERS, PLANS_SECTION]
    assert missing_ratings(content_of(OVERALL, sections), sections, SCALES) == {}
    partial = {key: value for key, value in OVERALL.items() if key != "overall-plans"}
    assert missing_ratings(content_of(partial, sections), sections, SCALES) == {"Overall": ["Plans"]}


def test_when_the_cycle_requires_section_ratings_each_section_needs_its_own_scales():
    sections = [HEADLINE, CARE_LEAVERS, PLANS_SECTION]
    form = OVERALL | {"s2-evidence": "0", "s2-brevity": "0", "s2-self_knowledge": "1", "s4-plans": "0"}
    missing = missing_ratings(content_of(form, sections), sections, SCALES, section_ratings_required=True)
    assert missing == {
        "Headline summary and context": ["Brevity and focus", "Self-knowledge"],
        "Plans, asks and offers": ["Brevity and focus"],
    }


def test_an_optional_section_not_included_needs_no_rating_even_when_section_ratings_are_required():
    form = OVERALL | {f"s2-{key}": "0" for key in CARE_LEAVERS.scale_keys}
    sections = [CARE_LEAVERS, SEND_LEFT_OUT]
    assert missing_ratings(content_of(form, sections), sections, SCALES, section_ratings_required=True) == {}
    included = [CARE_LEAVERS, SEND]
    assert missing_ratings(content_of(form, included), included, SCALES, section_ratings_required=True) == {
        "Education and SEND": ["Evidence strength", "Brevity and focus", "Self-knowledge"]
    }

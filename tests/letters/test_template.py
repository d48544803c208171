"""The letter template: what a lead may write, the messages when they may not, the sandbox (pure: no app)."""

import re

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from peerchallenge.letters.compose import (
    PeerReview,
    ScaleSpec,
    SectionSpec,
    annex_markdown,
    compose,
    headline_markdown,
    points_markdown,
)
from peerchallenge.letters.template import (
    DEFAULT_LETTER_TEMPLATE,
    MAX_TEMPLATE_CHARS,
    PLACEHOLDERS,
    SANDBOX,
    TemplateProblem,
    check_template,
    render_letter,
)
from peerchallenge.sanitise import render_markdown

REQUIRED = "{{ strengths }}\n{{ areas_for_consideration }}\n{{ lines_of_enquiry }}\n"

VALUES = {
    "authority": "Norfolk",
    "dcs_name": "Sara Tough",
    "salutation": "Sara",
    "peers": "Suffolk and Essex",
    "cycle": "Self-assessment peer challenge 2025",
    "year": "2025",
    "region": "Eastern Region",
    "submissions_due": "31 January 2025",
    "reviews_due": "28 February 2025",
    "letters_due": "21 March 2025",
    "challenge_event": "3 April 2025",
    "sections": "## Early help\n\nSECTIONS BLOCK",
    "overall": "## Overall\n\nOVERALL BLOCK",
    "signatories": "Sarah Jones, Director of Children's Services, Suffolk",
    "headline": "HEADLINE PARAGRAPH",
    "strengths": "- STRENGTH ONE",
    "areas_for_consideration": "- CONSIDERATION ONE",
    "lines_of_enquiry": "1. ENQUIRY ONE",
    "annex": "## Annex: section by section\n\nANNEX BLOCK",
}


def problem(source: str) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        check_template(source)
    return caught.value


def test_placeholders():
    assert set(PLACEHOLDERS) == {
        "authority",
        "dcs_name",
        "peers",
        "cycle",
        "year",
        "region",
        "submissions_due",
        "reviews_due",
        "letters_due",
        "challenge_event",
        "headline",
        "strengths",
        "areas_for_consideration",
        "lines_of_enquiry",
        "annex",
        "sections",
        "overall",
        "salutation",
        "signatories",
    }
    assert all(description.strip() for description in PLACEHOLDERS.values())


def test_default_template_passes_and_renders_every_value():
    check_template(DEFAULT_LETTER_TEMPLATE)
    letter = render_letter(DEFAULT_LETTER_TEMPLATE, VALUES)
    for name in (
        "authority",
        "salutation",
        "challenge_event",
        "headline",
        "strengths",
        "areas_for_consideration",
        "lines_of_enquiry",
        "annex",
        "signatories",
    ):
        assert VALUES[name] in letter
    # The narrative letter carries the chosen points; the whole of the reviews is for the annex.
    assert VALUES["sections"] not in letter and VALUES["overall"] not in letter
    assert "{{" not in letter and "{%" not in letter
    assert "Dear Sara," in letter and "Sara Tough" not in letter
    assert letter.index("## Strengths") < letter.index("## Areas for consideration")
    assert letter.index("## Areas for consideration") < letter.index("## Key lines of enquiry")
    signed = "Yours sincerely,\n\n" + VALUES["signatories"] + "\n\n" + VALUES["annex"]
    assert letter.rstrip().endswith(signed)
    # Reflections and areas for consideration, never a description of how the letter was put together.
    assert "reflections" in letter and "areas for consideration" in letter
    assert "more than one peer" not in letter and "acknowledge" not in letter
    assert "at the challenge event on 3 April 2025." in letter


# A cycle's template written before salutation and signatories existed, as the default was then.
OLD_TEMPLATE = """\
Dear {{ dcs_name }},

Thank you for sharing {{ authority }}'s self-assessment for the {{ cycle }}.

{{ sections }}

{{ overall }}

Yours sincerely,

The {{ region }} peer challenge group
"""


def test_a_template_saved_before_letters_were_composed_by_choice_still_renders_but_is_not_saved_again():
    letter = render_letter(OLD_TEMPLATE, VALUES)
    assert letter.startswith("Dear Sara Tough,\n")
    assert letter.rstrip().endswith("The Eastern Region peer challenge group")
    assert "SECTIONS BLOCK" in letter and "OVERALL BLOCK" in letter
    assert "must include {{ strengths }}, {{ areas_for_consideration }} and {{ lines_of_enquiry }}" in (
        problem(OLD_TEMPLATE).message
    )


def test_default_template_without_a_challenge_event():
    letter = render_letter(DEFAULT_LETTER_TEMPLATE, {**VALUES, "challenge_event": "", "annex": ""})
    assert "challenge event" not in letter
    assert "\n\n\n" not in letter.rstrip()  # the {% if %} lines leave no gap behind
    no_headline = render_letter(DEFAULT_LETTER_TEMPLATE, {**VALUES, "headline": ""})
    assert "Our overall view" not in no_headline and "\n\n\n" not in no_headline


def test_default_template_renders_a_real_composition_as_intended():
    scales = [ScaleSpec("evidence", "Evidence strength", ((0, "Strong"), (1, "Adequate")))]
    sections = [SectionSpec(1, "Early help")]
    peers = [
        PeerReview(
            "Suffolk",
            {
                "sections": {"1": {"ratings": {"evidence": 0}, "strengths": "Good audit"}},
                "overall": {"ratings": {"evidence": 0}},
            },
        ),
        PeerReview(
            "Essex",
            {
                "sections": {"1": {"ratings": {"evidence": 1}}},
                "overall": {"ratings": {"evidence": 0}, "summary": "Fine."},
            },
        ),
    ]
    composition = compose(sections, scales, peers, anonymous=False)
    values = {
        **VALUES,
        "headline": headline_markdown(composition.headline),
        "strengths": points_markdown(["Good audit"]),
        "lines_of_enquiry": points_markdown(["How do you know?", "Who owns it?"], numbered=True),
        "annex": annex_markdown(composition),
    }
    html = render_markdown(render_letter(DEFAULT_LETTER_TEMPLATE, values))
    assert re.findall(r"<h(\d)>", html)[:2] == ["2", "2"]  # the title is the page's, not the letter's
    assert "<h2>Our overall view</h2>" in html and "<h2>Annex: section by section</h2>" in html
    assert "<h3>Early help</h3>" in html and "<h3>Overall</h3>" in html and "<h4>Strengths</h4>" in html
    assert html.count("<table>") == 2  # in the annex: the section's ratings and the overall ones
    assert "<li>Good audit</li>" in html and "<li>Good audit (Suffolk)</li>" in html
    assert "<ol>\n<li>How do you know?</li>\n<li>Who owns it?</li>\n</ol>" in html
    assert "We rated your self-assessment's evidence strength as strong." in html


def test_conditions_on_placeholders_are_allowed():
    source = (
        "{% if challenge_event %}\nWe will meet on {{ challenge_event }}.\n{% elif letters_due %}\nBy "
        "{{ letters_due }}.\n{% else %}\nNo date.\n{% endif %}\n"
        "{% if not dcs_name %}Dear colleague{% endif %}\n"
        "{# a comment for the lead #}\n" + REQUIRED
    )
    check_template(source)
    assert render_letter(source, {**VALUES, "dcs_name": ""}).startswith(
        "We will meet on 3 April 2025.\nDear colleague"
    )
    assert render_letter(source, {**VALUES, "challenge_event": ""}).startswith("By 21 March 2025.\n")


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("Dear all\n\n{{ ''.__class__ }}\n", 3, "{{ ''.__class__ }} is not allowed"),
        ("x\n{{ ''.__class__.__mro__ }}", 2, "is not allowed"),
        ("Dear {{ authority.upper() }}", 1, "{{ authority.upper() }} is not allowed"),
        ("\n\n{{ config }}", 3, "{{ config }} is not a placeholder. You can use: authority, dcs_name, peers"),
        ("{{ request }}", 1, "{{ request }} is not a placeholder"),
        ("{{ authority['x'] }}", 1, "{{ authority['x'] }} is not allowed"),
        ("{{ authority|upper }}", 1, "{{ authority|upper }} is not allowed"),
        ("{{ range(10) }}", 1, "{{ range(10) }} is not allowed"),
        ("{{ lipsum() }}", 1, "is not allowed"),
        ("{{ 'text' }}", 1, "is not allowed"),
        ("a\n{% include 'base.html' %}", 2, "{% include %} tags are not allowed"),
        ("a\n\n{% import 'forms.html' as forms %}", 3, "{% import %} tags are not allowed"),
        ("{% from 'forms.html' import field %}", 1, "{% from ... import %} tags are not allowed"),
        ("{% extends 'base.html' %}", 1, "{% extends %} tags are not allowed"),
        ("a\n{% macro m() %}x{% endmacro %}", 2, "{% macro %} tags are not allowed"),
        ("{% set authority = 'x' %}", 1, "{% set %} tags are not allowed"),
        ("{% set x %}y{% endset %}", 1, "{% set %} tags are not allowed"),
        ("a\nb\n{% for x in sections %}{{ x }}{% endfor %}", 3, "{% for %} tags are not allowed"),
        ("{% with a = 1 %}{% endwith %}", 1, "{% with %} tags are not allowed"),
        ("{% filter upper %}x{% endfilter %}", 1, "{% filter %} tags are not allowed"),
        ("{% block body %}{% endblock %}", 1, "{% block %} tags are not allowed"),
        ("a\n{% autoescape true %}x{% endautoescape %}", 2, "{% autoescape %} tags are not allowed"),
        ("{% if config %}x{% endif %}", 1, "{% if config %}: config is not a placeholder"),
        ("a\n{% if authority.upper() %}x{% endif %}", 2, "An {% if %} can only check one placeholder"),
        ("{% if authority == 'x' %}x{% endif %}", 1, "An {% if %} can only check one placeholder"),
        ("{% if authority %}\n{% else %}\n{{ config }}\n{% endif %}", 3, "{{ config }} is not a placeholder"),
        ("{% if authority %}{% elif cycle.x %}{% endif %}", 1, "can only check one placeholder"),
    ],
)
def test_anything_but_placeholders_and_conditions_is_refused(source, line, message):
    # The required placeholders come last, so the line numbers are those of the lines above.
    found = problem(source + "\n" + REQUIRED)
    assert found.line == line
    assert found.message.startswith(f"Line {line}: ")
    assert message in found.message


def test_unknown_placeholder_lists_all_placeholders():
    found = problem("Dear {{ director }},\n" + REQUIRED)
    assert found.message == (
        "Line 1: {{ director }} is not a placeholder. You can use: authority, dcs_name, peers, cycle, year, "
        "region, submissions_due, reviews_due, letters_due, challenge_event, headline, strengths, "
        "areas_for_consideration, lines_of_enquiry, annex, sections, overall, salutation, signatories."
    )


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("a\nb\nc\n{% if challenge_event %}\nWe meet", 5, "an {% if %} is not closed. Add {% endif %}"),
        ("a\n\n\n{{ authority }\n", 4, "the curly brackets are not written correctly"),
        ("a\n{{ authority", 2, "a placeholder or tag is not closed"),
        ("a\n{% endif %}", 2, "{% endif %} has no {% if %} to close"),
        ("{% else %}", 1, "{% else %} has no {% if %} to close"),
        ("a\nb\n{% foo %}", 3, "{% foo %} is not a tag you can use"),
        ("\n{{ }}", 2, "a placeholder or tag is empty"),
        ("{{ authority cycle }}", 1, "the curly brackets are not written correctly"),
        ("a\n{# never closed", 2, "a comment starting {# has no #} to end it"),
    ],
)
def test_syntax_errors_give_the_line_in_plain_words(source, line, message):
    found = problem(REQUIRED + source)
    expected_line = line + REQUIRED.count("\n")
    assert found.line == expected_line
    assert found.message.startswith(f"Line {expected_line}: ")
    assert message in found.message
    assert "Jinja" not in found.message and "token" not in found.message


@pytest.mark.parametrize(
    ("source", "missing"),
    [
        ("Dear {{ dcs_name }}", "{{ strengths }}, {{ areas_for_consideration }} and {{ lines_of_enquiry }}"),
        ("{{ strengths }}{{ areas_for_consideration }}", "{{ lines_of_enquiry }}"),
        (
            "{{ sections }}{{ overall }}{{ strengths }}",
            "{{ areas_for_consideration }} and {{ lines_of_enquiry }}",
        ),
        ("{# {{ strengths }} #}{{ areas_for_consideration }}{{ lines_of_enquiry }}", "{{ strengths }}"),
        (
            "{% raw %}{{ strengths }}{% endraw %}{{ areas_for_consideration }}{{ lines_of_enquiry }}",
            "{{ strengths }}",
        ),
        ("", "{{ strengths }}, {{ areas_for_consideration }} and {{ lines_of_enquiry }}"),
    ],
)
def test_the_chosen_points_are_required(source, missing):
    found = problem(source)
    assert found.line is None
    assert found.message == (
        f"The template must include {missing}. Without it the letter would leave out the points chosen "
        "from the peers' reviews."
    )


def test_size_is_limited():
    check_template(REQUIRED + "x" * (MAX_TEMPLATE_CHARS - len(REQUIRED)))
    found = problem(REQUIRED + "x" * (MAX_TEMPLATE_CHARS - len(REQUIRED) + 1))
    assert found.message == "The template must be 20,000 characters or fewer."


@pytest.mark.parametrize(
    "source",
    [
        "{% if authority %}" * 400 + "{% endif %}" * 400,
        "{{ " + "(" * 3000 + "authority" + ")" * 3000 + " }}",
        "{% if authority %}" * 11 + "x" + "{% endif %}" * 11,
    ],
)
def test_deep_nesting_is_refused_without_crashing(source):
    found = problem(source + REQUIRED)
    assert "inside each other" in found.message


def test_ten_nested_conditions_are_fine():
    check_template("{% if authority %}" * 10 + "x" + "{% endif %}" * 10 + REQUIRED)


def test_values_are_output_as_text_never_as_template():
    letter = render_letter(
        REQUIRED,
        {
            **VALUES,
            "strengths": "{{ config }} {% include 'x' %}",
            "areas_for_consideration": "{{ 7*7 }}",
            "lines_of_enquiry": "{# #}",
        },
    )
    assert letter == "{{ config }} {% include 'x' %}\n{{ 7*7 }}\n{# #}\n"


def test_values_are_strings_and_missing_ones_are_reported():
    class Sneaky:
        secret = "not reachable"

        def __str__(self) -> str:
            return "plain"

    assert render_letter("{{ authority }}" + REQUIRED, {**VALUES, "authority": Sneaky()}).startswith("plain")
    with pytest.raises(ValueError, match="dcs_name"):
        render_letter(
            "{{ dcs_name }}" + REQUIRED,
            {"strengths": "", "areas_for_consideration": "", "lines_of_enquiry": ""},
        )


def test_render_letter_checks_the_template_first():
    with pytest.raises(TemplateProblem, match="is not a placeholder"):
        render_letter("{{ config }}" + REQUIRED, VALUES)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ authority.__class__.__base__ }}",
        "{{ authority.__init__.__globals__ }}",
    ],
)
def test_the_sandbox_itself_refuses_python_internals(source):
    # Defence in depth: as if check_template had been skipped.
    with pytest.raises(SecurityError):
        SANDBOX.from_string(source).render(authority="Norfolk")


@pytest.mark.parametrize("source", ["{{ range(3) }}", "{{ lipsum() }}", "{{ namespace() }}", "{{ cycler }}"])
def test_the_sandbox_has_no_globals(source):
    with pytest.raises(UndefinedError):
        SANDBOX.from_string(source).render()

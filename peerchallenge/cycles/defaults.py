"""The default self-assessment template and review rubric, copied into each new cycle (plain data).

The section titles follow the words of Ofsted's inspection of local authority children's services (ILACS)
framework and the Department for Education's Families First Partnership programme guide; docs/domain.md says
which title comes from where. A cycle keeps its own copy, so changing these changes only cycles created later.
"""

from dataclasses import dataclass

FOUR_QUESTIONS = (
    "What do we know about the quality and impact of practice on children's lived experience?\n"
    "How do we know it (data, audit, feedback from children and families, practice observation, "
    "external scrutiny)?\n"
    "What worries us?\n"
    "What will we do in the next 12 months (specific, measurable and time-bound)?"
)

# The scales' keys, as the template's sections name them.
EVIDENCE = "evidence"
BREVITY = "brevity"
SELF_KNOWLEDGE = "self_knowledge"
PLANS = "plans"

PRACTICE_SCALES = (EVIDENCE, BREVITY, SELF_KNOWLEDGE)


@dataclass(frozen=True)
class DefaultSection:
    title: str
    suggested_words: int
    scales: tuple[str, ...]  # the keys of the scales a reviewer rates this section on
    optional: bool = False
    guidance: str = FOUR_QUESTIONS


DEFAULT_TEMPLATE = (
    DefaultSection("Headline summary and context", 600, (BREVITY, SELF_KNOWLEDGE)),
    DefaultSection("Progress since last year", 600, (EVIDENCE, SELF_KNOWLEDGE)),
    DefaultSection("Family help, including early help", 800, PRACTICE_SCALES),
    DefaultSection("Help and protection, including multi-agency child protection", 1000, PRACTICE_SCALES),
    DefaultSection("Children in care, including permanence and sufficiency", 1000, PRACTICE_SCALES),
    DefaultSection("Care leavers", 800, PRACTICE_SCALES),
    DefaultSection("The impact of leaders on practice with children and families", 800, PRACTICE_SCALES),
    DefaultSection("Workforce", 600, PRACTICE_SCALES),
    DefaultSection("Education and SEND", 800, PRACTICE_SCALES, optional=True),
    DefaultSection("Plans, asks and offers", 500, (PLANS, BREVITY)),
)


@dataclass(frozen=True)
class DefaultScale:
    key: str
    name: str
    question: str
    # Ordered scales run from best to worst, so two ratings can be "one level apart"; on a scale that is not
    # ordered (self-knowledge) two peers agree only on the same level.
    ordered: bool
    levels: tuple[tuple[str, str], ...]  # (label, definition), best first on an ordered scale


DEFAULT_SCALES = (
    DefaultScale(
        EVIDENCE,
        "Evidence strength",
        "How far are the judgements backed by evidence?",
        True,
        (
            (
                "Strong",
                "Judgements rest on several kinds of current evidence (performance data with comparators, "
                "audit, children's and families' own words) and show the impact on children.",
            ),
            (
                "Sufficient",
                "Most judgements are evidenced, mainly by indicators or activity; impact is partly shown.",
            ),
            ("Limited", "Largely assertion, one source or out-of-date evidence; impact is not shown."),
            ("Not evidenced", "Judgements are stated without evidence."),
        ),
    ),
    DefaultScale(
        BREVITY,
        "Brevity and focus",
        "How concise is it, and how much is business as usual?",
        True,
        (
            ("Concise", "Every paragraph supports a judgement."),
            ("Mostly concise", "Some description that does not support a judgement."),
            (
                "Substantial business as usual",
                'Much description of structures, meetings and activity with no "so what".',
            ),
            ("Overlong", "The key messages are hard to find."),
        ),
    ),
    DefaultScale(
        SELF_KNOWLEDGE,
        "Self-knowledge",
        "How accurate is the authority's view of itself?",
        False,
        (
            ("Accurate", "The judgements match the evidence."),
            ("Partly accurate", "Some judgements match the evidence, some do not."),
            ("Over-optimistic", "The judgements are more positive than the evidence shows."),
            ("Over-cautious", "The judgements are less positive than the evidence shows."),
        ),
    ),
    DefaultScale(
        PLANS,
        "Plans",
        "Are the plans specific, measurable, achievable, relevant and time-bound (SMART)?",
        True,
        (
            ("SMART", "Each priority has an owner, a measure of success and a date."),
            ("Partly SMART", "Priorities are clear, but some lack a measure, an owner or a date."),
            ("Not SMART", "Intentions without measures, owners or dates."),
        ),
    ),
)

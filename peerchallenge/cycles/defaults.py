"""The default self-assessment template (Eastern Region style) and review rubric, copied into new cycles."""

from dataclasses import dataclass

FOUR_QUESTIONS = (
    "What do we know about the quality and impact of practice on children's lived experience?\n"
    "How do we know it (data, audit, feedback from children and families, practice observation, "
    "external scrutiny)?\n"
    "What worries us?\n"
    "What will we do in the next 12 months (specific, measurable and time-bound)?"
)


@dataclass(frozen=True)
class DefaultSection:
    title: str
    suggested_words: int
    optional: bool = False
    guidance: str = FOUR_QUESTIONS


DEFAULT_TEMPLATE = (
    DefaultSection("Headline summary and context", 600),
    DefaultSection("Progress since last year", 600),
    DefaultSection("Early help", 800),
    DefaultSection("Help and protection", 1000),
    DefaultSection("Children in care", 1000),
    DefaultSection("Care leavers", 800),
    DefaultSection("Leadership, management and governance", 800),
    DefaultSection("Workforce", 600),
    DefaultSection("Education and SEND", 800, optional=True),
    DefaultSection("Plans, asks and offers", 500),
)


@dataclass(frozen=True)
class DefaultScale:
    key: str
    name: str
    question: str
    levels: tuple[tuple[str, str], ...]


DEFAULT_SCALES = (
    DefaultScale(
        "evidence",
        "Evidence strength",
        "How far are the judgements backed by evidence?",
        (
            (
                "Strong",
                "Claims backed by several kinds of evidence: data, audit, children's and families' "
                "voice; current; shows impact on children.",
            ),
            ("Adequate", "Most claims evidenced, mainly by activity or indicators; impact partly shown."),
            ("Limited", "Largely assertion, one source or out-of-date evidence; impact not shown."),
            ("No evidence", "Judgements are stated without evidence."),
        ),
    ),
    DefaultScale(
        "brevity",
        "Brevity and focus",
        "How concise is it, and how much is business as usual?",
        (
            ("Concise", "Every paragraph supports a judgement."),
            ("Mostly concise", "Some padding."),
            (
                "Substantial business as usual",
                'Much description of structures and activity with no "so what".',
            ),
            ("Overlong", "Key messages are hard to find."),
        ),
    ),
    DefaultScale(
        "self_knowledge",
        "Self-knowledge",
        "How accurate is the authority's view of itself?",
        (
            ("Accurate", "The judgements match the evidence."),
            ("Partly accurate", "Some judgements match the evidence, some do not."),
            ("Over-optimistic", "The judgements are more positive than the evidence shows."),
            ("Over-cautious", "The judgements are less positive than the evidence shows."),
        ),
    ),
)

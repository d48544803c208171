"""The default self-assessment template and review rubric, copied into each new cycle (plain data).

The section titles follow the words of Ofsted's inspection of local authority children's services (ILACS)
framework and the Department for Education's Families First Partnership programme guide; docs/domain.md says
which title comes from where. A cycle keeps its own copy, so changing these changes only cycles created later.
"""

from dataclasses import dataclass

# Each section's guidance is simple Markdown (peerchallenge.sanitise renders it): the four questions Ofsted's
# annual self-evaluation asks, the section's own prompts, children's voice, and what to leave out.
FOUR_QUESTIONS = (
    "Answer four questions:\n\n"
    "- What do we know about the quality and impact of practice on children's lived experience?\n"
    "- How do we know it (data, audit, feedback from children and families, practice observation, "
    "external scrutiny)?\n"
    "- What worries us?\n"
    "- What will we do in the next 12 months (specific, measurable and time-bound)?"
)
LEAVE_OUT = (
    "Leave out descriptions of services, structure charts and meeting schedules: they are business as usual."
)


def section_guidance(prompts: tuple[str, ...], voice: str) -> str:
    """The four questions, the section's own prompts, children's voice and what to leave out, as Markdown."""
    cover = "\n".join(f"- {prompt}" for prompt in prompts)
    return f"{FOUR_QUESTIONS}\n\nCover in particular:\n\n{cover}\n\n{voice}\n\n{LEAVE_OUT}"


CHILDREN_AND_FAMILIES_VOICE = (
    "Say what children and families told you, in their own words where you can, "
    "and what changed because of it."
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
    # Headings authorities still give this section (earlier titles, Ofsted's older judgement names): an
    # upload's heading that matches one of them is read as this section.
    other_headings: tuple[str, ...] = ()


DEFAULT_TEMPLATE = (
    DefaultSection(
        "Headline summary and context",
        600,
        (BREVITY, SELF_KNOWLEDGE),
        guidance=section_guidance(
            (
                "your area in a few lines: its children, need and demand compared with statistical "
                "neighbours and England",
                "your overall judgement of practice, and how sure you are of it",
                "the three or four things that matter most this year",
                "your last inspection or focused visit, and what has changed since",
            ),
            CHILDREN_AND_FAMILIES_VOICE,
        ),
        other_headings=("Executive summary", "Introduction and context", "Local context", "Overview"),
    ),
    DefaultSection(
        "Progress since last year",
        600,
        (EVIDENCE, SELF_KNOWLEDGE),
        guidance=section_guidance(
            (
                "each priority you set last year: what changed for children, and the evidence",
                "the areas for improvement from your last inspection or focused visit",
                "what has not moved, and why",
                "what peers challenged you on last year, and what you did about it",
            ),
            CHILDREN_AND_FAMILIES_VOICE,
        ),
        other_headings=(
            "Progress since our last self-assessment",
            "Progress since the last inspection",
            "Progress against last year's priorities",
        ),
    ),
    DefaultSection(
        "Family help, including early help",
        800,
        PRACTICE_SCALES,
        guidance=section_guidance(
            (
                "Family Help teams and lead practitioners: who holds the work, how quickly families get "
                "help, caseloads",
                "the front door: contacts, referrals and re-referrals, and how partners use the threshold "
                "document",
                "family group decision-making and support for family networks",
                "moving between Family Help and child protection, both ways",
                "whether help lasts: families who come back, and why",
            ),
            CHILDREN_AND_FAMILIES_VOICE,
        ),
        other_headings=(
            "Early help",
            "Early help and prevention",
            "Early help and the front door",
            "Family help",
            "Targeted early help",
        ),
    ),
    DefaultSection(
        "Help and protection, including multi-agency child protection",
        1000,
        PRACTICE_SCALES,
        guidance=section_guidance(
            (
                "multi-agency child protection teams and the lead child protection practitioner",
                "strategy discussions: how quickly they happen, and whether police, health and education "
                "take part",
                "child protection plans: how long they last, drift, and children on a plan for a second "
                "or later time",
                "children missing from home or care, and children exploited or harmed outside the home",
                "pre-proceedings and decisions to go to court",
            ),
            CHILDREN_AND_FAMILIES_VOICE,
        ),
        other_headings=(
            "Child protection",
            "Children who need help and protection",
            "Multi-agency child protection",
            "Safeguarding and child protection",
            "Protecting children",
        ),
    ),
    DefaultSection(
        "Children in care, including permanence and sufficiency",
        1000,
        PRACTICE_SCALES,
        guidance=section_guidance(
            (
                "stability: moves of home, school and social worker",
                "permanence: plans made in time, return home, adoption, special guardianship and "
                "long-term fostering",
                "kinship care and support for family networks",
                "sufficiency of homes: children living far from home, in homes that are not registered, "
                "and foster carers recruited and kept",
                "health, education with the virtual school, and time with family and friends",
            ),
            "Say what children in care told you (through the Children in Care Council and their reviews), "
            "and what changed because of it.",
        ),
        other_headings=(
            "Children looked after and achieving permanence",
            "Children in care and permanence",
            "Looked after children",
            "Permanence and sufficiency",
        ),
    ),
    DefaultSection(
        "Care leavers",
        800,
        PRACTICE_SCALES,
        guidance=section_guidance(
            (
                "pathway plans and personal advisers: quality, and how young people shape them",
                "staying close and staying put",
                "education, employment and training, against England",
                "suitable accommodation, and young people who are homeless or in custody",
                "the local offer for care leavers, and support up to 25",
                "health and emotional wellbeing",
            ),
            "Say what care leavers told you, in their own words where you can, and what changed because "
            "of it.",
        ),
        other_headings=(
            "Leaving care",
            "Young people leaving care",
            "The experiences and progress of care leavers",
            "Care experienced young people",
        ),
    ),
    DefaultSection(
        "The impact of leaders on practice with children and families",
        800,
        PRACTICE_SCALES,
        guidance=section_guidance(
            (
                "how leaders know the quality of practice: audit, practice observation, performance data",
                "what audit found, and what leaders did about it",
                "corporate parenting: the council's members and officers as parents to children in care "
                "and care leavers",
                "safeguarding partners and the Families First reforms: what has changed in practice",
                "spending and demand: the choices leaders made, and their effect on children",
            ),
            "Say how leaders hear from children, families and practitioners directly, and what changed "
            "because of it.",
        ),
        other_headings=(
            "Leadership, management and governance",
            "Leadership and management",
            "Leadership and governance",
            "The impact of leaders on social work practice with children and families",
        ),
    ),
    DefaultSection(
        "Workforce",
        600,
        PRACTICE_SCALES,
        guidance=section_guidance(
            (
                "caseloads, by team",
                "reliance on agency social workers, against regional and England rates",
                "turnover, vacancies and sickness",
                "supervision: how often, and whether it helps practitioners think",
                "newly qualified social workers, training and career routes",
            ),
            "Say what practitioners told you about working here, and what changed because of it; and how "
            "many social workers children have had.",
        ),
        other_headings=("Our workforce", "Workforce development", "Social work workforce", "Our people"),
    ),
    DefaultSection(
        "Education and SEND",
        800,
        PRACTICE_SCALES,
        optional=True,
        guidance=section_guidance(
            (
                "the virtual school: attendance, exclusions, attainment and personal education plans of "
                "children in care and children with a social worker",
                "education, health and care (EHC) plans: issued within 20 weeks, their quality, annual "
                "reviews",
                "children missing education, educated at home, or in alternative provision",
                "your last area SEND inspection, and progress since",
            ),
            CHILDREN_AND_FAMILIES_VOICE,
        ),
        other_headings=(
            "SEND",
            "Special educational needs and disabilities",
            "Education, SEND and inclusion",
            "Education and inclusion",
        ),
    ),
    DefaultSection(
        "Plans, asks and offers",
        500,
        (PLANS, BREVITY),
        guidance=(
            f"{FOUR_QUESTIONS}\n\n"
            "Here, answer the last of them for the whole self-assessment, drawing on what the sections "
            "before found. Cover in particular:\n\n"
            "- your priorities for the next 12 months, each with an owner, a measure of success and a date "
            "(SMART)\n"
            "- asks: the support you want from other authorities in the region\n"
            "- offers: practice you can share with others\n\n"
            "Say how children and families helped set these priorities.\n\n"
            "Leave out plans that only describe meetings, boards or restructures."
        ),
        other_headings=(
            "Priorities for the next 12 months",
            "Our priorities",
            "Next steps",
            "Improvement plan",
            "Offers and asks",
        ),
    ),
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

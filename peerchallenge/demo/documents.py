"""Self-assessments for the demo, written in code from each authority's profile (demo/profiles.py).

Each section answers the template's four questions (what we know, how we know it, what worries us, what we
will do) from the authority's figures, strengths and worries, then adds as much "business as usual" as the
authority tends to write. Each figure is stated once, in the one section it belongs to, and no sentence
appears twice in a self-assessment. Alongside the text the writer records what a careful peer would find in
each section (`SectionQuality`): the demo's reviews rate what the text really shows.
"""

import io
import random
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from peerchallenge.demo.profiles import (
    CARE,
    FAMILY_HELP,
    HEADLINE,
    INDICATORS,
    LEADERS,
    LEAVERS,
    PLANS,
    PROGRESS,
    PROTECTION,
    SEND,
    WORKFORCE,
    AuthorityProfile,
    Indicator,
)

EVIDENCE_LEVELS = ("Strong", "Sufficient", "Limited", "Not evidenced")
BREVITY_LEVELS = ("Concise", "Mostly concise", "Substantial business as usual", "Overlong")
PLANS_LEVELS = ("SMART", "Partly SMART", "Not SMART")
ACCURATE, PARTLY, OPTIMISTIC, CAUTIOUS = "Accurate", "Partly accurate", "Over-optimistic", "Over-cautious"


@dataclass(frozen=True)
class SectionQuality:
    """What the section really shows, as the default scales' level labels."""

    evidence: str
    brevity: str
    self_knowledge: str
    plans: str


@dataclass
class WrittenSection:
    title: str
    heading: str
    paragraphs: list[str]
    quality: SectionQuality
    figures: dict[str, float] = field(default_factory=dict)  # the figures the section states

    @property
    def words(self) -> int:
        return sum(len(paragraph.split()) for paragraph in self.paragraphs)


# How each section knows what it claims, beyond the figures: (kind of evidence, sentence).
EVIDENCE = {
    PROGRESS: (
        ("audit", "A re-audit in the spring looked again at the cases behind each area for improvement."),
        (
            "voice",
            "We asked the children and families who met the inspectors what has changed for them since.",
        ),
        ("external", "Our improvement board, chaired independently, has checked progress against each area."),
    ),
    FAMILY_HELP: (
        ("audit", "Our audit of family help cases found plans that named what would change for the child."),
        (
            "voice",
            "Families who finished family help this year told us what made a difference, in their words.",
        ),
        ("external", "Health visitors and school leaders report that families are reaching help sooner."),
    ),
    PROTECTION: (
        ("audit", "Multi-agency audits of strategy discussions show decisions recorded with their reasons."),
        (
            "voice",
            "Parents on child protection plans say they understand what professionals are worried about.",
        ),
        (
            "external",
            "The safeguarding partnership's review of core groups found police and health attending.",
        ),
    ),
    CARE: (
        ("audit", "Our audit of care plans found that children's wishes were recorded and acted on."),
        ("voice", "The children in care council chose this year's priorities and reviews them with us."),
        ("external", "Independent reviewing officers' reports show fewer practice alerts than a year ago."),
    ),
    LEAVERS: (
        ("audit", "An audit of pathway plans found most written with the young person, in plain words."),
        ("voice", "Care leavers surveyed by their own forum rated their personal adviser highly."),
        ("external", "Housing and the Jobcentre share monthly information with our leaving care service."),
    ),
    LEADERS: (
        ("audit", "Senior leaders take part in the monthly audit programme and meet the families concerned."),
        ("voice", "Practice weeks bring every manager into frontline work, and staff say they see leaders."),
        (
            "external",
            "Our own staff survey and the annual health check of social work teams inform priorities.",
        ),
    ),
    WORKFORCE: (
        ("audit", "Supervision audits show reflective discussion of children's plans in most records."),
        ("voice", "Social workers' own survey says they feel supported and know their managers."),
        ("external", "Exit interviews tell us why people leave, and we report them to the lead member."),
    ),
    SEND: (
        ("audit", "A joint audit with health of EHC plans found outcomes written in the child's own words."),
        ("voice", "The parent carer forum co-produced our local offer and tests it with families."),
        ("external", "School leaders' feedback shows inclusion support reaching mainstream classrooms."),
    ),
}

# What each section says it will do, in three degrees of precision: SMART, partly SMART, not SMART.
ACTIONS = {
    PROGRESS: (
        "By the end of March the improvement board will sign off each area with evidence from a re-audit.",
        "We will keep reporting progress on each area to the improvement board.",
        "We will continue to build on our progress.",
    ),
    FAMILY_HELP: (
        "By September the Head of Family Help will have every family help plan reviewed with the family at "
        "twelve weeks.",
        "We will review family help plans with families more often.",
        "We will further develop our family help offer.",
    ),
    PROTECTION: (
        "By March the Head of Safeguarding will have every child protection plan reviewed with a written "
        "reason for its length beyond nine months.",
        "We will look harder at child protection plans that last a long time.",
        "We will keep strengthening child protection practice.",
    ),
    CARE: (
        "By next autumn the Head of Children in Care will open two small local homes, each for up to three "
        "children.",
        "We will open more local homes for children in care.",
        "We will continue our work on sufficiency.",
    ),
    LEAVERS: (
        "By June every care leaver turning eighteen will have a housing plan agreed six months before, owned "
        "by the leaving care manager.",
        "We will plan care leavers' housing earlier.",
        "We will keep improving support for care leavers.",
    ),
    LEADERS: (
        "From April the Director will report quarterly to the lead member on what audits found for children.",
        "We will report more on the quality of practice to members.",
        "We will maintain strong leadership.",
    ),
    WORKFORCE: (
        "By March the Principal Social Worker will convert twelve agency posts to permanent ones through the "
        "academy.",
        "We will reduce our use of agency social workers.",
        "We will continue our recruitment and retention work.",
    ),
    SEND: (
        "By the summer term the Head of SEND will clear the backlog of EHC needs assessments older than 20 "
        "weeks.",
        "We will speed up EHC needs assessments.",
        "We will keep working with partners on SEND.",
    ),
}

# Sentences that say what a service is, not what it achieves: what a peer calls business as usual. Each
# section describes its own boards and services; a section with none of its own (the headline, the plans, a
# section a lead added) and a section written past its length borrow the council-wide ones; the headline,
# which describes the whole service, may then describe any section's (business_for).
TEAMS = {
    PROGRESS: ("the practice improvement group", "the audit moderation group"),
    FAMILY_HELP: ("the family help steering group", "the early help partnership"),
    PROTECTION: (
        "the Safeguarding Partnership Executive",
        "the exploitation subgroup",
        "the missing children panel",
    ),
    CARE: (
        "the corporate parenting board",
        "the placements commissioning group",
        "the fostering panel",
        "the edge of care panel",
    ),
    LEAVERS: ("the leaving care operational group", "the care leavers' housing panel"),
    LEADERS: ("the quality assurance panel", "the performance clinic"),
    WORKFORCE: (
        "the workforce development board",
        "the social work academy board",
        "the recruitment and retention group",
        "the supervision standards group",
        "the practice forum",
    ),
    SEND: ("the SEND partnership board", "the inclusion steering group"),
}
COUNCIL_TEAMS = (
    "the children's services leadership team",
    "the children and young people's partnership",
    "the directorate management team",
)
HABITS = (
    "{team} meets every month, receives a report from each agency, and keeps an action log.",
    "{team} has refreshed its terms of reference this year, and its membership is reviewed annually.",
    "{team} is supported by a business support officer, who circulates papers a week before each meeting.",
    "Minutes of {team} are published on the intranet, and its chair reports to the senior leadership team.",
    "{team} follows a forward plan agreed at the start of the year, with standing items on performance.",
    "{team} has an annual development session, and new members receive an induction pack.",
    "{team} receives a quarterly dashboard from the performance team and notes any exceptions.",
    "Attendance at {team} is monitored, and agencies that miss two meetings are contacted by the chair.",
)
EXTRA_WORDS = 1.6  # a long section is written to this multiple of its suggested length


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(part) for part in parts))  # noqa: S311 (demo text, not security)


SERVICES = {
    FAMILY_HELP: ("the family hubs", "the parenting team"),
    PROTECTION: ("the multi-agency safeguarding hub", "the emergency duty team", "the youth justice service"),
    CARE: ("the fostering service", "the adoption team", "the virtual school"),
    LEAVERS: ("the leaving care service",),
    WORKFORCE: ("the social work academy", "the recruitment team"),
    SEND: ("the SEND assessment team", "the educational psychology service"),
}
DESCRIPTIONS = (
    "{service} is managed by a team manager who reports to a head of service.",
    "{service} is staffed by a mix of social workers, practitioners and business support officers.",
    "{service} has its own page on the council's website, with contact details and opening hours.",
    "{service} is open Monday to Friday, with cover at other times from the duty rota.",
)


def _sentences(teams: Sequence[str], services: Sequence[str]) -> tuple[str, ...]:
    return tuple(
        sentence[0].upper() + sentence[1:]
        for sentence in (
            *(habit.format(team=team) for habit in HABITS for team in teams),
            *(description.format(service=service) for description in DESCRIPTIONS for service in services),
        )
    )


# The business as usual each section can write: its own meetings and services, then the council-wide ones.
OWN_BUSINESS = {title: _sentences(teams, SERVICES.get(title, ())) for title, teams in TEAMS.items()}
COUNCIL_BUSINESS = _sentences(COUNCIL_TEAMS, ())
BUSINESS_AS_USUAL = tuple(sentence for own in OWN_BUSINESS.values() for sentence in own) + COUNCIL_BUSINESS


def business_for(title: str) -> tuple[tuple[str, ...], ...]:
    """The business as usual a section may write, in the order it draws on it: its own, then the council's.

    The headline summary describes the whole service, so it may also describe any section's boards.
    """
    if title == HEADLINE:
        return (COUNCIL_BUSINESS, BUSINESS_AS_USUAL)
    return (OWN_BUSINESS.get(title, ()), COUNCIL_BUSINESS)


def _business_as_usual(used: set[str], rng: random.Random, title: str) -> str | None:
    """A sentence the self-assessment has not used yet, or None when the section has none left to write."""
    pools = ([sentence for sentence in pool if sentence not in used] for pool in business_for(title))
    unused = next((unused for unused in pools if unused), None)
    if unused is None:
        return None
    sentence = rng.choice(unused)
    used.add(sentence)
    return sentence


NUMBERS = ("no", "one", "two", "three", "four", "five")


# What a section's self-judgement is about, as the authority says it ("we judge ... to be good").
PRACTICE_AREAS = {
    FAMILY_HELP: "our help for families",
    PROTECTION: "our work to protect children",
    CARE: "our care of children in care",
    LEAVERS: "our support for care leavers",
    LEADERS: "leaders' grip on practice",
    WORKFORCE: "our support for social workers",
    SEND: "our support for children with SEND",
}


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[0].lower() + text[1:]


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _worse(indicator: Indicator, value: float) -> bool:
    if indicator.lower_is_better is None:
        return False
    return value > indicator.england if indicator.lower_is_better else value < indicator.england


def _self_knowledge(profile: AuthorityProfile, worried: bool, strong: bool) -> str:
    if profile.outlook == "optimistic" and worried:
        return OPTIMISTIC if profile.evidence < 2 else PARTLY
    if profile.outlook == "cautious" and strong and not worried:
        return CAUTIOUS
    return ACCURATE


def _practice_section(
    profile: AuthorityProfile, title: str, rng: random.Random
) -> tuple[list[str], SectionQuality, dict[str, float]]:
    """A section about practice: figures, strengths, how we know, worries, what we will do."""
    indicators = [indicator for indicator in INDICATORS if indicator.section == title]
    figures = {indicator.key: profile.figures[indicator.key] for indicator in indicators}
    strengths = [point for point in profile.strengths if point.section == title]
    worries = [point for point in profile.worries if point.section == title]
    worse = [indicator for indicator in indicators if _worse(indicator, figures[indicator.key])]
    worried = bool(worries or worse)

    known = [indicator.stated(figures[indicator.key]) for indicator in indicators]
    known += [point.text for point in strengths]
    paragraphs = [" ".join(known)] if known else []

    # How we know: the figures are one kind of evidence; the authority's habit decides how many others.
    count = max(0, min(3, profile.evidence + rng.choice((-1, 0, 0, 1)) - (0 if indicators else 1)))
    evidence = list(EVIDENCE[title][:count])
    if evidence:
        paragraphs.append(" ".join(sentence for _, sentence in evidence))
    kinds = len(evidence) + (1 if indicators else 0)
    evidence_level = EVIDENCE_LEVELS[max(0, 3 - kinds)]

    concerns = [f"What worries us: {_lower_first(point.text)}" for point in worries] or [
        indicator.concern for indicator in worse
    ]
    self_knowledge = _self_knowledge(profile, worried, strong=bool(strengths) and not worse)
    area = PRACTICE_AREAS[title]
    if self_knowledge == OPTIMISTIC:
        paragraphs.append(f"{_capital(area)} is consistently good, and we expect it to be judged so.")
    elif self_knowledge == PARTLY:
        paragraphs.append(" ".join(concerns) + f" Even so, we judge {area} to be consistently good.")
    elif self_knowledge == CAUTIOUS:
        paragraphs.append(f"We are not yet confident that {area} is good enough; we will wait for more data.")
    elif concerns:
        paragraphs.append(" ".join(concerns))
    paragraphs.append(ACTIONS[title][profile.plans])
    return (
        paragraphs,
        SectionQuality(evidence_level, "", self_knowledge, PLANS_LEVELS[profile.plans]),
        figures,
    )


def _headline(profile: AuthorityProfile) -> tuple[list[str], SectionQuality, dict[str, float]]:
    indicator = next(indicator for indicator in INDICATORS if indicator.section == HEADLINE)
    value = profile.figures[indicator.key]
    strengths = _and([point.topic for point in profile.strengths])
    worries = _and([point.topic for point in profile.worries])
    paragraphs = [
        f"{profile.context} {indicator.stated(value)}",
        profile.inspection.summary(),
        f"We are proudest of {strengths}. We are most worried about {worries}, and this self-assessment says "
        "what we are doing about each.",
    ]
    self_knowledge = {"optimistic": PARTLY, "cautious": CAUTIOUS}.get(profile.outlook, ACCURATE)
    if self_knowledge == PARTLY:
        paragraphs[-1] = (
            f"We are proudest of {strengths}, and we believe our services are good across the board."
        )
    quality = SectionQuality(EVIDENCE_LEVELS[1], "", self_knowledge, PLANS_LEVELS[profile.plans])
    return paragraphs, quality, {indicator.key: value}


ORDINALS = ("first", "second", "third")
PROGRESS_REPLIES = (
    "Since then, a re-audit found this much improved in the cases we looked at, though not yet in all of "
    "them.",
    "Since then, a new practice standard is in place, and managers check it at every supervision.",
    "Since then, we have changed how this is done, but it is too early to show the difference for children.",
)


def _progress(profile: AuthorityProfile, rng: random.Random) -> tuple[list[str], SectionQuality, dict]:
    inspection = profile.inspection
    paragraphs = [
        f"Our {inspection.name} of {inspection.inspected.strftime('%B %Y')} asked us to improve "
        f"{NUMBERS[len(inspection.areas_for_improvement)]} areas."
    ]
    for ordinal, area, reply in zip(
        ORDINALS, inspection.areas_for_improvement, PROGRESS_REPLIES, strict=False
    ):
        paragraphs.append(f"The {ordinal} area was {_lower_first(area)} {reply}")
    count = max(0, min(3, profile.evidence + rng.choice((-1, 0, 0))))
    evidence = EVIDENCE[PROGRESS][:count]
    if evidence:
        paragraphs.append(" ".join(sentence for _, sentence in evidence))
    self_knowledge = OPTIMISTIC if profile.outlook == "optimistic" and count < 2 else ACCURATE
    if self_knowledge == OPTIMISTIC:
        paragraphs.append("Every area for improvement has now been fully addressed.")
    paragraphs.append(ACTIONS[PROGRESS][profile.plans])
    quality = SectionQuality(EVIDENCE_LEVELS[3 - count], "", self_knowledge, PLANS_LEVELS[profile.plans])
    return paragraphs, quality, {}


OWNERS = {
    HEADLINE: "Director of Children's Services",
    PROGRESS: "Director of Children's Services",
    FAMILY_HELP: "Head of Family Help",
    PROTECTION: "Head of Safeguarding",
    CARE: "Head of Children in Care",
    LEAVERS: "Head of Leaving Care",
    LEADERS: "Director of Children's Services",
    WORKFORCE: "Principal Social Worker",
    SEND: "Head of SEND",
}
MEASURES = {
    FAMILY_HELP: "re-referrals at or below England's rate by next March",
    PROTECTION: "second or subsequent plans at or below England's rate by next March",
    CARE: "no child in care living more than twenty miles from home without a head of service's agreement, "
    "from June",
    LEAVERS: "every care leaver with a housing plan six months before their eighteenth birthday, from June",
    LEADERS: "a quarterly report to members on what audits found for children, from April",
    WORKFORCE: "agency use at or below England's rate by next March",
    SEND: "most new EHC plans issued within 20 weeks by the end of the summer term",
}
ASKS = (
    "We ask the region to share a pool of independent reviewing officers for children placed far from home.",
    "We ask our peers how they have brought agency rates down without losing experienced staff.",
    "We ask the region to commission specialist homes for teenagers together.",
)


def _plans(profile: AuthorityProfile, rng: random.Random) -> tuple[list[str], SectionQuality, dict]:
    topics = [worry.topic for worry in profile.worries]
    if profile.plans == 0:
        lines = [
            f"Priority {number}: {worry.topic}, led by the {OWNERS[worry.section]}; success is "
            f"{MEASURES[worry.section]}, reported to the improvement board each quarter."
            for number, worry in enumerate(profile.worries, start=1)
        ]
    elif profile.plans == 1:
        lines = [f"Our priorities are {_and(topics)}, each with progress reported to the improvement board."]
    else:
        lines = [f"We will continue to focus on {_and(topics)}."]
    offer = profile.strengths[0].topic
    paragraphs = [
        " ".join(lines),
        rng.choice(ASKS),
        f"We offer our peers a visit to see {offer} at work, and time with the practitioners who run it.",
    ]
    quality = SectionQuality(EVIDENCE_LEVELS[2], "", ACCURATE, PLANS_LEVELS[profile.plans])
    return paragraphs, quality, {}


def _brevity(words: int, suggested: int | None, padding_sentences: int) -> str:
    if suggested and words > 1.5 * suggested:
        return BREVITY_LEVELS[3]
    return BREVITY_LEVELS[min(2, (padding_sentences + 1) // 2)]


def demo_sections(
    profile: AuthorityProfile,
    sections: Sequence[tuple[str, int | None]],
    *,
    omit: AbstractSet[str] = frozenset(),
    long: AbstractSet[str] = frozenset(),
) -> list[WrittenSection]:
    """The self-assessment's sections, written from the profile; `long` ones padded past their length."""
    used: set[str] = set()
    result = []
    for number, (title, suggested) in enumerate(sections):
        if title in omit:
            continue
        rng = _rng(profile.name, title)
        if title == HEADLINE:
            paragraphs, quality, figures = _headline(profile)
        elif title == PROGRESS:
            paragraphs, quality, figures = _progress(profile, rng)
        elif title == PLANS:
            paragraphs, quality, figures = _plans(profile, rng)
        elif title in EVIDENCE:
            paragraphs, quality, figures = _practice_section(profile, title, rng)
        else:  # a section a lead added: said briefly, with no evidence
            paragraphs = [f"We describe our work on {title.lower()} in our service plan."]
            quality, figures = SectionQuality(EVIDENCE_LEVELS[3], "", ACCURATE, PLANS_LEVELS[2]), {}
        padding = [0, rng.randint(0, 2), rng.randint(2, 4)][profile.padding]
        bau = [sentence for _ in range(padding) if (sentence := _business_as_usual(used, rng, title))]
        words = sum(len(paragraph.split()) for paragraph in paragraphs)
        if title in long:
            while words + sum(len(sentence.split()) for sentence in bau) <= EXTRA_WORDS * (suggested or 500):
                if (sentence := _business_as_usual(used, rng, title)) is None:
                    break
                bau.append(sentence)
        for start in range(0, len(bau), 3):  # business as usual comes in paragraphs of up to three sentences
            paragraphs.insert(1, " ".join(bau[start : start + 3]))
        written = WrittenSection(title, f"{number}. {title}", paragraphs, quality, figures)
        brevity = _brevity(written.words, suggested, len(bau))
        written.quality = SectionQuality(quality.evidence, brevity, quality.self_knowledge, quality.plans)
        result.append(written)
    return result


# Last year's self-assessment: these authorities copied these sections into this year's, with the figures
# updated (last year's are a little lower or higher); the rest of last year's text is its own.
COPIED_FROM_LAST_YEAR = {
    "Essex": (WORKFORCE, LEADERS),
    "Luton": (WORKFORCE, LEADERS),
    "Hertfordshire": (WORKFORCE,),
    "Suffolk": (LEADERS,),
}
EARLIER = (
    "This year our first priority for {area} is a plan written with partners, which the improvement board "
    "will agree in the spring.",
    "New arrangements for {area} began in the autumn; it is too early to see them in the figures.",
    "We are most concerned about {worry}, and we have asked the improvement board to track it each quarter.",
)
FIGURE = re.compile(r"\d+(?:\.\d+)?")


def earlier_sections(
    profile: AuthorityProfile, sections: list[WrittenSection], year: int
) -> list[WrittenSection]:
    """The same self-assessment as written the year before: copied sections with other figures, the rest
    in words of their own with some of the same business as usual."""
    copied = COPIED_FROM_LAST_YEAR.get(profile.name, ())
    used: set[str] = set()
    earlier = []
    for section in sections:
        if section.title in copied:
            paragraphs = [FIGURE.sub(_earlier_figure, paragraph) for paragraph in section.paragraphs]
        else:
            paragraphs = _earlier_paragraphs(
                profile, section.title, used, _rng(profile.name, section.title, year)
            )
        earlier.append(WrittenSection(section.title, section.heading, paragraphs, section.quality, {}))
    return earlier


def _earlier_figure(match: re.Match[str]) -> str:
    """A figure as it stood a year before: a little different, whole numbers kept whole; years kept."""
    text = match.group()
    value = float(text)
    if "." not in text and 1990 <= value <= 2100:
        return text
    earlier = value * 1.08 + 1
    return f"{earlier:.1f}" if "." in text else str(round(earlier))


def _earlier_paragraphs(
    profile: AuthorityProfile, title: str, used: set[str], rng: random.Random
) -> list[str]:
    area = PRACTICE_AREAS.get(title, title.lower())
    worries = [point.topic for point in profile.worries if point.section == title] or [
        profile.worries[0].topic
    ]
    first = " ".join(line.format(area=area, worry=worries[0]) for line in EARLIER[:2])
    bau = [sentence for _ in range(profile.padding + 1) if (sentence := _business_as_usual(used, rng, title))]
    return [first, EARLIER[2].format(area=area, worry=worries[0]), *([" ".join(bau)] if bau else [])]


# The splitter keeps a title heading above the first section as a part of its own, "not matched to a template
# section" and empty (documents/sections.py keeps every heading). The demo's files carry no title in their
# text: the Word file keeps it in its document properties, where Word shows it and the splitter never looks.
def demo_title(profile: AuthorityProfile) -> str:
    return f"{profile.name} children's services self-assessment"


def demo_markdown(
    profile: AuthorityProfile,
    sections: Sequence[tuple[str, int | None]],
    *,
    earlier: int | None = None,
    **options,
) -> str:
    """The self-assessment as Markdown; as written in the year `earlier` if given (see earlier_sections)."""
    written = demo_sections(profile, sections, **options)
    if earlier is not None:
        written = earlier_sections(profile, written, earlier)
    parts = []
    for section in written:
        parts.append(f"## {section.heading}\n")
        parts.extend(f"{paragraph}\n" for paragraph in section.paragraphs)
    return "\n".join(parts)


def demo_docx(profile: AuthorityProfile, sections: Sequence[tuple[str, int | None]], **options) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = demo_title(profile)
    for section in demo_sections(profile, sections, **options):
        document.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

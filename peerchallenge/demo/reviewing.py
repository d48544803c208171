"""The demo's peer reviews: ratings that follow what the self-assessment shows, and comments that agree.

A reviewer rates a section on the scales the template gives it (cycles/defaults.py), and the overall part on
every scale. Its ratings are what the written section really shows (documents.SectionQuality), sometimes one
level apart from its co-reviewer's, as peers are. Its comments then follow the ratings, by this rule, which
tests/test_demo_content.py checks for every part of every demo review:

- evidence Strong or Sufficient: at least one strength, and no area for development about missing evidence;
  Limited or Not evidenced: an area for development about evidence, and no strength about evidence;
- brevity Concise or Mostly concise: no area for development about length; Substantial business as usual or
  Overlong: an area for development about length, and no strength about length;
- self-knowledge Accurate: no area for development about self-knowledge; any other level: one about it;
- plans SMART: no area for development about the plans; Partly SMART or Not SMART: one about them.

Comments and challenge questions name the section they are under, and the two peers of an authority never
write the same one, so nothing repeats within a letter; each comment's wording is taken in turn from several,
so a letter uses one wording at most twice; each peer writes its own summary.
"""

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peerchallenge.cycles.defaults import BREVITY, EVIDENCE, PLANS, SELF_KNOWLEDGE
from peerchallenge.demo.documents import (
    ACCURATE,
    BREVITY_LEVELS,
    EVIDENCE_LEVELS,
    PLANS_LEVELS,
    SectionQuality,
    WrittenSection,
)
from peerchallenge.demo.profiles import (
    CARE,
    FAMILY_HELP,
    HEADLINE,
    LEADERS,
    LEAVERS,
    PROGRESS,
    PROTECTION,
    SEND,
    WORKFORCE,
    AuthorityProfile,
)
from peerchallenge.demo.profiles import (
    PLANS as PLANS_SECTION,
)

STRENGTH, DEVELOPMENT = "strength", "development"
PRACTICE = "practice"  # a comment about the service itself, not about one of the scales

# The words a comment uses for the section it is under.
SUBJECTS = {
    HEADLINE: "the headline summary",
    PROGRESS: "the account of progress since the inspection",
    FAMILY_HELP: "the section on family help",
    PROTECTION: "the section on help and protection",
    CARE: "the section on children in care",
    LEAVERS: "the section on care leavers",
    LEADERS: "the account of leaders' impact",
    WORKFORCE: "the workforce section",
    SEND: "the section on education and SEND",
    PLANS_SECTION: "the section on plans, asks and offers",
}
OVERALL_SUBJECT = "the self-assessment"

# Who a section's work is for, as a reviewer names them.
PEOPLE = {
    FAMILY_HELP: "families who need help",
    PROTECTION: "children at risk",
    CARE: "children in care",
    LEAVERS: "your care leavers",
    WORKFORCE: "social workers and the children they work with",
    SEND: "children with SEND and their families",
}
EVERYONE = "children and families"

# (scale, kind) -> comment templates. A review takes each template in turn, the first peer the even ones and
# the second the odd ones, so that a letter uses each wording at most twice, however many sections share a
# rating (tests/test_demo_content.py checks it).
TEMPLATES: dict[tuple[str, str], tuple[str, ...]] = {
    (EVIDENCE, STRENGTH): (
        "Judgements in {s} are backed by audit and by what children and families say.",
        "The evidence in {s} is current and shows what changed for children.",
        "{S} shows how you know, not only what you think.",
        "Each judgement in {s} points to the audit or feedback behind it.",
        "We could follow the evidence in {s} from the figures to the judgement.",
        "{S} uses children's and families' own words to back its judgements.",
        "The claims in {s} are ones we could test, and the evidence given holds up.",
        "{S} triangulates well: figures, audit and feedback tell the same story.",
        "In {s} you show the difference for children, not just the activity.",
        "Good use of partners' views in {s} to test your own judgement.",
    ),
    (EVIDENCE, DEVELOPMENT): (
        "Much of {s} is asserted: say how you know, with audit or feedback.",
        "The evidence in {s} is thin; children's and families' own words are missing.",
        "{S} tells us what you do but not what difference it makes; add what audit found.",
        "We could not find the evidence behind the judgements in {s}.",
        "In {s}, add what children and families told you: at present the judgements rest on opinion.",
        "{S} would carry more weight with one audit finding behind each judgement.",
        "The judgements in {s} need testing against audit, not only against performance figures.",
        "Partners' views are missing from {s}; how do they see the same work?",
        "{S} relies on counts of activity; show what changed for children.",
        "Say in {s} which cases you looked at and what you found.",
    ),
    (BREVITY, STRENGTH): (
        "{S} is short, and every paragraph supports a judgement.",
        "{S} keeps to what matters for children.",
        "{S} is tightly written and easy to follow.",
        "No padding in {s}: it goes straight to what you know and what you will do.",
        "{S} says a lot in few words.",
        "We found {s} clear and to the point.",
        "{S} leaves out the structures and keeps the practice.",
        "The length of {s} is right for what it has to say.",
        "{S} reads quickly, and its key messages stand out.",
        "Well judged in length: {s} gives peers just what they need.",
    ),
    (BREVITY, DEVELOPMENT): (
        "Much of {s} describes meetings and structures; cut it to what supports a judgement.",
        "{S} could be half the length without losing a judgement.",
        "The key messages in {s} are lost among descriptions of boards and panels.",
        "Trim {s}: peers need the judgements, not the terms of reference.",
        "{S} spends more words on how meetings run than on children.",
        "Cut the business as usual from {s} so that what matters stands out.",
        "In {s}, the description of services crowds out the analysis.",
        "We would drop the paragraphs on governance in {s}; they add length but not insight.",
        "{S} is long for what it tells us about practice.",
        "Put the judgement first in {s}, and leave the service descriptions to your service plans.",
    ),
    (SELF_KNOWLEDGE, STRENGTH): (
        "{S} is honest about what is not yet good enough.",
        "{S} reads as a true picture, worries included.",
        "The judgements in {s} match the figures beside them.",
        "{S} knows its weaknesses as well as its strengths.",
        "We recognised the picture in {s}: it is balanced and candid.",
        "{S} does not overclaim; the grades you give yourself feel right.",
        "Refreshingly candid: {s} names its worries before we had to.",
        "The self-judgement in {s} agrees with what the evidence shows.",
        "{S} is realistic about where practice is and where it is going.",
        "We trust the judgements in {s} because they admit the gaps.",
    ),
    (SELF_KNOWLEDGE, DEVELOPMENT): (
        "The judgements in {s} are more positive than the figures beside them.",
        "Say plainly what worries you in {s}: the data suggests there is something.",
        "{S} claims more than its evidence shows.",
        "The worries named in {s} do not sit easily with the judgement of good practice.",
        "We read {s} as more confident than the figures allow.",
        "Test the judgement in {s} against your own figures: they tell a less settled story.",
        "{S} describes the service at its best rather than as it usually is.",
        "An inspector would question the grade you give yourself in {s}.",
        "{S} passes quickly over the figures that are worse than England's.",
        "Be more candid in {s} about what is not yet working.",
    ),
    (PLANS, STRENGTH): (
        "The actions in {s} have owners, measures and dates.",
        "The actions in {s} can be checked next year: each has a measure and a date.",
        "{S} names who will do what by when.",
        "Each priority in {s} comes with a measure peers could test.",
    ),
    (PLANS, DEVELOPMENT): (
        "Give each action in {s} an owner, a measure and a date.",
        "The actions in {s} are intentions; say how you will know they worked.",
        "{S} needs dates and named owners before peers can hold you to it.",
        "Turn the priorities in {s} into measures you could report on next year.",
    ),
}
CAUTIOUS_TEMPLATES = (
    "{S} undersells itself: the evidence is better than the text admits.",
    "Be more confident in {s}: the figures support a stronger judgement.",
    "{S} is too modest; what you describe is good practice.",
    "You could claim more in {s}; the evidence is there.",
    "{S} waits for data it already has: say what the data shows.",
    "We read stronger practice in {s} than you give yourself credit for.",
)
PRACTICE_TEMPLATES = {
    STRENGTH: (
        "What you describe on {topic} is a clear strength, and it shows for {people}.",
        "We were impressed by what you describe on {topic}.",
        "{Topic}: a real strength, and one other authorities could learn from.",
        "The account of {topic} shows a difference for {people}.",
        "Your peers would learn from your approach to {topic}.",
        "On {topic}, the difference for {people} comes through clearly.",
    ),
    DEVELOPMENT: (
        "On {topic}, say what will be different for {people} a year from now.",
        "Show how you will know that your plan on {topic} is working for {people}.",
        "We would like to hear more about {topic}: what is the plan, and who owns it?",
        "The worry here is {topic}; say what {people} will notice when it improves.",
        "On {topic}, say what you have already tried and what you learned.",
        "Tell us how you will measure progress on {topic}.",
    ),
}
OVERALL_PRACTICE_TEMPLATES = {
    STRENGTH: (
        "Across the self-assessment, {topic} stands out as a strength.",
        "The strongest thread in the self-assessment is {topic}.",
    ),
    DEVELOPMENT: (
        "Across the self-assessment, {topic} needs a sharper plan.",
        "The self-assessment should say more about {topic}, the biggest worry it names.",
    ),
}

# Challenge questions, section by section; the two peers of an authority never ask the same one.
QUESTIONS = {
    HEADLINE: (
        "What single change would children here notice first if your priorities succeed?",
        "Which of your judgements would you least like an inspector to test, and why?",
        "How does your view of the service compare with what your partners say about it?",
    ),
    PROGRESS: (
        "Which area for improvement has changed most for children, and how do you know?",
        "Which area for improvement is proving hardest, and what is in the way?",
        "How have you checked progress with the children and families concerned?",
    ),
    FAMILY_HELP: (
        "How do you know that families helped early do not return to social care a year later?",
        "What do families say about how easy it is to ask for help?",
        "How do schools and health visitors know when to step in with family help?",
    ),
    PROTECTION: (
        "What do your audits say about the quality of multi-agency strategy discussions?",
        "Why do some children come back onto a child protection plan, and what are you changing?",
        "How do you know the plans that end have made children safer?",
    ),
    CARE: (
        "How many children in care live more than twenty miles from home, and what is the plan for them?",
        "How do children in care influence the decisions that shape their homes?",
        "What stops children in care from staying with the same carers for longer?",
    ),
    LEAVERS: (
        "How do care leavers judge the support they receive from their personal advisers?",
        "What is the local offer doing for care leavers who are not in education, employment or training?",
        "How early does housing planning start for young people about to leave care?",
    ),
    LEADERS: (
        "How do leaders know what practice is like on a Friday afternoon?",
        "Which decision by leaders this year made the biggest difference for children?",
        "How do members challenge you on the quality of practice, not only on spend?",
    ),
    WORKFORCE: (
        "What would you stop doing to free social workers' time for children?",
        "Which teams lose most staff, and what do exit interviews tell you?",
        "How do newly qualified social workers judge their first year with you?",
    ),
    SEND: (
        "How do families of children with EHC plans judge the help they receive?",
        "What is being done about children waiting longest for an EHC needs assessment?",
        "How do schools know that inclusion support is working for children with SEND?",
    ),
    PLANS_SECTION: (
        "Which one of your priorities would you drop if money fell further?",
        "What would make your ask of the region easy for peers to say yes to?",
        "How will the region know that your offer helped another authority?",
    ),
}
OVERALL_QUESTIONS = (
    "What will you tell children and families about what this peer challenge changed?",
    "Which finding of this review would you most want your lead member to hear?",
    "What is the one thing you would ask your peers to come back and look at next year?",
    "Where does your data tell a different story from your practice, and which do you trust?",
)
SUMMARIES = (
    "{name}'s self-assessment {brevity} and {evidence}. Its strongest part is {strength}. We would most like "
    "to hear more about {worry}, and about what will be different for children a year from now.",
    "We read this self-assessment with interest. It {brevity} and {evidence}; we recognised {strength} "
    "as real. Our main challenge is about {worry}: what will change for children, and how you will know.",
    "A useful read for peers. On {strength}, {name} shows practice we can learn from. The self-assessment "
    "{brevity} and {evidence}; on {worry} it needs sharper plans.",
)
BREVITY_WORDS = (
    "is concise",
    "is mostly concise",
    "carries a good deal of business as usual",
    "is too long for its key messages to stand out",
)
EVIDENCE_WORDS = (
    "its judgements are well evidenced",
    "most of its judgements are evidenced",
    "too many of its judgements rest on assertion",
    "its judgements are largely unevidenced",
)


@dataclass(frozen=True)
class Comment:
    text: str
    scale: str  # the scale it speaks to, or PRACTICE
    kind: str  # STRENGTH or DEVELOPMENT


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _fill(template: str, subject: str) -> str:
    return template.format(s=subject, S=_capital(subject))


def scale_comment(scale: str, kind: str, subject: str, variant: int, cautious: bool = False) -> Comment:
    templates = CAUTIOUS_TEMPLATES if cautious else TEMPLATES[(scale, kind)]
    return Comment(_fill(templates[variant % len(templates)], subject), scale, kind)


def practice_comment(
    topic: str, kind: str, variant: int, overall: bool = False, people: str = EVERYONE
) -> Comment:
    templates = (OVERALL_PRACTICE_TEMPLATES if overall else PRACTICE_TEMPLATES)[kind]
    text = templates[variant % len(templates)].format(topic=topic, Topic=_capital(topic), people=people)
    return Comment(_capital(text), PRACTICE, kind)


class Wordings:
    """Hands one review its wordings in turn: of two peers, the first the even ones and the second the odd
    ones (of three, every third)."""

    def __init__(self, reviewer: int, peers: int = 2) -> None:
        self.reviewer, self.peers = reviewer, peers
        self.used: Counter[tuple[str, ...]] = Counter()

    def next(self, *key: str) -> int:
        variant = self.peers * self.used[key] + self.reviewer
        self.used[key] += 1
        return variant


def catalogue(profile: AuthorityProfile) -> dict[str, Comment]:
    """Every comment the demo can write about an authority, by its text: how the tests read a review."""
    found: dict[str, Comment] = {}
    for subject in [*SUBJECTS.values(), OVERALL_SUBJECT]:
        for (scale, kind), templates in TEMPLATES.items():
            for variant in range(len(templates)):
                comment = scale_comment(scale, kind, subject, variant)
                found[comment.text] = comment
        for variant in range(len(CAUTIOUS_TEMPLATES)):
            comment = scale_comment(SELF_KNOWLEDGE, DEVELOPMENT, subject, variant, cautious=True)
            found[comment.text] = comment
    for point in (*profile.strengths, *profile.worries):
        for kind in (STRENGTH, DEVELOPMENT):
            for people in {*PEOPLE.values(), EVERYONE}:
                for variant in range(len(PRACTICE_TEMPLATES[kind])):
                    comment = practice_comment(point.topic, kind, variant, people=people)
                    found[comment.text] = comment
            for variant in range(len(OVERALL_PRACTICE_TEMPLATES[kind])):
                comment = practice_comment(point.topic, kind, variant, overall=True)
                found[comment.text] = comment
    return found


LEVELS = {EVIDENCE: EVIDENCE_LEVELS, BREVITY: BREVITY_LEVELS, PLANS: PLANS_LEVELS}
# The levels at and past which a scale calls for an area for development.
WEAK_FROM = {EVIDENCE: 2, BREVITY: 2, PLANS: 1}


def is_weak(scale: str, label: str) -> bool:
    """Whether a rating calls for an area for development (the rule above)."""
    if scale == SELF_KNOWLEDGE:
        return label != ACCURATE
    return LEVELS[scale].index(label) >= WEAK_FROM[scale]


def disagreements(ratings: Mapping[str, str], comments: Sequence[Comment]) -> list[str]:
    """Where a part's comments contradict its ratings (level labels by scale key), by the rule above."""
    problems = []
    strengths = [comment for comment in comments if comment.kind == STRENGTH]
    for scale, label in ratings.items():
        about = {comment.kind for comment in comments if comment.scale == scale}
        if is_weak(scale, label):
            if DEVELOPMENT not in about:
                problems.append(f"{label} ({scale}) without an area for development about it")
            if STRENGTH in about:
                problems.append(f"{label} ({scale}) with a strength about it")
        else:
            if DEVELOPMENT in about:
                problems.append(f"{label} ({scale}) with an area for development about it")
            if scale == EVIDENCE and not strengths:
                problems.append(f"{label} (evidence) without a strength")
    return problems


def _shifted(rng: random.Random, scale: str, label: str, reviewer: int) -> str:
    """A peer's reading of the same text: the second peer's is sometimes a level apart on an ordered scale."""
    if scale == SELF_KNOWLEDGE or reviewer == 0 or rng.random() > 0.3:
        return label
    levels = LEVELS[scale]
    index = levels.index(label) + rng.choice((-1, 1))
    return levels[min(len(levels) - 1, max(0, index))]


def _true_level(quality: SectionQuality, scale: str) -> str:
    return {
        EVIDENCE: quality.evidence,
        BREVITY: quality.brevity,
        SELF_KNOWLEDGE: quality.self_knowledge,
        PLANS: quality.plans,
    }[scale]


def _comments(
    ratings: Mapping[str, str],
    subject: str,
    wordings: Wordings,
    topics: Sequence,
    overall: bool = False,
    people: str = EVERYONE,
) -> tuple[list[Comment], list[Comment]]:
    """Strengths and areas for development that agree with the ratings, and a point on the topics given."""
    good: list[str] = []
    development: list[Comment] = []
    for scale in (EVIDENCE, SELF_KNOWLEDGE, PLANS, BREVITY):
        if scale not in ratings:
            continue
        if is_weak(scale, ratings[scale]):
            cautious = ratings[scale] == "Over-cautious"
            variant = wordings.next(scale, DEVELOPMENT, "cautious" if cautious else "")
            development.append(scale_comment(scale, DEVELOPMENT, subject, variant, cautious=cautious))
        elif scale != SELF_KNOWLEDGE or ratings[scale] == ACCURATE:
            good.append(scale)
    practice = [point.topic for point, strong in topics if strong][:1]
    strengths = [
        scale_comment(scale, STRENGTH, subject, wordings.next(scale, STRENGTH))
        for scale in good[: 1 if practice else 2]
    ]
    if practice:  # the authority's own strength, after the first scale's
        variant = wordings.next(PRACTICE, STRENGTH, str(overall))
        strengths.append(practice_comment(practice[0], STRENGTH, variant, overall, people))
    worries = [point for point, strong in topics if not strong][: max(0, 2 - len(development))]
    development += [
        practice_comment(
            point.topic, DEVELOPMENT, wordings.next(PRACTICE, DEVELOPMENT, str(overall)), overall, people
        )
        for point in worries
    ]
    return strengths, development


def _bullets(comments: Sequence[Comment]) -> str:
    return "\n".join(f"- {comment.text}" for comment in comments)


def _order(seed: str, items: Sequence[str]) -> list[str]:
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 (demo text, not security)
    return shuffled


def review_content(
    profile: AuthorityProfile,
    written: Sequence[WrittenSection],
    sections: Sequence[tuple[int, str, Sequence[str]]],
    positions: Mapping[str, Mapping[str, int]],
    reviewer: int,
    reviewer_name: str,
    peers: int = 2,
) -> dict:
    """A complete review of the authority's self-assessment by its `reviewer`-th peer (0 or 1; 0 to 2 for an
    authority in a quartet, which has three).

    `sections` are the cycle's (id, title, keys of the scales it is rated on); `positions` the level positions
    by scale key and label.
    """
    rng = random.Random(f"review:{profile.name}:{reviewer_name}")  # noqa: S311 (demo text, not security)
    by_title = {section.title: section for section in written}
    wordings = Wordings(reviewer, peers)
    parts: dict[str, dict] = {}
    section_ratings: list[dict[str, str]] = []
    for section_id, title, scale_keys in sections:
        section = by_title.get(title)
        if section is None:  # the authority left it out: nothing to rate
            parts[str(section_id)] = {"ratings": {}, "strengths": "", "development": "", "questions": []}
            continue
        ratings = {
            scale: _shifted(rng, scale, _true_level(section.quality, scale), reviewer)
            for scale in scale_keys
            if scale in positions
        }
        section_ratings.append(ratings)
        topics = [(point, True) for point in profile.strengths if point.section == title]
        topics += [(point, False) for point in profile.worries if point.section == title]
        strengths, development = _comments(
            ratings, SUBJECTS.get(title, title.lower()), wordings, topics, people=PEOPLE.get(title, EVERYONE)
        )
        asked = _order(f"questions:{profile.name}:{title}", QUESTIONS.get(title, ()))
        parts[str(section_id)] = {
            "ratings": {scale: positions[scale][label] for scale, label in ratings.items()},
            "strengths": _bullets(strengths),
            "development": _bullets(development),
            "questions": asked[reviewer : reviewer + 1],
        }
    overall = _overall_ratings(section_ratings, list(positions))
    topics = [(profile.strengths[reviewer % len(profile.strengths)], True)]
    topics += [(profile.worries[reviewer % len(profile.worries)], False)]
    strengths, development = _comments(overall, OVERALL_SUBJECT, wordings, topics, overall=True)
    questions = _order(f"overall:{profile.name}", OVERALL_QUESTIONS)
    asks = max(1, len(OVERALL_QUESTIONS) // peers)  # overall questions each peer asks, none asked twice
    strength, worry = topics[0][0].topic, topics[1][0].topic
    words = {
        "name": profile.name,
        "brevity": BREVITY_WORDS[BREVITY_LEVELS.index(overall[BREVITY])]
        if BREVITY in overall
        else "is clear",
        "evidence": EVIDENCE_WORDS[EVIDENCE_LEVELS.index(overall[EVIDENCE])] if EVIDENCE in overall else "",
        "strength": strength,
        "worry": worry,
    }
    return {
        "sections": parts,
        "overall": {
            "ratings": {scale: positions[scale][label] for scale, label in overall.items()},
            "strengths": _bullets(strengths),
            "development": _bullets(development),
            "questions": questions[asks * reviewer : asks * reviewer + asks],
            "summary": SUMMARIES[reviewer % len(SUMMARIES)].format(**words),
        },
    }


def _overall_ratings(section_ratings: Sequence[Mapping[str, str]], scales: Sequence[str]) -> dict[str, str]:
    """The overall judgement on every scale: the middle of the section ratings, or the plans section's."""
    overall = {}
    for scale in scales:
        given = [ratings[scale] for ratings in section_ratings if scale in ratings]
        if scale == SELF_KNOWLEDGE:
            overall[scale] = max(sorted(set(given)), key=given.count) if given else ACCURATE
            continue
        levels = LEVELS[scale]
        indexes = sorted(levels.index(label) for label in given) or [1]
        overall[scale] = levels[indexes[len(indexes) // 2]]
    return overall

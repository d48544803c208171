"""Inspection calibration, as pure code: suggesting a self-assessment's areas for development from its text,
and matching an inspection's areas for improvement to them.

Matching is rule-based. Each area is reduced to a set of terms: phrases of a small lexicon of children's
services words become one concept each ("young people leaving care" and "care leavers" are both LEAVERS),
the other words lose common and generic words and are cut to their first six letters (a crude stem:
"exploitation" and "exploited" agree). Two areas score 100 x shared terms / sqrt(terms of one x terms of
the other), a concept counting twice a word, with rapidfuzz's ratio of 85 or more counting two stems as
the same (a typo). Pairs are taken best first, each area used once, from MATCH_AT up.
tests/datapack/test_calibration.py measures the accuracy on pairs written for it.
"""

import math
import re
from collections.abc import Iterable

from peerchallenge.documents.repeated import sentences

MATCH_AT = 40
CONCEPT_WEIGHT = 2
STEM = 6

# (pattern, concept): the first patterns are tried first; each match becomes the concept's term.
LEXICON = [
    (r"(?:recruit\w* (?:and retention )?of )?foster carers?|fostering(?: recruitment)?", "FOSTERING"),
    (r"second or subsequent|repeat (?:child protection )?plans?|a repeat plan", "REPEAT_PLANS"),
    (
        r"care leavers?|young people leaving care|leaving care|care experienced young|pathway plans?",
        "LEAVERS",
    ),
    (r"return home interviews?", "RHI"),
    (r"missing (?:from home|from care|episodes?)|go(?:es)? missing|went missing|missing", "MISSING"),
    (
        r"(?:criminal |sexual )?exploit\w*|county lines|outside the home|extra-familial harm|"
        r"contextual safeguarding",
        "EXPLOITATION",
    ),
    (r"education,? health and care|ehc ?plans?|ehcps?|ehc needs assessments?", "EHCP"),
    (r"management oversight|managerial oversight|oversight|supervision|supervisors?", "OVERSIGHT"),
    (r"drift\w*|delays?|delayed|timel\w+|take too long|takes too long|waiting", "DELAY"),
    (r"children in need|child in need", "CIN"),
    (r"child protection plans?|cp plans?|protection plans?", "CPP"),
    (r"domestic abuse|domestic violence", "DOMESTIC_ABUSE"),
    (
        r"(?:placement|home) (?:moves|stability)|moves? of homes?|stability|"
        r"three or more (?:homes|placements)",
        "STABILITY",
    ),
    (
        r"sufficiency|local homes|homes for (?:teenagers|children)|far from home|out of area|"
        r"(?:enough|too few) (?:local )?(?:homes|placements|foster)",
        "SUFFICIENCY",
    ),
    (
        r"recruit\w*|retention|retain\w*|agency (?:staff|workers|social workers)|vacanc\w+|turnover|"
        r"workforce|caseloads?",
        "WORKFORCE",
    ),
    (
        r"front door|mash|multi-agency safeguarding hub|contacts and referrals|re-referrals?|referrals?",
        "FRONT_DOOR",
    ),
    (r"early help|family help", "EARLY_HELP"),
    (r"health assessments?|dental checks?|health needs", "HEALTH"),
    (
        r"voice of (?:the )?child\w*|children's voice|wishes and feelings|children's views|lived experience|"
        r"direct work",
        "VOICE",
    ),
    (r"audits?|quality assurance|auditing", "AUDIT"),
    (r"personal education plans?|peps?|virtual school|school attendance|attendance|exclusions?", "EDUCATION"),
    (r"permanence|adoption|special guardianship|long-term fostering", "PERMANENCE"),
    (r"strategy (?:discussions?|meetings?)|section 47 enquir\w+|section 47", "STRATEGY"),
    (r"disabled children|disabilit\w+", "DISABILITY"),
    (r"homeless\w*|16 and 17 year olds|16- and 17-year-olds", "HOMELESS"),
    (r"pre-proceedings|public law outline|court|proceedings", "COURT"),
    (r"kinship|family networks?|connected carers", "KINSHIP"),
    (r"assessments?", "ASSESSMENT"),
    (r"(?:care |child's |children's )?plans?|planning", "PLANS"),
]
COMPILED = [(re.compile(rf"\b(?:{pattern})\b"), concept) for pattern, concept in LEXICON]
STOPWORDS = frozenset(
    """a an the and or of for to in on at by with from into onto that which who whom whose is are was were be
    been being it its this these those there their they them we our us you your not no nor all any some more
    most much many too few so as than then when where while how what why do does did done have has had can
    could should would will shall may might must always often sometimes consistently consistent consistency
    quality improve improved improving improvement ensure ensuring sure children child young people families
    family practice practitioners services service social work workers well good better effective
    effectiveness impact progress need needs still yet enough every each other own across within between
    including particularly especially sufficiently sufficient care home homes team teams higher lower england
    england's late too""".split()  # noqa: SIM905
)
WORD = re.compile(r"[a-z][a-z'-]*")

# Sentences that name a worry, for suggesting areas for development from the text.
WORRY = re.compile(
    r"\b(?:worr(?:y|ies|ied)|concern(?:s|ed)?|too many|too few|too long|not yet|not always|not consistently|"
    r"more than (?:most|england)|higher than england|lower than england|we need to|needs? to improve|"
    r"areas? for development|area for improvement|weakness\w*|gaps?|we are not|is not good enough|"
    r"struggl\w+)\b",
    re.IGNORECASE,
)
MAX_SUGGESTIONS = 10
MAX_SUGGESTION_CHARACTERS = 300


def terms(text: str) -> set[str]:
    """The concepts and stemmed content words of an area."""
    folded = text.casefold().replace("’", "'")
    found = set()
    for pattern, concept in COMPILED:
        if pattern.search(folded):
            found.add(concept)
            folded = pattern.sub(" ", folded)
    for word in WORD.findall(folded):
        word = word.strip("'-").removesuffix("'s")
        if len(word) > 2 and word not in STOPWORDS:
            found.add(word[:STEM])
    return found


def _weight(term: str) -> int:
    """A concept of the lexicon counts twice a plain word: it names what the area is about."""
    return CONCEPT_WEIGHT if term.isupper() else 1


def _shared(first: set[str], second: set[str]) -> int:
    from rapidfuzz import fuzz  # imported where used: importing the app stays lean

    shared = first & second
    rest = [term for term in second - shared if term.islower()]
    for term in first - shared:
        if term.islower() and any(fuzz.ratio(term, other) >= 85 for other in rest):
            shared.add(term)
    return sum(_weight(term) for term in shared)


def similarity(first: str, second: str) -> int:
    """0 (nothing shared) to 100 (the same terms)."""
    a, b = terms(first), terms(second)
    if not a or not b:
        return 0
    size_a, size_b = sum(map(_weight, a)), sum(map(_weight, b))
    return min(100, round(100 * _shared(a, b) / math.sqrt(size_a * size_b)))


def match(improvements: list[str], developments: list[str]) -> list[tuple[int | None, int]]:
    """For each area for improvement, the index of the area for development it matches (or None) and the
    score; best pairs first, each area for development used once."""
    scored = sorted(
        (
            (similarity(improvement, development), i, j)
            for i, improvement in enumerate(improvements)
            for j, development in enumerate(developments)
        ),
        reverse=True,
    )
    chosen: list[tuple[int | None, int]] = [(None, 0)] * len(improvements)
    used_i: set[int] = set()
    used_j: set[int] = set()
    for score, i, j in scored:
        if score < MATCH_AT:
            break
        if i in used_i or j in used_j:
            continue
        chosen[i] = (j, score)
        used_i.add(i)
        used_j.add(j)
    return chosen


def suggest_areas(texts: Iterable[str]) -> list[str]:
    """Sentences of the self-assessment that name a worry, as suggestions for its areas for development."""
    found: list[str] = []
    seen: set[str] = set()
    for text in texts:
        for sentence in sentences(text):
            raw = " ".join(text[sentence.start : sentence.end].split()).strip(" -*#>")
            if not WORRY.search(raw) or len(sentence.words) < 4 or any(sentence.key in key for key in seen):
                continue
            seen.add(sentence.key)
            found.append(raw[:MAX_SUGGESTION_CHARACTERS])
            if len(found) == MAX_SUGGESTIONS:
                return found
    return found

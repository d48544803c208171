"""Passages of a self-assessment that read as business as usual, and passages that carry evidence.

Peers are asked how far a self-assessment is evidence-based and how it could be shorter. These signals help
the author before sign-off and the peer while reading; each says why in a few words, so a person can
disagree with it. They are rules, not a model: every one is a pattern in RULES below, deterministic and
explainable, and measured on a labelled set of paragraphs (tests/documents/signals_labelled.jsonl; the
scores are in benchmarks/signals.py).

How a text is read:

1. The text is cut into paragraphs at line breaks (the stored HTML's text has one per paragraph, list item
   and table cell) and each paragraph into sentences (repeated.sentences: one pass, linear time).
2. Each sentence is read against the rules: evidence first (a figure with a comparator or a trend, an
   audit's finding, children's and families' own words, impact shown, an inspection's finding), then
   business as usual (a meeting, board or panel; a structure, policy, process or strategy; activity counted
   without an outcome; a claim with nothing behind it). A sentence about the future (a plan, a priority) is
   neither.
3. A paragraph with evidence in it has its evidence sentences marked, and nothing marked as business as
   usual: a process described together with what came of it is evidence. A paragraph without evidence
   whose business-as-usual sentences make up at least half of its words is marked as business as usual,
   from its first such sentence to its last.

Plain values in, plain values out: no request, no database.
"""

import re
from dataclasses import dataclass

from peerchallenge.documents.marks import Mark
from peerchallenge.documents.repeated import sentences
from peerchallenge.documents.sections import plain_text

BUSINESS_AS_USUAL = "business_as_usual"
EVIDENCE = "evidence"
KINDS = {BUSINESS_AS_USUAL: "Business as usual", EVIDENCE: "Evidence"}

# A paragraph is marked business as usual when such sentences are at least this share of its words.
BUSINESS_AS_USUAL_SHARE = 0.5


@dataclass(frozen=True)
class Signal:
    """Characters start:end of the text read as one kind, and why, in a few words."""

    kind: str
    start: int
    end: int
    text: str
    reason: str

    def to_dict(self) -> dict:
        """As `flask documents extract` prints it and a version stores it."""
        return {
            "kind": self.kind,
            "text": self.text,
            "reason": self.reason,
            "start": self.start,
            "end": self.end,
        }

    def mark(self) -> Mark:
        """The mark on the text: the kind read out before, the kind and the reason shown after."""
        name = KINDS[self.kind]
        return Mark(self.start, self.end, self.kind.replace("_", "-"), f"{name}:", f"{name}: {self.reason}")


@dataclass(frozen=True)
class Reading:
    """What one sentence reads as (None: neither) and why."""

    kind: str | None
    reason: str = ""


def read_sentence(sentence: str) -> Reading:
    """One sentence against the rules: the first that fits, in the order of RULES."""
    figures = _has_figure(sentence)
    for rule in RULES:
        if rule.needs_figure and not figures:
            continue
        if (match := rule.pattern.search(sentence)) is not None:
            if rule.unless is not None and rule.unless.search(sentence):
                continue
            if rule.kind is None:
                return Reading(None)
            return Reading(rule.kind, rule.reason.format(f"\u201c{_quoted(match.group())}\u201d"))
    return Reading(None)


def signals_in(text: str) -> list[Signal]:
    """The passages of plain text that read as business as usual or as evidence, in order."""
    found: list[Signal] = []
    offset = 0
    for line in text.split("\n"):
        found.extend(_paragraph_signals(text, line, offset))
        offset += len(line) + 1
    return found


def text_signals(markdown: str) -> list[Signal]:
    """The signals of Markdown (as `flask documents extract` reads a section): spans of its plain text."""
    return signals_in(plain_text(markdown))


def paragraph_kind(paragraph: str) -> str | None:
    """What a paragraph reads as on the whole: evidence if any of it is, business as usual if marked so."""
    kinds = {signal.kind for signal in signals_in(paragraph)}
    if EVIDENCE in kinds:
        return EVIDENCE
    return BUSINESS_AS_USUAL if kinds else None


def _paragraph_signals(text: str, line: str, offset: int) -> list[Signal]:
    spans = [
        (offset + sentence.start, offset + sentence.end, len(sentence.words)) for sentence in sentences(line)
    ]
    if not spans:
        return []
    # A sentence is read with what comes before it on the line (an opening quotation mark, a bullet).
    readings = []
    previous_end = offset
    for _, end, _ in spans:
        readings.append(read_sentence(text[previous_end:end]))
        previous_end = end
    if any(reading.kind == EVIDENCE for reading in readings):
        return _runs(text, spans, readings, EVIDENCE)
    words = sum(count for _, _, count in spans)
    usual = [index for index, reading in enumerate(readings) if reading.kind == BUSINESS_AS_USUAL]
    if not usual or sum(spans[index][2] for index in usual) < BUSINESS_AS_USUAL_SHARE * words:
        return []
    first, last = usual[0], usual[-1]
    start, end = spans[first][0], spans[last][1]
    return [Signal(BUSINESS_AS_USUAL, start, end, text[start:end], readings[first].reason)]


def _runs(text: str, spans: list[tuple[int, int, int]], readings: list[Reading], kind: str) -> list[Signal]:
    """Each run of consecutive sentences of `kind` as one signal, with the reasons of its sentences."""
    found: list[Signal] = []
    run: list[int] = []
    for index in [*range(len(spans)), None]:
        if index is not None and readings[index].kind == kind:
            run.append(index)
            continue
        if run:
            start, end = spans[run[0]][0], spans[run[-1]][1]
            reasons = list(dict.fromkeys(readings[number].reason for number in run))
            found.append(Signal(kind, start, end, text[start:end], "; ".join(reasons)))
            run = []
    return found


# The rules, written after the labelled set was frozen and tuned on the two thirds of it not held out.


@dataclass(frozen=True)
class Rule:
    """A pattern that, found in a sentence, makes it read as `kind` (None: neither), for `reason` ({} is the
    words it matched). `needs_figure`: only in a sentence with a figure; `unless`: not where this is found."""

    kind: str | None
    pattern: re.Pattern[str]
    reason: str = ""
    needs_figure: bool = False
    unless: re.Pattern[str] | None = None


def _words(*alternatives: str) -> re.Pattern[str]:
    """Any of the alternatives as whole words, case ignored. Patterns are plain alternations with bounded
    gaps ({0,40}), so a search takes time linear in the sentence."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


# A figure: digits that are not a year (2025, 2025-26), or a number in words ("one in five", "against five").
NUMBER = re.compile(r"\d[\d,.]*+(?:-\d++)?+")
YEAR = re.compile(r"(?:19|20)\d\d(?:-\d\d(?:\d\d)?)?")
NUMBER_WORDS = _words(
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) in (?:two|three|four|five|six|seven"
    r"|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty)",
    r"against (?:one|two|three|four|five|six|seven|eight|nine|ten|none)",
    r"(?:half|a third|a quarter|twice|doubled|halved)",
    r"(?:none|nobody|no child|no one) (?:since|now)",
)

# People's own words: told, said, wrote; a survey's or audit's or inspection's finding.
ASSESSED = (
    r"audit(?:s|ed)?|re-audit(?:ed)?|dip[- ]sample|survey|inspection|inspectors?|focused visit|ofsted"
    r"|monitoring visit|review|observations?|the peers|peer challenge"
)
FINDING = r"found|finds|showed|shows|show|judged|rated|graded|concluded|highlighted"
# Context about the place, its people and its money: figures with comparators there are not about practice.
CONTEXT = _words(
    r"population",
    r"census",
    r"deprived",
    r"deprivation",
    r"minority ethnic",
    r"high needs block",
    r"deficit",
    r"budgets?",
    r"funding",
    r"grant",
)

RULES: list[Rule] = [
    # Evidence.
    Rule(
        EVIDENCE,
        _words(
            r"told (?:us|me|them|the|their|his|her|our|a|an)",
            r"said",
            r"says",
            r"say that",
            r"wrote",
            r"asked us",
            r"exit interviews?",
            r"listening sessions?",
        ),
        "people's own words ({})",
        # What a document says is not anyone's own words: "this self-assessment says what we are doing".
        unless=_words(
            r"(?:self-assessment|strategy|policy|plan|framework|report|section|letter|guidance|document|vision)"
            r" (?:says|said)",
        ),
    ),
    Rule(
        EVIDENCE,
        _words(rf"(?:{ASSESSED})\b.{{0,80}}?\b(?:{FINDING})", r"(?:was|were) (?:found|judged|rated|graded) "),
        "an audit's, survey's or inspection's finding ({})",
    ),
    Rule(
        EVIDENCE,
        _words(
            r"against",
            r"compared (?:with|to)",
            r"(?<!more )(?<!less )(?<!fewer )(?<!rather )(?<!other )than",
            r"up from",
            r"down from",
            r"from [^.;]{0,40}?\d[^.;]{0,40}? to",
            r"(?:rose|risen|rising|fell|fallen|falling|increased|decreased|reduced|dropped|improved|grew|grown"
            r"|halved|doubled|declined)",
            r"england(?:'s)?",
            r"nationally",
            r"national average",
            r"statistical neighbours?",
            r"regional average",
            r"the year before",
            r"a year (?:earlier|ago|before)",
            r"the previous year",
            r"last year(?!'s|\u2019s)",
            r"years? running",
            r"since",
            r"below",
            r"above",
        ),
        "a figure with a comparator or trend ({})",
        needs_figure=True,
        unless=CONTEXT,
    ),
    # A strategy or vision quoted is not anyone's own words, and what it says "will" happen is not a plan.
    Rule(
        BUSINESS_AS_USUAL,
        _words(
            r"(?:strategy|policy|framework|protocol|procedures?|process|pathway|model|approach|vision|offer"
            r"|programme|standards|plan) (?:states|puts it|says)",
        ),
        "quotes a strategy, policy or process ({}); no impact shown",
    ),
    # Neither: plans, asks and offers, worries, and the place.
    Rule(
        None,
        _words(
            r"(?<!how we )(?<!how they )will(?! continue)(?! further)(?! keep)(?! remain)(?! maintain)",
            r"next year",
            r"we (?:would|will) (?:like|welcome|value)",
            r"asks? (?:of|to|for)",
            r"offers? to",
            r"worr(?:y|ied|ies)",
            r"concerned",
            r"we do not (?:yet )?(?:know|understand|have|think)",
            r"not (?:yet )?(?:sure|confident|confirmed)",
            r"too (?:many|few|thin)",
            r"(?:biggest |main )?gaps?",
            r"less progress",
            r"(?:had|we) hoped",
            r"delayed",
            r"struggl(?:e|ing)",
        ),
    ),
    Rule(None, re.compile(r"^\W*(?:asks?|offers?|worry)\s*:", re.IGNORECASE)),
    Rule(None, CONTEXT),
    # Business as usual.
    Rule(
        BUSINESS_AS_USUAL,
        _words(
            r"(?:meets?|met|meeting) (?:monthly|weekly|quarterly|fortnightly|termly|annually|regularly"
            r"|every \w+)",
            r"(?:chaired|overseen|governed|monitored|scrutinised|reported|presented|reports|managed)"
            r" (?:by|to|through|quarterly|monthly)",
            r"terms of reference",
            r"oversees",
            r"(?:weekly|monthly|quarterly|fortnightly|termly) [\w' ]{0,40}?\b(?:panel|board|forum|meetings?"
            r"|group|network|sessions?|clinics?|supervision)",
            r"(?:panel|board|forum|group|partnership)\s*\((?:weekly|monthly|quarterly|fortnightly"
            r"|every [\w ]+)\)",
        ),
        "describes a meeting or board ({}); no outcome",
    ),
    Rule(
        BUSINESS_AS_USUAL,
        _words(
            r"robust",
            r"strong",
            r"excellent",
            r"outstanding",
            r"good and improving",
            r"high[- ]quality",
            r"well[- ]established",
            r"comprehensive",
            r"committed",
            r"ambitious",
            r"at the heart of",
            r"above and beyond",
            r"proud",
            r"passionate",
            r"we know (?:our|ourselves)",
            r"continuous improvement",
            r"improvement journey",
            r"our journey",
            r"right help at the right time",
            r"feel valued",
            r"visible and accessible",
            r"clear line of sight",
            r"(?:is|are|been) embedded",
            r"embedded across",
        ),
        "a claim ({}) with no evidence behind it",
    ),
    Rule(
        BUSINESS_AS_USUAL,
        _words(
            r"we will (?:continue|further|keep|remain|maintain)",
            r"continued? (?:to|our)",
            r"remain committed",
        ),
        "carries on what exists ({}); no change named",
    ),
    Rule(
        BUSINESS_AS_USUAL,
        _words(
            r"(?:handled|completed|held|received|considered|trained|worked with|attended|carried out"
            r"|undertook|visited|processed)",
        ),
        "counts activity ({}); no comparator or outcome",
        needs_figure=True,
    ),
    Rule(
        BUSINESS_AS_USUAL,
        _words(
            r"we have (?:a|an|our)",
            r"there (?:is|are) (?:a|an)",
            r"sets out",
            r"organised into",
            r"(?:is|are) open 24",
            r"in line with our",
            r"underpinned by",
            r"aligned with",
            r"(?:is|are) delivered through",
            r"built on",
            r"use an? [\w, -]{0,40}?\b(?:approach|model|framework|tool)",
            r"(?:every|each|all) [\w' ]{0,30}?\b(?:has|have) (?:a|an)",
            r"(?:is|are) reviewed (?:at least )?every",
            r"our (?:[\w'-]+ ){0,3}?(?:strategy|policy|framework|protocol|practice model|vision|offer"
            r"|approach)",
        ),
        "describes a strategy, policy or process ({}); no impact shown",
    ),
    Rule(
        BUSINESS_AS_USUAL,
        _words(
            r"(?:we have|we've|has|have|have been|has been) (?:implemented|introduced|established|launched"
            r"|developed|set up|invested|appointed|created|commissioned|reviewed|strengthened|refreshed"
            r"|rolled out|joined|extended|widened|delivered|updated|revised|recruited|incorporated)",
            r"we (?:launched|implemented|introduced|established|appointed|set up|joined|signed up|rolled out"
            r"|extended|delivered|hold|host|run|work closely)",
            r"took up post",
            r"(?:appointing|offering|establishing|providing|bringing together|introducing|launching)",
            r"so that (?:children|they|families|young people|our|staff|practitioners|every|all)[\w' ]{0,40}?"
            r"\b(?:can|are|receive|feel|get|have|will)",
            r"(?:has|have) begun",
            r"provides?",
            r"offers",
            r"includes?",
            r"supports",
            r"(?:are|is) supported",
            r"receive",
            r"have access to",
            r"stay in touch",
            r"(?:views|voices) are (?:sought|heard)",
            r"(?:is|are) held",
            r"(?:is|are) chaired",
        ),
        "describes activity ({}); no outcome",
    ),
]


def _has_figure(sentence: str) -> bool:
    for match in NUMBER.finditer(sentence):
        if not YEAR.fullmatch(match.group()):
            return True
    return NUMBER_WORDS.search(sentence) is not None


def _quoted(words: str) -> str:
    """The words a rule matched, short enough to quote in a reason."""
    words = " ".join(words.split())
    return words if len(words) <= 40 else words[:39] + "\u2026"

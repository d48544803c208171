"""The labelled paragraphs the signals are measured on (signals_labelled.jsonl), and how they are scored.

The set was written and frozen before the rules (signals_labelled.md says how it was labelled). Every
paragraph whose id divides by 3 is held out: the rules were tuned on the others only.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from peerchallenge.documents.signals import BUSINESS_AS_USUAL, EVIDENCE, paragraph_kind

SET = Path(__file__).with_name("signals_labelled.jsonl")
NEITHER = "neither"


@dataclass(frozen=True)
class Paragraph:
    id: int
    section: str
    label: str
    text: str
    why: str

    @property
    def held_out(self) -> bool:
        return self.id % 3 == 0


def labelled() -> list[Paragraph]:
    with SET.open(encoding="utf-8") as lines:
        return [Paragraph(**json.loads(line)) for line in lines if line.strip()]


@dataclass(frozen=True)
class Scores:
    """Per kind, precision and recall of the paragraphs marked; and the share of business-as-usual
    paragraphs read as evidence."""

    paragraphs: int
    usual_precision: float
    usual_recall: float
    evidence_precision: float
    evidence_recall: float
    usual_read_as_evidence: float
    wrong: list[tuple[Paragraph, str]]

    def lines(self, title: str) -> list[str]:
        return [
            f"{title} ({self.paragraphs} paragraphs)",
            f"  business as usual: precision {self.usual_precision:.2f}, recall {self.usual_recall:.2f}",
            f"  evidence: precision {self.evidence_precision:.2f}, recall {self.evidence_recall:.2f}",
            f"  business-as-usual paragraphs read as evidence: {self.usual_read_as_evidence:.2f}",
        ]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def score(paragraphs: list[Paragraph]) -> Scores:
    predicted = {paragraph.id: paragraph_kind(paragraph.text) or NEITHER for paragraph in paragraphs}

    def count(label: str | None = None, guess: str | None = None) -> int:
        return sum(
            1
            for paragraph in paragraphs
            if (label is None or paragraph.label == label)
            and (guess is None or predicted[paragraph.id] == guess)
        )

    return Scores(
        paragraphs=len(paragraphs),
        usual_precision=_ratio(count(BUSINESS_AS_USUAL, BUSINESS_AS_USUAL), count(guess=BUSINESS_AS_USUAL)),
        usual_recall=_ratio(count(BUSINESS_AS_USUAL, BUSINESS_AS_USUAL), count(BUSINESS_AS_USUAL)),
        evidence_precision=_ratio(count(EVIDENCE, EVIDENCE), count(guess=EVIDENCE)),
        evidence_recall=_ratio(count(EVIDENCE, EVIDENCE), count(EVIDENCE)),
        usual_read_as_evidence=_ratio(count(BUSINESS_AS_USUAL, EVIDENCE), count(BUSINESS_AS_USUAL)),
        wrong=[
            (paragraph, predicted[paragraph.id])
            for paragraph in paragraphs
            if predicted[paragraph.id] != paragraph.label
        ],
    )

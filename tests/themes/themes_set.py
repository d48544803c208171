"""The labelled set for theme tagging, and the tagger's scores on it (for the benchmark and the floor test).

Precision of a theme: of the sentences the tagger gave it, the share labelled with it; recall: of the
sentences labelled with it, the share the tagger gave it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from peerchallenge.themes.lexicon import THEME_KEYS, Theme, default_lexicon
from peerchallenge.themes.tagging import Tagger
from tests.labelled_sets import held_out, read_rows

SET = Path(__file__).with_name("themes_labelled.jsonl")


@dataclass(frozen=True)
class Sentence:
    id: int
    kind: str
    text: str
    themes: frozenset[str]

    @property
    def held_out(self) -> bool:
        return held_out({"id": self.id})


def labelled() -> list[Sentence]:
    return [Sentence(row["id"], row["kind"], row["text"], frozenset(row["themes"])) for row in read_rows(SET)]


@dataclass
class Scores:
    true_positive: dict[str, int] = field(default_factory=dict)
    false_positive: dict[str, int] = field(default_factory=dict)
    false_negative: dict[str, int] = field(default_factory=dict)
    wrong: list[tuple[Sentence, frozenset[str]]] = field(default_factory=list)

    def precision(self, theme: str) -> float | None:
        found = self.true_positive.get(theme, 0) + self.false_positive.get(theme, 0)
        return self.true_positive.get(theme, 0) / found if found else None

    def recall(self, theme: str) -> float | None:
        labelled = self.true_positive.get(theme, 0) + self.false_negative.get(theme, 0)
        return self.true_positive.get(theme, 0) / labelled if labelled else None

    def lines(self, title: str) -> list[str]:
        def shown(value: float | None) -> str:
            return "  -  " if value is None else f"{value:.2f}"

        out = [f"{title}:", f"  {'theme':<26} precision  recall  (tagged right / tagged / labelled)"]
        for theme in THEME_KEYS:
            right = self.true_positive.get(theme, 0)
            tagged = right + self.false_positive.get(theme, 0)
            labelled = right + self.false_negative.get(theme, 0)
            out.append(
                f"  {theme:<26} {shown(self.precision(theme)):>9}  {shown(self.recall(theme)):>6}"
                f"  ({right} / {tagged} / {labelled})"
            )
        return out


def score(sentences: Iterable[Sentence], themes: Iterable[Theme] | None = None) -> Scores:
    tagger = Tagger(default_lexicon() if themes is None else themes)
    scores = Scores()
    for sentence in sentences:
        found = frozenset(tag.theme for tag in tagger.tag_sentence(sentence.text))
        for theme in found & sentence.themes:
            scores.true_positive[theme] = scores.true_positive.get(theme, 0) + 1
        for theme in found - sentence.themes:
            scores.false_positive[theme] = scores.false_positive.get(theme, 0) + 1
        for theme in sentence.themes - found:
            scores.false_negative[theme] = scores.false_negative.get(theme, 0) + 1
        if found != sentence.themes:
            scores.wrong.append((sentence, found))
    return scores

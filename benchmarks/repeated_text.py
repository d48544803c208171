"""How long measuring repeated text takes on a long self-assessment against last year's.

Builds last year's text, ~120 pages (~60,000 words in paragraphs of several sentences, some with bold
and links), and this year's: a third of last year's sentences kept, a third kept with a figure updated
and a word changed, a third new, in a different order. Times (best of 3) the Markdown measure
(`repeated_text`, what `flask documents extract --previous` runs) and the stored-HTML measure with its
marks (`repeated_html`, what saving a version runs), and one pathological pair: a single 100,000-word
"sentence" and 200,000 one-word sentences.

    .venv/bin/python benchmarks/repeated_text.py
    words=60,010 share=67 markdown_seconds=0.31 html_seconds=0.52 pathological_seconds=0.40

Target: well under a second for the long pair.
"""

import random
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from peerchallenge.documents.repeated import repeated_html, repeated_text  # noqa: E402
from peerchallenge.sanitise import render_markdown  # noqa: E402

WORDS = 60_000
VOCABULARY_TEXT = (
    "children young people families practice quality audit evidence impact social workers managers partners "
    "outcomes improve plan review data voice feedback timely visits assessment support safety stability "
    "placements health education police schools leaders governance scrutiny learning supervision caseloads "
    "because therefore monthly audits housing advocacy fostering adoption sufficiency commissioning"
)
VOCABULARY = VOCABULARY_TEXT.split()


def sentence(rng: random.Random) -> list[str]:
    return [rng.choice(VOCABULARY) for _ in range(rng.randint(10, 25))]


def as_markdown(sentences: list[list[str]], rng: random.Random) -> str:
    paragraphs, paragraph = [], []
    for words in sentences:
        words = list(words)
        if rng.random() < 0.1:
            words[1] = f"**{words[1]}**"
        if rng.random() < 0.05:
            words[2] = f"[{words[2]}](https://example.org/{words[2]})"
        paragraph.append(" ".join(words).capitalize() + ".")
        if len(paragraph) == 4:
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    paragraphs.append(" ".join(paragraph))
    return "\n\n".join(paragraphs)


def pair() -> tuple[str, str]:
    rng = random.Random(16)  # noqa: S311 (made-up text)
    last: list[list[str]] = []
    while sum(len(words) for words in last) < WORDS:
        last.append(sentence(rng))
    this = []
    for number, words in enumerate(last):
        if number % 3 == 0:
            this.append(words)
        elif number % 3 == 1:
            edited = list(words)
            edited[rng.randrange(len(edited))] = rng.choice(VOCABULARY)
            this.append([*edited, str(rng.randint(1, 99))])
        else:
            this.append(sentence(rng))
    rng.shuffle(this)
    return as_markdown(this, rng), as_markdown(last, rng)


def best(run, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    this, last = pair()
    this_html, last_html = str(render_markdown(this)), str(render_markdown(last))
    result = repeated_text(this, last)
    markdown_seconds = best(lambda: repeated_text(this, last))
    html_seconds = best(lambda: repeated_html(this_html, last_html, 2025))
    huge = " ".join(["word"] * 100_000)
    tiny = "A. " * 200_000
    pathological_seconds = best(lambda: (repeated_text(huge, huge), repeated_text(tiny, tiny)))
    print(
        f"words={result.words:,} share={result.share} markdown_seconds={markdown_seconds:.2f} "
        f"html_seconds={html_seconds:.2f} pathological_seconds={pathological_seconds:.2f}"
    )


if __name__ == "__main__":
    main()

"""How well the business-as-usual and evidence signals read the labelled set, and how fast they are.

The labelled set (tests/documents/signals_labelled.jsonl, labelling guide beside it) was written and frozen
before the rules; the rules were tuned on the two thirds of it not held out (ids not divisible by 3). This
prints precision and recall per kind on the held-out third, on the tuning two thirds and on the whole, and
the share of business-as-usual paragraphs read as evidence (the issue's "at most one in five"). Then it
times the signals on a ~120-page self-assessment (the set's paragraphs over and over, ~60,000 words, as
Markdown rendered and stored), best of 3: the signals alone, and everything saving a version measures
(signals, text repeated from a last year that is the same text reordered, and the marks).

    .venv/bin/python benchmarks/signals.py [--wrong]

--wrong lists the held-out paragraphs read wrongly, with their label and what the rules read.
"""

import random
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from peerchallenge.documents.marks import html_text  # noqa: E402
from peerchallenge.documents.measure import measure_html  # noqa: E402
from peerchallenge.documents.signals import signals_in  # noqa: E402
from peerchallenge.sanitise import render_markdown  # noqa: E402
from tests.documents.signals_set import labelled, score  # noqa: E402

WORDS = 60_000


def best(run, times: int = 3) -> float:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def long_document(paragraphs: list[str], rng: random.Random) -> str:
    chosen: list[str] = []
    words = 0
    while words < WORDS:
        paragraph = rng.choice(paragraphs)
        chosen.append(paragraph)
        words += len(paragraph.split())
    return "\n\n".join(chosen)


def main() -> None:
    paragraphs = labelled()
    held_out = [paragraph for paragraph in paragraphs if paragraph.held_out]
    tuning = [paragraph for paragraph in paragraphs if not paragraph.held_out]
    for title, part in (("Held out", held_out), ("Tuning", tuning), ("Whole set", paragraphs)):
        print("\n".join(score(part).lines(title)))
    if "--wrong" in sys.argv:
        print("\nHeld-out paragraphs read wrongly:")
        for paragraph, guess in score(held_out).wrong:
            print(f"  {paragraph.id} {paragraph.label} read as {guess}: {paragraph.text[:120]}")

    rng = random.Random(17)  # noqa: S311 (a made-up document)
    markdown = long_document([paragraph.text for paragraph in paragraphs], rng)
    html = str(render_markdown(markdown))
    text = html_text(html)
    reordered = "\n\n".join(rng.sample(markdown.split("\n\n"), k=len(markdown.split("\n\n"))))
    last_year = str(render_markdown(reordered))
    found = signals_in(text)
    signals_seconds = best(lambda: signals_in(text))
    measure_seconds = best(lambda: measure_html(html, last_year, 2025))
    print(
        f"\nwords={len(text.split()):,} signals={len(found):,} "
        f"signals_seconds={signals_seconds:.2f} measure_seconds={measure_seconds:.2f}"
    )


if __name__ == "__main__":
    main()

"""Everything measured on a section's text once, when a version is saved: the signals and the marked HTML.

Business-as-usual and evidence passages (documents/signals.py) always; text repeated from last year's
self-assessment (documents/repeated.py) when there is a last year. All are measured on the text a reader
sees of the stored, sanitised HTML (marks.html_text), so the marks fall exactly on what was measured.

Plain values in, plain values out: no request, no database.
"""

from dataclasses import dataclass

from peerchallenge.documents.marks import html_text, mark_html
from peerchallenge.documents.repeated import Index, repeated_in, repeated_marks
from peerchallenge.documents.signals import signals_in


@dataclass(frozen=True)
class Measured:
    """The signals as stored (JSON-ready), the share repeated (None without a last year) and the HTML with
    every passage marked (None when nothing is marked)."""

    signals: list[dict]
    repeated_share: int | None
    marked_html: str | None


def measure_html(sanitised: str, previous_html: str | None = None, year: int | None = None) -> Measured:
    """Measure a section's stored HTML; `previous_html` is the same section last year (`year`), if any."""
    text = html_text(sanitised)
    found = signals_in(text)
    stored = [signal.to_dict() for signal in found]
    marks = [signal.mark() for signal in found]
    share = None
    if previous_html is not None and year is not None:
        repetition = repeated_in(text, Index(html_text(previous_html)))
        share = repetition.share
        stored.insert(0, repetition.to_signal(year))
        marks += repeated_marks(text, repetition, year)
    marked = str(mark_html(sanitised, marks)) if marks else None
    return Measured(stored, share, marked)


def signal_summary(signals: list[dict] | None) -> dict[str, tuple[int, int]]:
    """Per kind of passage signal, how many passages and how many words, from the stored signals."""
    summary: dict[str, tuple[int, int]] = {}
    for signal in signals or []:
        if "text" not in signal:
            continue  # "repeated" is one signal per section, with its share
        passages, words = summary.get(signal["kind"], (0, 0))
        summary[signal["kind"]] = (passages + 1, words + len(signal["text"].split()))
    return summary

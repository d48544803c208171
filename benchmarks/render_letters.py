"""How long a challenge letter takes as PDF and as Word, one and 153 in a row, and the memory it needs.

Builds a realistic letter in Markdown for each of the 153 authorities: ten sections, each with a ratings table
(three rubric rows, two peers and whether they agree), 3-5 strengths, 3-5 areas for development and 3-6
challenge questions, then an overall part with two summaries of about 250 words. Times letter_pdf cold (the
first render in the process, after the import) and warm (best of 5), then --count letters in sequence; then
the same for letter_docx. "seconds" is wall-clock time; "cpu" is this process's CPU time, steadier on a
machine that is busy with other work. Peak resident memory is the process's high-water mark (VmHWM), read
after the PDFs and again after the Word files; "growth" is the resident memory gained over the run of PDFs (a
leak shows there).

    .venv/bin/python benchmarks/render_letters.py
    output  run                 letters  seconds  cpu   per letter  pages  KB  peak MB
    pdf     import weasyprint   -        0.52     0.50  -           -      -   ...
    pdf     cold (first)        1        1.10     1.08  1.10        12     46  ...
    ...
    .venv/bin/python benchmarks/render_letters.py --count 20 --save /tmp/letters

Target: under 0.5 seconds per PDF.
"""

import argparse
import csv
import io
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from peerchallenge.documents import DEFAULT_SECTIONS  # noqa: E402
from peerchallenge.letters.output import letter_docx, letter_pdf  # noqa: E402

AUTHORITIES_CSV = PROJECT_ROOT / "peerchallenge" / "regions" / "data" / "authorities.csv"
VOCABULARY_TEXT = (
    "children young people families practice quality audit evidence impact social workers managers "
    "partners outcomes improve plan review data voice feedback timely visits assessment support safety "
    "stability placements health education police schools leaders governance scrutiny learning supervision "
    "caseloads because therefore the self-assessment tells us what it knows and how it knows it from audits "
    "and what children say about their plans"
)
VOCABULARY = tuple(VOCABULARY_TEXT.split())
RUBRIC = {
    "Evidence strength": ("Strong", "Adequate", "Limited"),
    "Brevity and focus": ("Concise", "Mostly concise", "Substantial business as usual"),
    "Self-knowledge": ("Accurate", "Partly accurate", "Over-optimistic"),
}


def sentence(seed: int, length: int) -> str:
    words = [
        VOCABULARY[(seed * 31 + index * 17 + index * index) % len(VOCABULARY)] for index in range(length)
    ]
    return " ".join(words).capitalize() + "."


def read_authorities() -> list[tuple[str, str]]:
    """The 153 authorities as (name, ADCS region)."""
    with AUTHORITIES_CSV.open(encoding="utf-8") as file:
        return [(row["local_authority"], row["adcs_region"]) for row in csv.DictReader(file)]


def build_letter(authority: str, peers: tuple[str, str], seed: int) -> str:
    """A consolidated challenge letter as the service composes one."""
    lines = [
        f"Dear Director of Children's Services, {authority}",
        "",
        f"Thank you for sharing {authority}'s self-assessment. This letter brings together the challenge "
        f"from your two peers, **{peers[0]}** and **{peers[1]}**: their ratings side by side, what they saw "
        "as strengths, where the self-assessment could say more with less, and the questions they would "
        "like to explore at the challenge event.",
        "",
    ]
    for number, section in enumerate(DEFAULT_SECTIONS):
        seed += 1
        lines += [f"## {number}. {section.title}", "", "### Ratings", ""]
        lines += [f"| | {peers[0]} | {peers[1]} | Agreement |", "|---|---|---|---|"]
        for row, (measure, levels) in enumerate(RUBRIC.items()):
            first = levels[(seed + row) % 3]
            second = levels[(seed + row * 2) % 3]
            agreement = "Agree" if first == second else "Differ"
            lines.append(f"| {measure} | {first} | {second} | {agreement} |")
        lines += ["", "### Strengths", ""]
        for item in range(3 + seed % 3):
            lines.append(f"- {sentence(seed * 7 + item, 18)} *({peers[item % 2]})*")
        lines += ["", "### Areas for development", ""]
        for item in range(3 + (seed + 1) % 3):
            lines.append(f"- {sentence(seed * 11 + item, 22)} *({peers[(item + 1) % 2]})*")
        lines += ["", "### Challenge questions", ""]
        for item in range(3 + seed % 4):
            lines.append(f"{item + 1}. {sentence(seed * 13 + item, 16)[:-1]}?")
        lines.append("")
    lines += ["## Overall", ""]
    for peer in peers:
        seed += 1
        lines += [f"### Summary from {peer}", ""]
        # About 250 words, in three paragraphs as a DCS writes a summary.
        for paragraph in range(3):
            lines += [" ".join(sentence(seed * 17 + paragraph * 5 + part, 14) for part in range(6)), ""]
    lines += [
        "> The challenge event is a conversation between peers: please come ready to talk about the "
        "questions above, and about what you would like from the region.",
        "",
        "Yours sincerely,",
        "",
        f"The regional peer challenge group, on behalf of {peers[0]} and {peers[1]}",
    ]
    return "\n".join(lines)


class Clock:
    """Wall-clock and CPU time since it was made."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def peak_resident_mb() -> float:
    """This process's peak resident memory (VmHWM on Linux, ru_maxrss elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=153, help="letters rendered in sequence (default 153)")
    parser.add_argument("--save", help="also write the first letter's .md, .pdf and .docx into this folder")
    options = parser.parse_args()

    authorities = read_authorities()
    letters = []
    for index in range(options.count):
        authority, region = authorities[index % len(authorities)]
        peers = (
            authorities[(index + 1) % len(authorities)][0],
            authorities[(index + 7) % len(authorities)][0],
        )
        letters.append(
            {
                "body_markdown": build_letter(authority, peers, seed=index * 101),
                "title": f"Peer challenge letter 2025: {authority}",
                "authority_name": authority,
                "region_name": f"{region} Region",
                "released_on": date(2025, 11, 3),
            }
        )
    first = letters[0]
    rows = []

    def row(output, run, count, seconds, cpu, pages="-", size=None):
        per_letter = f"{seconds / count:.3f}" if count else "-"
        rows.append(
            (
                output,
                run,
                str(count or "-"),
                f"{seconds:.2f}",
                f"{cpu:.2f}",
                per_letter,
                str(pages),
                f"{size / 1024:.0f}" if size else "-",
                f"{peak_resident_mb():.0f}",
            )
        )

    clock = Clock()
    import weasyprint  # noqa: F401 (timed on its own: a web worker pays it once)

    row("pdf", "import weasyprint", 0, *clock.lap())

    clock = Clock()
    pdf = letter_pdf(**first)
    row("pdf", "cold (first)", 1, *clock.lap(), pdf_pages(pdf), len(pdf))
    warm = []
    for _ in range(5):
        clock = Clock()
        pdf = letter_pdf(**first)
        warm.append(clock.lap())
    row(
        "pdf",
        "warm (best of 5)",
        1,
        min(wall for wall, _ in warm),
        min(cpu for _, cpu in warm),
        pdf_pages(pdf),
        len(pdf),
    )

    before = resident_mb()
    sizes = []
    clock = Clock()
    for letter in letters:
        sizes.append(len(letter_pdf(**letter)))
    row("pdf", "in sequence", len(letters), *clock.lap(), "-", statistics.mean(sizes))
    growth = resident_mb() - before

    clock = Clock()
    word = letter_docx(**first)
    row("docx", "cold (first)", 1, *clock.lap(), "-", len(word))
    clock = Clock()
    word_sizes = [len(letter_docx(**letter)) for letter in letters]
    row("docx", "in sequence", len(letters), *clock.lap(), "-", statistics.mean(word_sizes))

    if options.save:
        folder = Path(options.save)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "letter.md").write_text(first["body_markdown"], encoding="utf-8")
        (folder / "letter.pdf").write_bytes(pdf)
        (folder / "letter.docx").write_bytes(word)

    headings = ("output", "run", "letters", "seconds", "cpu", "per letter", "pages", "KB", "peak MB")
    widths = [max(len(str(line[column])) for line in [headings, *rows]) for column in range(len(headings))]
    for line in [headings, *rows]:
        print("  ".join(str(value).ljust(width) for value, width in zip(line, widths, strict=True)).rstrip())
    words = len(first["body_markdown"].split())
    print(
        f"(letter of {words:,} words in Markdown; resident memory grew {growth:.0f} MB over the "
        f"{len(letters)} PDFs; WeasyPrint {weasyprint.__version__})"
    )


if __name__ == "__main__":
    main()

"""How long analyse_document takes over a long Word self-assessment, and how much memory it needs.

Builds a ~120-page document (~60,000 words: all ten default sections, each with sub-headings, paragraphs
in several runs, lists and tables), times analyse_document over it (best of 3), then runs the extraction
alone in a child process and reads its peak resident memory (VmHWM, or ru_maxrss off Linux).

    .venv/bin/python benchmarks/extract_docx.py
    pages≈120 words=60,123 seconds=1.23 peak_mb=85
    .venv/bin/python benchmarks/extract_docx.py --save x.docx

Targets: under 2 seconds and under 200 MB.
"""

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_PAGE = 500
VOCABULARY_TEXT = (
    "children young people families practice quality audit evidence impact social workers managers partners "
    "outcomes improve plan review data voice feedback timely visits assessment support safety stability "
    "placements health education police schools leaders governance scrutiny learning supervision caseloads "
    "because therefore we know this from our monthly audits and what children tell us about their plans"
)
VOCABULARY = tuple(VOCABULARY_TEXT.split())
SUB_HEADINGS = (
    "What we know",
    "How we know",
    "What worries us",
    "What we will do next",
    "Impact on children",
)


def sentence(seed: int, length: int) -> str:
    words = [
        VOCABULARY[(seed * 31 + index * 17 + index * index) % len(VOCABULARY)] for index in range(length)
    ]
    return " ".join(words).capitalize() + "."


def word_like_run(paragraph, text: str, seed: int, *, bold: bool = False, italic: bool = False) -> None:
    """A run carrying what Word writes on most runs: fonts, size, language and a revision id."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    run.font.name = "Arial"
    run.font.size = Pt(12)
    properties = run._r.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-GB")
    properties.append(language)
    run._r.set(qn("w:rsidR"), f"{seed * 2654435761 % 0xFFFFFFFF:08X}")


def build_document() -> tuple[bytes, int]:
    """A long self-assessment as Word writes one: many paragraphs, each in many formatted runs."""
    import docx
    from docx.oxml.ns import qn

    from peerchallenge.documents import DEFAULT_SECTIONS

    document = docx.Document()
    document.add_heading("Anyshire children's services self-assessment 2025", level=0)
    seed = 0
    total = 0
    for number, section in enumerate(DEFAULT_SECTIONS, start=1):
        document.add_heading(f"{number}. {section.title}", level=1)
        for sub_heading in SUB_HEADINGS:
            document.add_heading(sub_heading, level=2)
            for _ in range(11):
                paragraph = document.add_paragraph()
                paragraph._p.set(qn("w:rsidR"), f"{seed:08X}")
                paragraph._p.set(qn("w:rsidRDefault"), f"{seed + 1:08X}")
                for run in range(10):
                    seed += 1
                    text = sentence(seed, 10)
                    total += 10
                    word_like_run(paragraph, text + " ", seed, bold=run == 2, italic=run == 6)
            for _ in range(6):
                seed += 1
                document.add_paragraph(sentence(seed, 10), style="List Bullet")
                total += 10
        table = document.add_table(rows=8, cols=4)
        for row_number, row in enumerate(table.rows):
            for cell in row.cells:
                cell.text = "Measure" if row_number == 0 else f"{row_number * 7}% of children"
                total += 1 if row_number == 0 else 3
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), total


def peak_resident_mb() -> float:
    """This process's peak resident memory.

    On Linux ru_maxrss carries the parent's high-water mark across fork and exec, so a child started by a
    big parent reports the parent's peak; VmHWM belongs to the process's own address space.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str) -> None:
    """Run only the extraction, then print this process's peak resident memory in MB, and before it."""
    from peerchallenge.documents import DEFAULT_SECTIONS, analyse_document

    data = Path(path).read_bytes()
    before = peak_resident_mb()
    analyse_document("benchmark.docx", data, DEFAULT_SECTIONS)
    print(f"{peak_resident_mb():.1f} {before:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", help="also write the generated document here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    sys.path.insert(0, str(PROJECT_ROOT))
    if options.child:
        child(options.child)
        return

    from peerchallenge.documents import DEFAULT_SECTIONS, analyse_document

    data, built_words = build_document()
    if options.save:
        Path(options.save).write_bytes(data)
    timings = []
    analysis = None
    for _ in range(3):
        started = time.perf_counter()
        analysis = analyse_document("benchmark.docx", data, DEFAULT_SECTIONS)
        timings.append(time.perf_counter() - started)
    assert analysis is not None
    assert all(section.found for section in analysis.sections), analysis.warnings

    with tempfile.NamedTemporaryFile(suffix=".docx") as handle:
        handle.write(data)
        handle.flush()
        output = subprocess.run(  # noqa: S603 (this script running itself)
            [sys.executable, __file__, "--child", handle.name], check=True, capture_output=True, text=True
        ).stdout.split()
    peak_mb, baseline_mb = (float(value) for value in output)

    print(
        f"pages≈{analysis.total_words / WORDS_PER_PAGE:.0f} words={analysis.total_words:,} "
        f"seconds={min(timings):.2f} peak_mb={peak_mb:.0f}"
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document_xml = archive.getinfo("word/document.xml").file_size
    print(
        f"(file {len(data) / 1024:.0f} KB, document.xml {document_xml / 1024 / 1024:.1f} MB; "
        f"{built_words:,} words written; sections found "
        f"{sum(s.found for s in analysis.sections)}/{len(analysis.sections)}; runs "
        f"{', '.join(f'{t:.2f}' for t in timings)} s; of which Python and the imports {baseline_mb:.0f} MB)"
    )


if __name__ == "__main__":
    main()

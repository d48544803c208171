"""How long a letter takes as PDF and as Word, and how long releasing a whole region's letters takes.

Letters: the letters `flask seed-demo` composes (made in a temporary SQLite database), and a long letter for
each of the 153 authorities built here in Markdown (ten sections, each with a ratings table of three rubric
rows, two peers and whether they agree, 3-5 strengths, 3-5 areas for development and 3-6 challenge questions,
then an overall part with two summaries of about 250 words; about 3,700 words and 10 pages). Times letter_pdf
cold (the first render in the process: the Typst compiler is made then) and warm (best of 5, for the slowest
demo letter and for the long letter), then --count long letters in sequence; then the same for letter_docx.

Then a release: the largest region (London, 33 authorities) with an approved-ready long letter for each, its
reviews in; approving the 33 letters (which renders and stores each one's draft PDF and Word files), releasing
them all at once (which renders them again, dated), and the slowest download afterwards (from storage).

"seconds" is wall-clock time; "cpu" is this process's CPU time, steadier on a machine busy with other work.
Peak resident memory is the process's high-water mark (VmHWM); "growth" is the resident memory gained over
the run of PDFs (a leak shows there).

    .venv/bin/python benchmarks/render_letters.py
    output   run                          letters  seconds  cpu   per letter  pages  KB  peak MB
    pdf      cold (first)                 1        0.25     0.22  0.250       10     52  ...
    pdf      warm, demo (slowest)         1        ...
    ...
    release  release all (London)         33       ...
    .venv/bin/python benchmarks/render_letters.py --count 20 --save /tmp/letters

Targets: a PDF under 0.2 s warm, a Word file under 0.1 s, releasing 33 letters under 15 s, a download after
release under 0.5 s.
"""

import argparse
import csv
import io
import re
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa
import typst

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from peerchallenge import create_app  # noqa: E402
from peerchallenge.accounts.models import Role, RoleGrant, User  # noqa: E402
from peerchallenge.assignments.models import Assignment, AssignmentState  # noqa: E402
from peerchallenge.cycles import services as cycle_services  # noqa: E402
from peerchallenge.cycles.models import Cycle, CycleState  # noqa: E402
from peerchallenge.demo.cycle import seed_demo_cycle  # noqa: E402
from peerchallenge.demo.seed import seed_demo  # noqa: E402
from peerchallenge.documents import DEFAULT_SECTIONS  # noqa: E402
from peerchallenge.extensions import db  # noqa: E402
from peerchallenge.letters import services as letter_services  # noqa: E402
from peerchallenge.letters.files import letter_details  # noqa: E402
from peerchallenge.letters.models import FileKind, Letter, LetterState, LetterVersion, VersionSource  # noqa: E402
from peerchallenge.letters.output import LetterDetails, letter_docx, letter_pdf  # noqa: E402
from peerchallenge.regions.loader import load_authorities, read_authorities  # noqa: E402
from peerchallenge.regions.models import Region  # noqa: E402
from peerchallenge.reviews.models import Review, ReviewState  # noqa: E402
from tests.scenarios import details  # noqa: E402

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


def read_authorities_csv() -> list[tuple[str, str]]:
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


TAG = re.compile(r"<[^>]*>")


def demo_letters(app) -> list[LetterDetails]:
    """The letters `flask seed-demo` composes, as letter_pdf and letter_docx take them."""
    with app.app_context():
        db.create_all()
        result = seed_demo("benchmark password")
        seed_demo_cycle(result.region, date.today())
        db.session.commit()
        return [
            letter_details(letter) for letter in db.session.scalars(sa.select(Letter).order_by(Letter.id))
        ]


def largest_region_ready(app, authorities: list[tuple[str, str]]):
    """The largest region's cycle with an approvable long letter for each authority and its reviews in."""
    with app.app_context():
        load_authorities(read_authorities())
        name = max(
            {region for _, region in authorities}, key=lambda r: sum(1 for _, x in authorities if x == r)
        )
        region = db.session.scalar(sa.select(Region).where(Region.name == name))
        members = sorted(region.authorities, key=lambda authority: authority.name)
        lead = User(email="lead@benchmark.example", name="Benchmark Lead")
        lead.grants.append(RoleGrant(role=Role.LEAD, region=region))
        db.session.add(lead)
        cycle = cycle_services.create_cycle(lead, region, **details())  # the tests' cycle
        cycle.state = CycleState.CONSOLIDATING  # letters are approved and released from here on
        for index, authority in enumerate(members):
            director = User(email=f"director{index}@benchmark.example", name=f"Director {index}")
            director.grants.append(RoleGrant(role=Role.DIRECTOR, authority=authority))
            db.session.add(director)
            peers = [members[(index + step) % len(members)] for step in (1, 2)]
            for peer in peers:
                assignment = Assignment(
                    cycle=cycle, reviewer=peer, reviewed=authority, state=AssignmentState.PUBLISHED
                )
                db.session.add(assignment)
                db.session.add(Review(assignment=assignment, state=ReviewState.SUBMITTED, updated_by=lead))
            letter = Letter(cycle=cycle, authority=authority, state=LetterState.COMPOSED, response="")
            body = build_letter(authority.name, (peers[0].name, peers[1].name), seed=index * 101)
            letter.versions.append(
                LetterVersion(number=1, body=body, body_html="", source=VersionSource.COMPOSED)
            )
            db.session.add(letter)
        db.session.commit()
        return name, lead.id, cycle.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=153, help="long letters in sequence (default 153)")
    parser.add_argument("--save", help="also write the long letter's .md, .pdf and .docx into this folder")
    options = parser.parse_args()

    authorities = read_authorities_csv()
    letters, markdowns = [], []
    for index in range(options.count):
        authority, region = authorities[index % len(authorities)]
        peers = (
            authorities[(index + 1) % len(authorities)][0],
            authorities[(index + 7) % len(authorities)][0],
        )
        markdown = build_letter(authority, peers, seed=index * 101)
        markdowns.append(markdown)
        letters.append(
            # As the service stores a version: its Markdown rendered and sanitised once, when saved.
            LetterDetails.from_markdown(
                markdown,
                title=f"Peer challenge letter 2025: {authority}",
                authority_name=authority,
                region_name=f"{region} Region",
                released_on=date(2025, 11, 3),
            )
        )
    long_letter = letters[0]
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

    def warm(render, letter) -> tuple[float, float, bytes]:
        """Best of 5: (wall, cpu, file)."""
        laps = []
        for _ in range(5):
            clock = Clock()
            data = render(letter)
            laps.append(clock.lap())
        return min(wall for wall, _ in laps), min(cpu for _, cpu in laps), data

    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.db"})
        demo = demo_letters(app)

    for output, render in (("pdf", letter_pdf), ("docx", letter_docx)):
        clock = Clock()
        first = render(long_letter)
        pages = pdf_pages(first) if output == "pdf" else "-"
        row(output, "cold (first)", 1, *clock.lap(), pages, len(first))
        if demo:
            wall, cpu, data = max((warm(render, letter) for letter in demo), key=lambda lap: lap[1])
            pages = pdf_pages(data) if output == "pdf" else "-"
            row(output, f"warm, demo (slowest of {len(demo)})", 1, wall, cpu, pages, len(data))
        wall, cpu, data = warm(render, long_letter)
        row(output, "warm, long letter", 1, wall, cpu, pdf_pages(data) if output == "pdf" else "-", len(data))
        before = resident_mb()
        clock = Clock()
        sizes = [len(render(letter)) for letter in letters]
        row(output, "long letters in sequence", len(letters), *clock.lap(), "-", statistics.mean(sizes))
        if output == "pdf":
            growth = resident_mb() - before
            pdf = data
        else:
            word = data

    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/release.db"})
        with app.app_context():
            db.create_all()
        region_name, lead_id, cycle_id = largest_region_ready(app, authorities)
        with app.app_context():
            lead = db.session.get(User, lead_id)
            cycle = db.session.get(Cycle, cycle_id)
            to_approve = db.session.scalars(sa.select(Letter).where(Letter.cycle_id == cycle_id)).all()
            clock = Clock()
            for letter in to_approve:
                letter_services.approve(lead, letter)
            db.session.commit()
            row("release", f"approve each ({region_name})", len(to_approve), *clock.lap())
            clock = Clock()
            released = letter_services.release_all(lead, cycle)
            db.session.commit()
            row("release", f"release all ({region_name})", released, *clock.lap())
            slowest = (0.0, 0.0)
            for letter in db.session.scalars(sa.select(Letter).where(Letter.cycle_id == cycle_id)):
                for kind in FileKind:
                    db.session.expire_all()
                    clock = Clock()
                    letter_services.download(lead, letter, kind)
                    db.session.commit()
                    slowest = max(slowest, clock.lap())
            row("release", "slowest download after", 1, *slowest)

    if options.save:
        folder_path = Path(options.save)
        folder_path.mkdir(parents=True, exist_ok=True)
        (folder_path / "letter.md").write_text(markdowns[0], encoding="utf-8")
        (folder_path / "letter.pdf").write_bytes(pdf)
        (folder_path / "letter.docx").write_bytes(word)

    headings = ("output", "run", "letters", "seconds", "cpu", "per letter", "pages", "KB", "peak MB")
    widths = [max(len(str(line[column])) for line in [headings, *rows]) for column in range(len(headings))]
    for line in [headings, *rows]:
        print("  ".join(str(value).ljust(width) for value, width in zip(line, widths, strict=True)).rstrip())
    words = len(markdowns[0].split())
    demo_words = max((len(TAG.sub(" ", letter.body_html).split()) for letter in demo), default=0)
    print(
        f"(long letter of {words:,} words in Markdown, demo letters up to {demo_words:,}; resident memory "
        f"grew {growth:.0f} MB over the {len(letters)} PDFs; Typst {typst.__version__})"
    )


if __name__ == "__main__":
    main()

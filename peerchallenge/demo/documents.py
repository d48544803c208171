"""Self-assessments for the demo region, written in code: plausible, varied, and obviously made up."""

import io
import random
from collections.abc import Set as AbstractSet

from docx import Document

OPENINGS = (
    "Our practice has improved since last year, and we can show it.",
    "We know our families well, and we know where we are not yet good enough.",
    "This year has tested our workforce, but the quality of work with children has held up.",
    "We have focused on fewer priorities and followed them through.",
)
EVIDENCE = (
    "Monthly audits of {n} cases show {p}% rated good or better, up from {q}% a year ago.",
    "Children told us through the participation council that they want fewer changes of worker; "
    "{p}% now keep the same social worker for a year.",
    "Re-referrals within twelve months fell to {p}%, below our statistical neighbours.",
    "Practice observations by senior leaders found consistent use of the practice model in {p}% of visits.",
    "Feedback from {n} families after the end of early help support was positive in {p}% of responses.",
    "The independent reviewing service raised {n} practice alerts, all resolved within timescales.",
)
ACTIVITY = (
    "The service is organised into locality teams, each led by a team manager and supported by "
    "a practice lead, with weekly case discussions and monthly performance meetings.",
    "We have refreshed a number of policies and procedures during the year, and these are available "
    "on the intranet for staff to consult when needed.",
    "Partnership arrangements continue through the safeguarding partnership and its subgroups, "
    "which meet regularly and receive reports from each agency.",
)
WORRIES = (
    "What worries us: the timeliness of initial health assessments for children coming into care.",
    "What worries us: sufficiency of local homes for older children with complex needs.",
    "What worries us: the number of agency social workers in the assessment teams.",
    "What worries us: the consistency of management oversight in the out-of-hours service.",
)
PLANS = (
    "In the next 12 months we will reduce agency use to under {p}% by March.",
    "In the next 12 months we will open {n} new local homes, the first by September.",
    "In the next 12 months every child in care will have a health assessment within 20 working days.",
)


def _fill(rng: random.Random, sentence: str) -> str:
    return sentence.format(n=rng.randint(12, 240), p=rng.randint(55, 92), q=rng.randint(40, 70))


def _paragraphs(rng: random.Random, words: int) -> list[str]:
    """Paragraphs of about `words` words, mixing evidence, description and worries."""
    paragraphs, count = [], 0
    while count < words:
        pool = [*EVIDENCE, *EVIDENCE, *ACTIVITY, *WORRIES, *PLANS]
        paragraph = " ".join(_fill(rng, rng.choice(pool)) for _ in range(rng.randint(2, 4)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return paragraphs


def demo_sections(
    authority: str,
    sections: list[tuple[str, int | None]],
    *,
    omit: AbstractSet[str] = frozenset(),
    long: AbstractSet[str] = frozenset(),
) -> list[tuple[str, list[str]]]:
    """The self-assessment's sections as (heading, paragraphs), seeded by the authority's name."""
    rng = random.Random(authority)  # noqa: S311 (demo text, not security)
    result = []
    for number, (title, suggested) in enumerate(sections):
        if title in omit:
            continue
        target = (suggested or 500) * (2.2 if title in long else rng.uniform(0.5, 1.05))
        paragraphs = _paragraphs(rng, int(target))
        if number == 0:
            paragraphs.insert(0, f"{authority}: {rng.choice(OPENINGS)}")
        result.append((f"{number}. {title}", paragraphs))
    return result


def demo_markdown(authority: str, sections: list[tuple[str, int | None]], **options) -> str:
    parts = [f"# {authority} children's services self-assessment\n"]
    for heading, paragraphs in demo_sections(authority, sections, **options):
        parts.append(f"## {heading}\n")
        parts.extend(f"{paragraph}\n" for paragraph in paragraphs)
    return "\n".join(parts)


def demo_docx(authority: str, sections: list[tuple[str, int | None]], **options) -> bytes:
    document = Document()
    document.add_heading(f"{authority} children's services self-assessment", level=0)
    for heading, paragraphs in demo_sections(authority, sections, **options):
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

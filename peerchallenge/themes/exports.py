"""The themes report as CSV (one row per theme, then the ask-offer matches) and as a Word paper for the DCS
peer challenge board: headings, the chart as a PNG rendered on the server, the quotes and the matches.

Both follow the cycle's setting for names: they are papers for the board. Text from people is written so a
spreadsheet does not run it (monitoring's `csv_safe`).
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from peerchallenge.dates import uk_datetime
from peerchallenge.monitoring.exports import csv_safe
from peerchallenge.themes.chart import DEVELOPMENT, STRENGTH, ChartRow, chart_png, themes_chart
from peerchallenge.themes.queries import MatchRow, ThemesReport, ThemeSummary

CSV_HEADER = [
    "Theme",
    "Kind",
    "Authorities raising it as a strength",
    "Change from last year (strengths)",
    "Authorities raising it as an area for development",
    "Change from last year (areas for development)",
    "Authorities asking questions on it",
    "Authorities with plans on it",
    "Quotes",
]


def themes_csv(report: ThemesReport) -> tuple[str, int]:
    """The report as CSV text, and its number of data rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rows = 0

    def write(values: list) -> None:
        writer.writerow([csv_safe(value) for value in values])

    write(CSV_HEADER)
    for theme in report.themes:
        quotes = " | ".join(f"“{quote.text}” ({quote.attribution})" for quote in theme.quotes)
        write(
            [
                theme.name,
                theme.kind.label,
                theme.strengths,
                theme.change(STRENGTH),
                theme.developments,
                theme.change(DEVELOPMENT),
                theme.questions,
                theme.plans,
                quotes,
            ]
        )
        rows += 1
    write([])
    write(["Ask from", "Ask", "Offer from", "Offer", "Themes"])
    for match in report.matches:
        write([match.ask_authority, match.ask, match.offer_authority, match.offer, "; ".join(match.themes)])
        rows += 1
    return out.getvalue(), rows


# How the paper is written: one more whenever themes_docx (or the chart) writes it differently, so that papers
# kept from before are made again at their next download rather than served as they were.
PAPER_LAYOUT = 1


@dataclass(frozen=True)
class PaperSource:
    """Everything the Word paper prints, and how it is written: hashed to tell whether a kept paper is
    current, and what themes_docx writes it from."""

    title: str
    named: bool
    tagged_at: datetime | None
    themes: list[ThemeSummary]
    rows: list[ChartRow]
    matches: list[MatchRow]
    layout: int = PAPER_LAYOUT

    @property
    def theme_columns(self) -> list[tuple[str, str]]:
        return [(theme.key, theme.name) for theme in self.themes]


def paper_source(report: ThemesReport) -> PaperSource:
    return PaperSource(
        report.cycle.title, report.named, report.tagged_at, report.themes, report.rows, report.matches
    )


def chart_title(cycle_title: str) -> str:
    return f"Themes by authority, {cycle_title}"


def chart_svg(report: ThemesReport) -> str:
    return themes_chart(chart_title(report.cycle.title), report.theme_columns, report.rows)


def themes_docx(paper: PaperSource) -> bytes:
    """The themes report as a Word paper, written from what its kept file is checked against (PaperSource)."""
    from docx import Document  # imported where used: importing the app stays lean
    from docx.shared import Cm, Pt

    document = Document()
    document.core_properties.title = f"{paper.title}: themes"
    document.core_properties.language = "en-GB"
    document.add_heading(f"{paper.title}: what the region's self-assessments and reviews say", 0)
    tagged = f"Tagged {uk_datetime(paper.tagged_at)}." if paper.tagged_at else "Not tagged yet."
    document.add_paragraph(
        f"{tagged} Each theme counts the authorities whose peer reviews, letters or self-assessment "
        "raised it. " + ("Quotes name their authorities." if paper.named else "Quotes are anonymised.")
    )

    document.add_heading("Themes by authority", 1)
    picture = document.add_picture(
        io.BytesIO(chart_png(themes_chart(chart_title(paper.title), paper.theme_columns, paper.rows))),
        width=Cm(16),
    )
    picture._inline.docPr.set(  # the picture's alternative text, read out in Word
        "descr",
        "Chart of themes by authority: a triangle where an authority raised the theme as a strength, a "
        "hatched square where as an area for development. The table below gives the same counts.",
    )
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ("Theme", "Strength", "Area for development", "Change from last year"),
        strict=True,
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for theme in paper.themes:
        change = "; ".join(
            part
            for part in (
                f"strengths {theme.change(STRENGTH)}" if theme.change(STRENGTH) else "",
                f"areas for development {theme.change(DEVELOPMENT)}" if theme.change(DEVELOPMENT) else "",
            )
            if part
        )
        cells = table.add_row().cells
        cells[0].text = theme.name
        cells[1].text = str(theme.strengths)
        cells[2].text = str(theme.developments)
        cells[3].text = change or "not compared"

    document.add_heading("Themes", 1)
    for theme in paper.themes:
        if not theme.raised:
            continue
        document.add_heading(theme.name, 2)
        document.add_paragraph(
            f"Raised as a strength by {theme.strengths} and as an area for development by "
            f"{theme.developments} "
            f"{'authority' if theme.developments == 1 else 'authorities'}."
        )
        for quote in theme.quotes:
            paragraph = document.add_paragraph(style="Quote")
            paragraph.add_run(f"“{quote.text}”")
            paragraph.add_run(f" ({quote.attribution}; {quote.source.label.lower()})").italic = False

    document.add_heading("Asks matched to offers", 1)
    if not paper.matches:
        document.add_paragraph("No ask of one authority matches another's offer on the same theme.")
    for match in paper.matches:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{match.ask_authority} asks: ").bold = True
        paragraph.add_run(match.ask)
        paragraph.add_run(f" {match.offer_authority} offers: ").bold = True
        paragraph.add_run(f"{match.offer} ({', '.join(match.themes)})")
    for style in ("Normal", "Quote"):
        document.styles[style].font.size = Pt(11)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

"""Downloads for the region's own analysis: the dashboard and the region's actions as CSV and Excel, and a
cycle's ratings as CSV.

Spreadsheets run a cell that starts with =, +, - or @ as a formula, so text from users (an authority's or a
section's name) is written so that it stays text: in CSV with a leading apostrophe, in Excel as a string cell.
"""

import csv
import io
from datetime import date

from peerchallenge.actions.models import Action
from peerchallenge.cycles.models import Cycle
from peerchallenge.dates import uk_datetime
from peerchallenge.monitoring.dashboard import Dashboard, Row, Status
from peerchallenge.monitoring.overview import cycle_parts, cycle_scales, part_ratings, submitted_reviews

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The value as text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return out.getvalue()


def dashboard_header(dashboard: Dashboard) -> list[str]:
    return ["Authority"] + [f"{stage.group}: {stage.title}" for stage in dashboard.stages]


def dashboard_rows(dashboard: Dashboard, rows: list[Row]) -> list[list[str]]:
    """The dashboard's table as words: one row per authority, then the totals of all authorities."""
    table = [[row.authority_name] + [row.cells[stage.key].text for stage in dashboard.stages] for row in rows]
    return [*table, totals_row(dashboard)]


def totals_row(dashboard: Dashboard) -> list[str]:
    return ["Total (all authorities)"] + [dashboard.totals[stage.key].text for stage in dashboard.stages]


def dashboard_csv(dashboard: Dashboard, rows: list[Row]) -> str:
    return _csv([dashboard_header(dashboard), *dashboard_rows(dashboard, rows)])


def dashboard_xlsx(dashboard: Dashboard, rows: list[Row], title: str) -> bytes:
    """The dashboard as a workbook: bold frozen header, the words in each cell and its colour as a fill."""
    from openpyxl.styles import Alignment, Font, PatternFill

    book, sheet, text = _write_only_sheet("Dashboard", title)
    header = dashboard_header(dashboard)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = max([24] + [len(row.authority_name) + 2 for row in rows])
    _column_widths(sheet, [22] * (len(header) - 1), first=2)
    bold, top = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append([text(value, font=bold, alignment=top) for value in header])
    fills = {
        status: PatternFill("solid", start_color=status.fill, end_color=status.fill) for status in Status
    }
    for row in rows:
        cells = [text(row.authority_name)]
        cells += [
            text(row.cells[stage.key].text, fill=fills[row.cells[stage.key].status])
            for stage in dashboard.stages
        ]
        sheet.append(cells)
    sheet.append([text(value, font=bold) for value in totals_row(dashboard)])
    return _saved(book)


def _write_only_sheet(name: str, title: str):
    """A workbook written row by row (openpyxl's write-only mode: no cell kept once written), its one sheet,
    and a function making a text cell of it: a string, never a formula, whatever it starts with. The styles
    given are shared by every cell, not copied for each (a copy per cell took most of an export's time)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    book = Workbook(write_only=True)
    book.properties.title = title
    sheet = book.create_sheet(name)

    def text(value: str, **styles) -> Cell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        for style, setting in styles.items():
            setattr(cell, style, setting)
        return cell

    return book, sheet, text


def _column_widths(sheet, widths: list[int], first: int = 1) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=first):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ratings_table(cycle: Cycle) -> list[list[str]]:
    """A row per submitted review and part: authority, section (or Overall), peer, a level per scale (blank
    when not rated, or when the section is not rated on that scale)."""
    parts = cycle_parts(cycle)
    scales = cycle_scales(cycle)
    labels = [{level.position: level.label for level in scale.levels} for scale in scales]
    table = [["Authority reviewed", "Section", "Peer"] + [scale.name for scale in scales]]
    for review in submitted_reviews(cycle):
        for part in parts:
            ratings = part_ratings(review.content, part.key)
            levels = [
                names.get(ratings[scale.key], "") if scale.key in ratings and part.rated_on(scale.key) else ""
                for scale, names in zip(scales, labels, strict=True)
            ]
            table.append([review.reviewed_name, part.title, review.peer, *levels])
    return table


def ratings_csv(cycle: Cycle) -> tuple[str, int]:
    """The ratings as CSV, and how many rows of ratings it holds."""
    table = ratings_table(cycle)
    return _csv(table), len(table) - 1


ACTIONS_HEADER = [
    "Cycle",
    "Authority",
    "Action",
    "Answers (kind of point)",
    "Answers (point)",
    "Owner",
    "Due",
    "Status",
    "Overdue",
    "Reason dropped",
    "Last updated",
]


def actions_rows(actions: list[Action], today: date) -> list[list[str]]:
    """A row per action, as words: dates as 2026-03-27 so that a spreadsheet sorts them."""
    return [
        [
            action.letter.cycle.title,
            action.authority.name,
            action.what,
            action.point.kind.label if action.point else "",
            action.point.text if action.point else "",
            action.owner,
            action.due_on.isoformat(),
            action.status.label,
            "Yes" if action.is_overdue(today) else "No",
            action.dropped_reason,
            uk_datetime(action.updated_at),
        ]
        for action in actions
    ]


def actions_csv(actions: list[Action], today: date) -> str:
    return _csv([ACTIONS_HEADER, *actions_rows(actions, today)])


def actions_xlsx(actions: list[Action], today: date, title: str) -> bytes:
    """The actions as a workbook: bold frozen header, every cell text."""
    from openpyxl.styles import Alignment, Font

    book, sheet, text = _write_only_sheet("Actions", title)
    sheet.freeze_panes = "A2"
    _column_widths(sheet, [28, 22, 50, 22, 40, 28, 12, 14, 10, 30, 24])
    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append([text(value, font=bold) for value in ACTIONS_HEADER])
    for row in actions_rows(actions, today):
        sheet.append([text(value, alignment=wrapped) for value in row])
    return _saved(book)

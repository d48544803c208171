"""The chart of themes by authority, as SVG written here (no library), and as a PNG made from it by Typst.

Pure code. One row per authority, one column per theme; a cell holds a triangle where the authority's texts
raise the theme as a strength, a hatched square where they raise it as an area for development, and both
where both. Shapes, a legend in words and a <title> on every cell make it readable without colour; the page
gives the same facts as a table beside it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

STRENGTH = "strength"
DEVELOPMENT = "development"
CELL = 36
ROW = 24
LABEL_WIDTH = 210
HEADER_HEIGHT = 220
LEGEND_HEIGHT = 56
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
INK = "#0b0c0c"


@dataclass(frozen=True)
class ChartRow:
    """An authority's row: its name (or "Authority 3" when anonymised) and its stances per theme."""

    name: str
    cells: Mapping[str, frozenset[str]]


def _triangle(x: float, y: float) -> str:
    points = f"{x},{y + 7} {x + 8},{y - 7} {x + 16},{y + 7}"
    return f'<polygon points="{points}" fill="{INK}"/>'


def _square(x: float, y: float) -> str:
    return (
        f'<rect x="{x}" y="{y - 7}" width="14" height="14" fill="url(#hatch)" stroke="{INK}" '
        'stroke-width="1.5"/>'
    )


def _mark(stances: frozenset[str], x: float, y: float) -> str:
    """The shapes of a cell centred on y: triangle left of centre, square right, as the legend says."""
    parts = []
    if STRENGTH in stances:
        parts.append(_triangle(x + 1 if DEVELOPMENT in stances else x + 10, y))
    if DEVELOPMENT in stances:
        parts.append(_square(x + 19 if STRENGTH in stances else x + 11, y))
    return "".join(parts)


def _cell_words(stances: frozenset[str]) -> str:
    if STRENGTH in stances and DEVELOPMENT in stances:
        return "a strength and an area for development"
    return "a strength" if STRENGTH in stances else "an area for development"


def themes_chart(title: str, themes: Sequence[tuple[str, str]], rows: Sequence[ChartRow]) -> str:
    """The chart as a standalone SVG document: `themes` are (key, name) in column order."""
    width = LABEL_WIDTH + CELL * len(themes) + 150  # room for the last column's slanted name
    height = HEADER_HEIGHT + ROW * len(rows) + LEGEND_HEIGHT + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title" '
        f'font-family="{FONT}" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
        '<defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="4" height="4" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="4" stroke="{INK}" '
        'stroke-width="1.5"/></pattern></defs>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for column, (_key, name) in enumerate(themes):
        x = LABEL_WIDTH + CELL * column + CELL / 2
        out.append(
            f'<text x="{x}" y="{HEADER_HEIGHT - 8}" transform="rotate(-60 {x} {HEADER_HEIGHT - 8})" '
            f'fill="{INK}">{escape(name)}</text>'
        )
    for number, row in enumerate(rows):
        top = HEADER_HEIGHT + ROW * number
        if number % 2 == 0:
            out.append(f'<rect x="0" y="{top}" width="{width}" height="{ROW}" fill="#f3f2f1"/>')
        middle = top + ROW / 2
        out.append(f'<text x="6" y="{middle + 4}" fill="{INK}">{escape(row.name)}</text>')
        for column, (key, name) in enumerate(themes):
            stances = row.cells.get(key, frozenset())
            if not stances:
                continue
            x = LABEL_WIDTH + CELL * column + 2
            out.append(
                f"<g><title>{escape(row.name)}: {escape(name)}, {_cell_words(stances)}</title>"
                f"{_mark(stances, x, middle)}</g>"
            )
    for column in range(len(themes) + 1):
        x = LABEL_WIDTH + CELL * column
        bottom = HEADER_HEIGHT + ROW * len(rows)
        out.append(f'<line x1="{x}" y1="{HEADER_HEIGHT}" x2="{x}" y2="{bottom}" stroke="#b1b4b6"/>')
    legend = HEADER_HEIGHT + ROW * len(rows) + 24
    out.append(_triangle(6, legend))
    out.append(f'<text x="30" y="{legend + 4}" fill="{INK}">Raised as a strength</text>')
    out.append(_square(200, legend))
    out.append(f'<text x="222" y="{legend + 4}" fill="{INK}">Raised as an area for development</text>')
    out.append("</svg>")
    return "".join(out)


# The SVG travels to Typst as a string in sys.inputs, never as Typst source.
PNG_PAGE = b"""#set page(width: auto, height: auto, margin: 8pt, fill: white)
#image(bytes(sys.inputs.svg), format: "svg")
"""


def chart_png(svg: str, ppi: float = 144) -> bytes:
    """The SVG as a PNG, rendered on the server by Typst."""
    import typst  # imported where used: importing the app stays lean

    png = typst.compile(PNG_PAGE, format="png", ppi=ppi, sys_inputs={"svg": svg})
    assert isinstance(png, bytes)  # one page, so one image
    return png

"""A small line chart of an indicator over the periods, as SVG text: pure code, every string escaped.

Readable without colour: each series has its own line pattern (solid, dashed, dotted, dash-dot) and marker
(circle, square, triangle, diamond), a legend in words, and the authority's values written above its points.
The chart carries a title and a description read by screen readers; the page shows a table beside it too.
"""

from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 340, 170
# The first and last points sit half a value label in from the edges, so their labels ("294.6 per 10,000")
# and the periods under them are never cut off.
LEFT, RIGHT, TOP, BOTTOM = 54, 54, 22, 58
STYLES = (  # (dash pattern, marker) for the authority, England, region, statistical neighbours
    ("", "circle"),
    ("6 4", "square"),
    ("2 3", "triangle"),
    ("8 3 2 3", "diamond"),
)


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]  # one per period; None where the file gave none


def _marker(kind: str, x: float, y: float, filled: bool) -> str:
    fill = "currentColor" if filled else "#fff"
    common = f'fill="{fill}" stroke="currentColor" stroke-width="1.5"'
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {common}/>'
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" {common}/>'
    if kind == "triangle":
        corners = [(x, y - 4.5), (x + 4.5, y + 3.5), (x - 4.5, y + 3.5)]
    else:
        corners = [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)]
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in corners)
    return f'<polygon points="{points}" {common}/>'


def line_chart(
    chart_id: str, title: str, periods: list[str], series: list[Series], show: dict[float, str] | None = None
) -> str:
    """The SVG of the series over the periods; `show` gives each authority value's label (22%)."""
    values = [value for each in series for value in each.values if value is not None]
    if not periods or not values:
        return ""
    low, high = min(values), max(values)
    spread = (high - low) or max(abs(high), 1.0)
    low, high = low - spread * 0.15, high + spread * 0.15
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(periods) - 1, 1)

    def x_of(index: int) -> float:
        return LEFT + (index * step if len(periods) > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    described = "; ".join(
        f"{each.label}: "
        + ", ".join(
            f"{period} {show.get(value, f'{value:g}') if show else f'{value:g}'}"
            for period, value in zip(periods, each.values, strict=True)
            if value is not None
        )
        for each in series
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-datapack-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(described)}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#505a5f"/>',
    ]
    for index, period in enumerate(periods):
        parts.append(
            f'<text x="{x_of(index):.1f}" y="{TOP + plot_h + 14}" text-anchor="middle" font-size="11" '
            f'fill="#0b0c0c">{escape(period)}</text>'
        )
    for number, each in enumerate(series):
        dash, marker = STYLES[number % len(STYLES)]
        points = [(x_of(i), y_of(v)) for i, v in enumerate(each.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="currentColor" stroke-width="2"{dashes}/>'
            )
        parts += [_marker(marker, x, y, number == 0) for x, y in points]
        if number == 0:
            for (x, y), value in zip(points, [v for v in each.values if v is not None], strict=True):
                label = show.get(value, f"{value:g}") if show else f"{value:g}"
                parts.append(
                    f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11" '
                    f'font-weight="bold" fill="#0b0c0c">{escape(label)}</text>'
                )
        legend_y = HEIGHT - 30 + (number // 2) * 15
        legend_x = LEFT + (number % 2) * (plot_w / 2)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{legend_x:.1f}" y1="{legend_y}" x2="{legend_x + 22:.1f}" y2="{legend_y}" '
            f'stroke="currentColor" stroke-width="2"{dashes}/>'
        )
        parts.append(_marker(marker, legend_x + 11, legend_y, number == 0))
        parts.append(
            f'<text x="{legend_x + 28:.1f}" y="{legend_y + 4}" font-size="11" fill="#0b0c0c">'
            f"{escape(each.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)

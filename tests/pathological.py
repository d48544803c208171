"""A corpus of hostile Markdown shapes, generated at any size: each SHAPES entry makes about n characters.

Used by the growth tests (tests/test_pathological.py) and by benchmarks/pathological.py. Most shapes stay
within the limits in peerchallenge.text_limits (lines under 100,000 characters, under 500 headings, lists
nested under 20), so the service accepts them and has to process them; a few ("quote markers", the tables at
larger sizes) go over a limit, and then the refusal must be as quick.
"""

from collections.abc import Callable

LINE = 2_000  # characters per line in floods, well under MAX_LINE_CHARACTERS


def flood(unit: str, n: int, *, line: int = LINE, separator: str = "\n") -> str:
    """unit repeated to about n characters, broken into lines of `line` characters."""
    body = unit * max(1, n // len(unit))
    return separator.join(body[start : start + line] for start in range(0, len(body), line)) + "\n"


def deep_lists(n: int) -> str:
    """Lists 18 deep, over and over."""
    block = "".join("  " * depth + f"- item {depth}\n" for depth in range(18)) + "\n"
    return block * max(1, n // len(block))


def deep_quotes(n: int) -> str:
    block = "".join("> " * depth + "quoted\n" for depth in range(1, 19)) + "\n"
    return block * max(1, n // len(block))


def wide_table(n: int) -> str:
    """Tables of 90 columns, rows until n characters."""
    header = "|" + "|".join(f"c{column}" for column in range(90)) + "|\n"
    rule = "|" + "|".join("-" for _ in range(90)) + "|\n"
    row = "|" + "|".join("x" for _ in range(90)) + "|\n"
    return header + rule + row * max(1, (n - len(header) - len(rule)) // len(row))


def ordinary(n: int) -> str:
    """A plausible self-assessment: headings, paragraphs with links and emphasis, lists, a table."""
    paragraph = (
        "Our *early help* offer reached 1,240 families this year, and partners told us so in the "
        "[annual survey](https://example.org/survey). **Next** we will widen the offer.\n\n"
    )
    part = (
        "## Early help\n\n"
        + paragraph * 6
        + "- first point\n- second point\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    )
    return part * max(1, n // len(part))


# name -> a function of n returning about n characters of that shape.
SHAPES: dict[str, Callable[[int], str]] = {
    "open brackets": lambda n: flood("[", n),
    "open brackets, long lines": lambda n: flood("[", n, line=90_000),
    "link openings": lambda n: flood("[a](", n),
    "link and paren": lambda n: flood("[a](b(", n),
    "closed links": lambda n: flood("[a](b) ", n),
    "images": lambda n: flood("![a](b) ", n),
    "reference links": lambda n: flood("[a][b] ", n),
    "emphasis stars": lambda n: flood("*a ", n),
    "emphasis underscores": lambda n: flood("_a ", n),
    "strong runs": lambda n: flood("**a", n),
    "star runs": lambda n: flood("*", n),
    "backticks": lambda n: flood("`a ", n),
    "backtick runs": lambda n: flood("``a", n),
    "angle brackets": lambda n: flood("<a ", n),
    "autolink openings": lambda n: flood("<http://a", n),
    "html comments": lambda n: flood("<!--", n),
    "entities": lambda n: flood("&a", n),
    "backslashes": lambda n: flood("\\", n),
    "quote markers": lambda n: flood(">", n),
    "list markers": lambda n: flood("- ", n, line=30),
    "list markers, long lines": lambda n: flood("- ", n, line=9_000, separator="x\n"),
    "deep lists": deep_lists,
    "deep quotes": deep_quotes,
    "heading markers": lambda n: flood("#", n),
    "headings near the limit": lambda n: "# Heading\n" * 450 + flood("text ", n),
    "long lines": lambda n: flood("word ", n, line=90_000),
    "spaces after a heading": lambda n: flood("# a" + " " * 1_000 + "b", n, line=1_004),
    "wide tables": wide_table,
    "pipes": lambda n: flood("|", n, line=90),
    "fences": lambda n: flood("```\n", n, line=4, separator=""),
    "unclosed fence": lambda n: "```\n" + flood("code ", n),
    "blank lines": lambda n: "\n" * n,
    "ordinary": ordinary,
}

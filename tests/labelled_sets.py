"""Helpers for the hand-labelled sets the text signals and theme tagging are measured on.

Each set is a JSON Lines file of rows with an "id" running from 1, a "text" and a "why"; every row whose
id divides by 3 is held out from tuning.
"""

import json
from collections import Counter
from pathlib import Path


def read_rows(path: Path) -> list[dict]:
    """The rows of a labelled set, in file order."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def held_out(row: dict) -> bool:
    """Whether the row is in the held-out third (its id divides by 3)."""
    return row["id"] % 3 == 0


def assert_rows_in_order(rows: list[dict], fields: list[str], at_least: int) -> None:
    """Enough rows, each with exactly these fields in this order, ids 1..N and a text and a reason."""
    assert len(rows) >= at_least
    assert [list(row) for row in rows] == [fields] * len(rows)
    assert [row["id"] for row in rows] == list(range(1, len(rows) + 1))
    assert all(row["text"].strip() and row["why"].strip() for row in rows)


def repeated_texts(rows: list[dict]) -> list[str]:
    """Texts labelled more than once, ignoring case and spacing."""
    texts = Counter(" ".join(row["text"].split()).lower() for row in rows)
    return [text for text, times in texts.items() if times > 1]

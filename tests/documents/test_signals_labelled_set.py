"""The labelled set for the business-as-usual and evidence signals keeps its shape (signals_labelled.md)."""

import json
from collections import Counter
from pathlib import Path

from peerchallenge.documents import DEFAULT_SECTIONS

SET = Path(__file__).with_name("signals_labelled.jsonl")
LABELS = {"business_as_usual", "evidence", "neither"}


def rows() -> list[dict]:
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]


def held_out(row: dict) -> bool:
    return row["id"] % 3 == 0


def test_rows_have_their_fields_in_order_and_ids_run_without_gaps():
    labelled = rows()
    assert len(labelled) >= 180
    assert [list(row) for row in labelled] == [["id", "section", "label", "text", "why"]] * len(labelled)
    assert [row["id"] for row in labelled] == list(range(1, len(labelled) + 1))
    assert all(row["text"].strip() and row["why"].strip() for row in labelled)


def test_labels_and_sections_come_from_the_lists():
    labelled = rows()
    assert {row["label"] for row in labelled} == LABELS
    titles = {section.title for section in DEFAULT_SECTIONS}
    assert {row["section"] for row in labelled} == titles


def test_no_text_is_labelled_twice():
    texts = Counter(" ".join(row["text"].split()).lower() for row in rows())
    assert [text for text, times in texts.items() if times > 1] == []


def test_each_label_has_enough_rows_and_a_third_of_them_is_held_out():
    labelled = rows()
    total = Counter(row["label"] for row in labelled)
    held = Counter(row["label"] for row in labelled if held_out(row))
    assert min(total.values()) >= 40
    for label in LABELS:
        assert abs(held[label] - total[label] / 3) <= 2, (label, held[label], total[label])

"""The labelled set for the business-as-usual and evidence signals keeps its shape (signals_labelled.md)."""

from collections import Counter
from pathlib import Path

from peerchallenge.documents import DEFAULT_SECTIONS
from tests.labelled_sets import assert_rows_in_order, held_out, read_rows, repeated_texts

SET = Path(__file__).with_name("signals_labelled.jsonl")
LABELS = {"business_as_usual", "evidence", "neither"}


def rows() -> list[dict]:
    return read_rows(SET)


def test_rows_have_their_fields_in_order_and_ids_run_without_gaps():
    assert_rows_in_order(rows(), ["id", "section", "label", "text", "why"], at_least=180)


def test_labels_and_sections_come_from_the_lists():
    labelled = rows()
    assert {row["label"] for row in labelled} == LABELS
    titles = {section.title for section in DEFAULT_SECTIONS}
    assert {row["section"] for row in labelled} == titles


def test_no_text_is_labelled_twice():
    assert repeated_texts(rows()) == []


def test_each_label_has_enough_rows_and_a_third_of_them_is_held_out():
    labelled = rows()
    total = Counter(row["label"] for row in labelled)
    held = Counter(row["label"] for row in labelled if held_out(row))
    assert min(total.values()) >= 40
    for label in LABELS:
        assert abs(held[label] - total[label] / 3) <= 2, (label, held[label], total[label])

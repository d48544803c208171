"""The labelled set for theme tagging keeps its shape (themes_labelled.md says how it was labelled)."""

from collections import Counter
from pathlib import Path

from tests.labelled_sets import assert_rows_in_order, held_out, read_rows, repeated_texts

SET = Path(__file__).with_name("themes_labelled.jsonl")
KINDS = {"strength", "area_for_development", "question", "line_of_enquiry", "plan", "ask", "offer"}
THEMES = {
    "help_and_protection",
    "children_in_care",
    "care_leavers",
    "leadership",
    "workforce",
    "sufficiency",
    "childrens_voice",
    "family_help",
    "send",
    "partnership",
    "finance",
    "performance_information",
}


def rows() -> list[dict]:
    return read_rows(SET)


def test_rows_have_their_fields_in_order_and_ids_run_without_gaps():
    assert_rows_in_order(rows(), ["id", "kind", "text", "themes", "why"], at_least=150)


def test_kinds_and_themes_come_from_the_lists():
    labelled = rows()
    assert {row["kind"] for row in labelled} == KINDS
    assert {theme for row in labelled for theme in row["themes"]} == THEMES
    assert all(isinstance(row["themes"], list) for row in labelled)
    assert [row["id"] for row in labelled if len(set(row["themes"])) != len(row["themes"])] == []


def test_asks_and_offers_are_written_as_the_regions_write_them():
    for row in rows():
        assert row["text"].startswith("Ask: ") == (row["kind"] == "ask"), row["id"]
        assert row["text"].startswith("Offer: ") == (row["kind"] == "offer"), row["id"]


def test_no_text_is_labelled_twice():
    assert repeated_texts(rows()) == []


def test_each_theme_has_enough_rows_and_a_third_of_them_is_held_out():
    labelled = rows()
    total = Counter(theme for row in labelled for theme in row["themes"])
    held = Counter(theme for row in labelled if held_out(row) for theme in row["themes"])
    for theme in THEMES:
        assert total[theme] >= 8, (theme, total[theme])
        assert held[theme] >= 4, (theme, held[theme])
        assert abs(held[theme] - total[theme] / 3) <= 2, (theme, held[theme], total[theme])


def test_each_kind_is_held_out_in_its_share_and_a_few_rows_have_no_theme():
    labelled = rows()
    total = Counter(row["kind"] for row in labelled)
    held = Counter(row["kind"] for row in labelled if held_out(row))
    for kind in KINDS:
        assert abs(held[kind] - total[kind] / 3) <= 2, (kind, held[kind], total[kind])
    untagged = [row for row in labelled if not row["themes"]]
    assert 1 <= len(untagged) <= len(labelled) // 10
    assert any(held_out(row) for row in untagged)

"""The labelled sentences theme tagging is measured on (themes_labelled.jsonl, themes_labelled.md)."""

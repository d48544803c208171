"""A letter's PDF and Word files: rendered at approval and release, stored per version, served from storage,
and rendered on demand for a version without them. Two downloads at once: tests/test_concurrent_writes.py."""

import io
import os
import subprocess
import sys
import time

import docx
import pypdf
import pytest
import sqlalchemy as sa

from peerchallenge.extensions import db
from peerchallenge.letters import files
from peerchallenge.letters.models import FileKind, LetterFile
from tests.scenarios import letter_of, submit_both


@pytest.fixture
def renders(monkeypatch):
    """The files rendered, as (kind, released date) in order (they are still rendered: this only counts)."""
    made = []
    for kind, render in list(files.RENDERERS.items()):

        def counted(details, render=render, kind=kind):
            made.append((kind, details.released_on))
            return render(details)

        monkeypatch.setitem(files.RENDERERS, kind, counted)
    return made


def stored(letter) -> dict[tuple[int, FileKind], LetterFile]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(LetterFile).join(LetterFile.version).where(LetterFile.version.has(letter_id=letter.id))
    )
    return {(row.version.number, row.kind): row for row in rows}


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_approval_stores_both_files_and_the_leads_preview_serves_them(reviewing, sign_in, renders):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    assert stored(letter) == {}  # nothing rendered while the letter is being composed and edited

    page = lead.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "Download the draft as PDF" in page and "Download the draft as Word" in page

    assert lead.post(f"/letters/{letter.id}/approve").status_code == 302
    files_now = stored(letter)
    assert sorted(files_now) == [(1, FileKind.DOCX), (1, FileKind.PDF)]
    assert sorted(renders) == [(FileKind.DOCX, None), (FileKind.PDF, None)]
    assert "Not released yet (draft)" in pdf_text(files_now[1, FileKind.PDF].data)

    renders.clear()
    pdf = lead.get(f"/letters/{letter.id}/letter.pdf")
    word = lead.get(f"/letters/{letter.id}/letter.docx")
    assert pdf.status_code == word.status_code == 200
    assert pdf.data == files_now[1, FileKind.PDF].data and word.data == files_now[1, FileKind.DOCX].data
    assert renders == []  # served from storage


def test_release_dates_the_files_and_readers_download_them_without_waiting(reviewing, sign_in, renders):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    assert lead.post(f"/letters/{letter.id}/approve").status_code == 302
    draft_ids = {kind: row.id for (_, kind), row in stored(letter).items()}
    assert lead.post(f"/letters/{letter.id}/release").status_code == 302

    letter = letter_of(reviewing)
    released_on = files.letter_details(letter).released_on
    assert released_on is not None
    files_now = stored(letter)
    # Rendered again in place, dated: one file of each kind for the version, as before.
    assert {kind: row.id for (_, kind), row in files_now.items()} == draft_ids
    text = pdf_text(files_now[1, FileKind.PDF].data)
    assert f"{released_on.day} {released_on:%B %Y}" in text and "draft" not in text

    renders.clear()
    reader = sign_in(reviewing.reviewed_director)
    for kind in FileKind:
        started = time.perf_counter()
        response = reader.get(f"/letters/{letter.id}/letter.{kind}")
        assert time.perf_counter() - started < 0.5
        assert response.status_code == 200 and response.data == files_now[1, kind].data
    assert renders == []


def test_a_version_without_files_is_rendered_at_its_first_download_and_stored(reviewing, sign_in, renders):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    first = lead.get(f"/letters/{letter.id}/letter.pdf")
    assert first.status_code == 200 and renders == [(FileKind.PDF, None)]
    assert sorted(stored(letter)) == [(1, FileKind.PDF)]
    again = lead.get(f"/letters/{letter.id}/letter.pdf")
    assert again.data == first.data and renders == [(FileKind.PDF, None)]

    # An edit is a new version: its files are its own, and the old version keeps its file.
    edited = letter.body + "\nA sentence the lead added.\n"
    assert lead.post(f"/letters/{letter.id}", data={"body": edited, "base_version": 1}).status_code == 302
    new = lead.get(f"/letters/{letter.id}/letter.pdf")
    assert "A sentence the lead added." in pdf_text(new.data)
    assert "A sentence the lead added." not in pdf_text(first.data)
    assert sorted(stored(letter)) == [(1, FileKind.PDF), (2, FileKind.PDF)]


def test_a_file_made_from_other_details_is_rendered_again_in_place(reviewing, sign_in, renders):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    lead.get(f"/letters/{letter.id}/letter.docx")
    ((old_id, old_hash),) = [(row.id, row.source_sha256) for row in stored(letter).values()]
    reviewing.cycle.title = "Peer challenge, renamed"
    db.session.commit()

    word = lead.get(f"/letters/{letter.id}/letter.docx")
    (new,) = stored(letter).values()
    assert new.id == old_id and new.source_sha256 != old_hash and new.data == word.data
    # The title says "peer challenge" once.
    assert docx.Document(io.BytesIO(word.data)).core_properties.title == "Peer challenge, renamed: letter"
    assert len(renders) == 2


# Typst and Markdown syntax in every field a reviewer writes, through the letter to both files

ATTACKS = (
    '#read("/etc/passwd")',
    '#import "@preview/cetz:0.3.4": *',
    '#set page(paper: "a5")',
    "$x^2$ and ] and @label <label>",
    "#panic(`stop`)",
    "= heading? \\ back",
    "#{ 1 + 1 }",
)


def hostile_review(cycle, reviewer: str) -> dict:
    """A complete review with a different attack, marked with its field, in every text field."""
    # The two reviewers' points differ in every word but the attack, so that none is merged as a duplicate.
    attacks = iter((ATTACKS if reviewer == "Alpha" else ATTACKS[::-1]) * 40)

    def text(field: str) -> str:
        return f"{reviewer} {field} {next(attacks)}"

    def part(name: str) -> dict:
        return {
            "ratings": {scale.key: scale.levels[0].position for scale in cycle.scales},
            "strengths": text(f"{name} strength"),
            "development": text(f"{name} development"),
            "questions": [text(f"{name} question")],
        }

    sections = {str(section.id): part(f"s{section.position}") for section in cycle.sections}
    return {"sections": sections, "overall": {**part("overall"), "summary": text("overall summary")}}


def test_typst_syntax_in_every_review_field_is_plain_text_in_the_letters_files(reviewing, sign_in):
    cycle = reviewing.cycle
    first, second = hostile_review(cycle, "Alpha"), hostile_review(cycle, "Omega")
    letter = submit_both(reviewing, first=first, second=second)
    written = [
        value
        for review in (first, second)
        for part in [*review["sections"].values(), review["overall"]]
        for field, value in part.items()
        if field != "ratings"
    ]
    texts = [text for value in written for text in (value if isinstance(value, list) else [value])]
    assert len(texts) > 40

    lead = sign_in(reviewing.lead)
    pdf = lead.get(f"/letters/{letter.id}/letter.pdf")
    word = lead.get(f"/letters/{letter.id}/letter.docx")
    assert pdf.status_code == word.status_code == 200
    pdf_words = "".join(pdf_text(pdf.data).split())
    document = docx.Document(io.BytesIO(word.data))
    word_text = "\n".join(
        [paragraph.text for paragraph in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    for text in texts:
        # As on the letter's page: a pair of backticks is Markdown's code, shown without them.
        shown = text.replace("`", "")
        assert "".join(shown.split()) in pdf_words, text
        assert shown in word_text, text
    assert "root:" not in pdf_words


def test_what_a_kept_file_is_made_from_hashes_the_same_in_every_process():
    """A set's order differs between processes (string hashing is seeded per process): a hash that followed it
    would have each worker make a kept file (the themes paper's chart rows hold sets) again and again."""
    program = (
        "from peerchallenge.letters.files import source_hash\n"
        "from peerchallenge.themes.chart import ChartRow\n"
        "cells = {'workforce': frozenset({'strength', 'development', 'a', 'b', 'c', 'd', 'e', 'f'})}\n"
        "print(source_hash(ChartRow('Essex', cells)))\n"
    )
    hashes = {
        subprocess.run(  # noqa: S603 (this interpreter, running the program above)
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3", "4")
    }
    assert len(hashes) == 1 and len(hashes.pop()) == 64

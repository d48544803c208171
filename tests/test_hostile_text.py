"""Hostile text through the service: saved quickly, rendered once, shown from the stored HTML, or refused
with its reason and the typed text kept. The growth of each shape's cost is in test_pathological.py."""

import time
import tracemalloc

import pytest
import sqlalchemy as sa

from peerchallenge import sanitise
from peerchallenge.extensions import db
from peerchallenge.sanitise import render_markdown
from peerchallenge.submissions.models import SectionText, Submission, SubmissionVersion
from peerchallenge.text_limits import MAX_DOCUMENT_CHARACTERS, MAX_HEADINGS, measure, shape_problem
from tests.scenarios import early_help_position, edit, page_url, self_assessment_md, upload


@pytest.fixture
def renders(monkeypatch):
    """How many times the Markdown renderer has run (it still runs: the count is all that changes)."""
    calls = []
    render = sanitise.MARKDOWN.render

    def counted(text, env=None):
        calls.append(len(text))
        return render(text, env)

    monkeypatch.setattr(sanitise.MARKDOWN, "render", counted)
    return calls


def current_version(cycle, authority) -> SubmissionVersion:
    db.session.expire_all()
    submission = db.session.scalar(
        sa.select(Submission).where(Submission.cycle_id == cycle.id, Submission.authority_id == authority.id)
    )
    return submission.current_version


def test_a_section_of_60000_brackets_saves_fast_and_pages_show_the_stored_html(
    world,
    cycle,
    sign_in,
    renders,
):
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, self_assessment_md(), "ours.md")
    version = current_version(cycle, world.authority)
    position = early_help_position(version)

    started = time.perf_counter()
    saved = edit(client, cycle, world.authority, position, "[" * 60_000, version.number)
    assert saved.status_code == 302
    assert time.perf_counter() - started < 10  # it took 76 s before; growth is measured elsewhere
    section = current_version(cycle, world.authority).sections[position]
    assert section.html == f"<p>{'[' * 60_000}</p>\n"

    renders.clear()
    for user in (world.contributor, world.lead):
        page = sign_in(user).get(page_url(cycle, world.authority))
        assert page.status_code == 200 and "[" * 60_000 in page.get_data(as_text=True)
    assert renders == []  # the pages read the stored HTML; nothing was rendered

    # And what the pages show is the stored value itself.
    section.html = "<p>Shown from the stored HTML</p>"
    db.session.commit()
    assert "Shown from the stored HTML" in client.get(page_url(cycle, world.authority)).get_data(as_text=True)


def test_an_edit_renders_only_the_part_it_changes(world, cycle, sign_in, renders):
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, self_assessment_md(), "ours.md")
    version = current_version(cycle, world.authority)
    assert renders and len(renders) == len(version.sections)  # an upload renders each part once
    renders.clear()
    edit(client, cycle, world.authority, early_help_position(version), "New *words*.", version.number)
    assert len(renders) == 1
    texts = current_version(cycle, world.authority).sections
    assert all(text.html == str(render_markdown(text.markdown)) for text in texts)
    assert "<em>words</em>" in "".join(text.html for text in texts)


def test_an_edit_over_a_limit_is_refused_with_its_reason_and_the_text_kept(world, cycle, sign_in):
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, self_assessment_md(), "ours.md")
    version = current_version(cycle, world.authority)
    typed = "Kept words\n\n" + "# Heading\n" * 600
    refused = edit(client, cycle, world.authority, early_help_position(version), typed, version.number)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "This section has 600 headings; a section can have at most 500." in page
    assert "govuk-error-message" in page and "Kept words" in page
    assert current_version(cycle, world.authority).number == version.number


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("# Early help\n" * 900, "This document has 900 headings; a self-assessment can have at most 500."),
        ("x" * 120_000, "This document has a line of 120,000 characters; lines can be at most 100,000"),
        (
            "".join("  " * depth + "- deeper\n" for depth in range(25)),
            "This document has lists or quotes nested 25 deep; they can be nested at most 20 deep.",
        ),
        (
            "|" + "x|" * 150 + "\n",
            "This document has a table row with 150 columns; a table can have at most 100 columns.",
        ),
        (
            "words\n" * 150_000,
            "This document has 900,000 characters; a self-assessment can have at most 750,000.",
        ),
    ],
)
def test_an_upload_over_a_limit_is_refused_with_its_reason(world, cycle, sign_in, text, reason):
    client = sign_in(world.contributor)
    refused = upload(client, cycle, world.authority, text.encode(), "hostile.md")
    assert refused.status_code == 400
    assert reason in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SectionText)) == 0


def test_a_word_document_over_a_limit_is_refused_after_extraction(world, cycle, sign_in):
    import docx  # noqa: PLC0415

    from tests.documents import builders  # noqa: PLC0415

    document = docx.Document()
    for number in range(MAX_HEADINGS + 1):
        document.add_heading(f"Part {number}", level=2)
    refused = upload(sign_in(world.contributor), cycle, world.authority, builders.save(document), "sef.docx")
    assert refused.status_code == 400
    assert "This document has 501 headings; a self-assessment can have at most 500." in refused.get_data(
        as_text=True
    )


def test_the_limits_refuse_nothing_real():
    real = self_assessment_md().decode()
    assert (
        shape_problem(real, "This document", "a self-assessment", max_characters=MAX_DOCUMENT_CHARACTERS)
        is None
    )
    # Code in a fence is not structure: 600 "# comment" lines there are no headings.
    fenced = "```\n" + "# comment\n" * 600 + "```\n"
    assert measure(fenced).headings == 0
    assert measure("- a\n  - b\n    - c\n- d\n> - e\n").deepest_nesting == 3
    assert measure("---\n- - -\n* * *\n").deepest_nesting == 0


def test_cli_extract_refuses_and_accepts_as_an_upload_does(app, world, cycle, sign_in, tmp_path):
    runner = app.test_cli_runner()
    headings = tmp_path / "headings.md"
    headings.write_text("# Early help\n" * 900)
    refused = runner.invoke(args=["documents", "extract", str(headings)])
    upload_page = upload(sign_in(world.contributor), cycle, world.authority, headings.read_bytes(), "h.md")
    reason = "This document has 900 headings; a self-assessment can have at most 500."
    assert refused.exit_code == 1 and refused.output.strip().endswith(reason)
    assert reason in upload_page.get_data(as_text=True)

    good = tmp_path / "ours.md"
    good.write_bytes(self_assessment_md())
    assert runner.invoke(args=["documents", "extract", str(good)]).exit_code == 0


def test_cli_extract_refuses_a_huge_heading_flood_in_bounded_time_and_memory(app, tmp_path):
    flood = tmp_path / "flood.md"
    flood.write_text("# h\n" * 2_500_000)  # 10 MB, the size that once took 1.5 GB and 121 s
    tracemalloc.start()
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["documents", "extract", str(flood)])
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.exit_code == 1
    assert (
        "This document has 10,000,000 characters; a self-assessment can have at most 750,000."
        in result.output
    )
    assert elapsed < 10 and peak < 300 * 1024 * 1024

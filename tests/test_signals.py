"""Business-as-usual and evidence signals: measured once per version, stored, shown to authors and reviewers,
and printed by `flask documents extract`. The rules themselves: tests/documents/test_signals.py."""

import json

from peerchallenge.cycles.models import CycleState
from peerchallenge.extensions import db
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.queries import find_submission
from tests.documents import builders
from tests.scenarios import FAMILY_HELP, early_help_position, edit, move_to, page_url, upload

USUAL = (
    "Our Corporate Parenting Board meets quarterly and is chaired by the Lead Member. "
    "It has a terms of reference and a forward plan, and partners attend regularly."
)
EVIDENCE = (
    "Re-referrals within 12 months fell from 24% in 2024-25 to 19% in 2025-26, below the England average of "
    "22% and our statistical neighbours."
)
NEITHER = "Next year we will review our approach to placements with our neighbours."


def self_assessment(family_help: str) -> bytes:
    parts = []
    for number, spec in enumerate(builders.DEFAULT_SECTIONS):
        text = family_help if spec.title == FAMILY_HELP else NEITHER
        parts.append(f"## {number}. {spec.title}\n\n{text}\n")
    return "\n".join(parts).encode()


FAMILY_HELP_TEXT = f"{USUAL}\n\n{EVIDENCE}\n\n{NEITHER}"


def family_help(version):
    return next(
        text
        for text in version.sections
        if text.template_section and text.template_section.title == FAMILY_HELP
    )


def test_each_version_stores_its_signals_with_the_marked_text(world, cycle):
    version = submission_services.upload_version(
        world.contributor, cycle, world.authority, "sa.md", self_assessment(FAMILY_HELP_TEXT)
    )
    db.session.commit()
    text = family_help(version)
    kinds = [(signal["kind"], signal["text"]) for signal in text.signals]
    assert kinds == [("business_as_usual", USUAL), ("evidence", EVIDENCE)]
    assert all(signal["reason"] for signal in text.signals)
    assert text.signal_summary == {
        "business_as_usual": (1, len(USUAL.split())),
        "evidence": (1, len(EVIDENCE.split())),
    }
    marked = text.marked_html
    assert (
        '<mark class="app-mark app-mark--business-as-usual">'
        '<span class="govuk-visually-hidden">Business as usual: </span>' in marked
    )
    assert (
        '<mark class="app-mark app-mark--evidence"><span class="govuk-visually-hidden">Evidence: </span>'
        in marked
    )
    assert '<span class="app-mark-note">Business as usual: ' in marked
    # Every other section is a plan: nothing marked there.
    others = [part for part in version.sections if part is not text]
    assert all(part.signals == [] and part.marked_html is None for part in others)


def test_the_author_sees_the_signals_before_sign_off(world, cycle, sign_in):
    client = sign_in(world.contributor)
    assert (
        upload(client, cycle, world.authority, self_assessment(FAMILY_HELP_TEXT), "sa.md").status_code == 302
    )
    page = client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    words = len(USUAL.split())
    assert f"<strong>1 passage reads as business as usual</strong>, {words} words" in page
    assert "<strong>1 passage carries evidence</strong>" in page
    assert "No passage reads as business as usual" in page  # the sections of plans
    assert 'class="app-mark-note"' in page


def test_the_director_signing_off_is_told_what_was_read_and_where(world, cycle, sign_in):
    submission_services.upload_version(
        world.contributor, cycle, world.authority, "sa.md", self_assessment(FAMILY_HELP_TEXT)
    )
    db.session.commit()
    page = sign_in(world.director).get(page_url(cycle, world.authority) + "/sign-off").get_data(as_text=True)
    assert (
        f"1 passage reads as business as usual ({len(USUAL.split())} words) and 1 passage carries evidence "
        f"({len(EVIDENCE.split())} words)"
    ) in page
    assert f'href="{page_url(cycle, world.authority)}">read them on the self-assessment</a>' in page


def test_an_edit_measures_the_edited_section_again(world, cycle, sign_in):
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, self_assessment(NEITHER), "sa.md")
    first = find_submission(cycle, world.authority).current_version
    assert family_help(first).signals == []
    response = edit(client, cycle, world.authority, early_help_position(first), USUAL, 1)
    assert response.status_code == 302
    db.session.expire_all()
    second = find_submission(cycle, world.authority).current_version
    assert [signal["kind"] for signal in family_help(second).signals] == ["business_as_usual"]


def test_reviewers_see_the_signals_beside_the_text(published, sign_in):
    r = published
    for index, authority in enumerate(r.six.authorities):
        submission_services.upload_version(
            r.six.contributors[index], r.cycle, authority, "sa.md", self_assessment(FAMILY_HELP_TEXT)
        )
        submission_services.sign_off(r.six.directors[index], find_submission(r.cycle, authority))
    db.session.commit()
    move_to(r.cycle, r.lead, CycleState.REVIEWING)
    page = sign_in(r.reviewer_director).get(r.url).get_data(as_text=True)
    assert "<strong>1 passage reads as business as usual</strong>" in page
    assert '<span class="govuk-visually-hidden">Evidence: </span>' in page


def test_a_version_saved_before_signals_were_measured_shows_its_text_unmarked(world, cycle, sign_in):
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, self_assessment(FAMILY_HELP_TEXT), "sa.md")
    for text in find_submission(cycle, world.authority).current_version.sections:
        text.signals = text.marked_html = None
    db.session.commit()
    page = client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert "as business as usual" not in page and "app-mark" not in page
    assert "Our Corporate Parenting Board meets quarterly" in page


def test_cli_extract_prints_each_parts_signals(app, tmp_path):
    path = tmp_path / "sa.md"
    path.write_bytes(USUAL.encode() + b"\n\n" + self_assessment(FAMILY_HELP_TEXT))
    result = app.test_cli_runner().invoke(args=["documents", "extract", str(path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    sections = {section["title"]: section for section in report["sections"]}
    signals = sections[FAMILY_HELP]["signals"]
    assert [(signal["kind"], signal["text"]) for signal in signals] == [
        ("business_as_usual", USUAL),
        ("evidence", EVIDENCE),
    ]
    assert set(signals[0]) == {"kind", "text", "reason", "start", "end"}
    assert sections["Care leavers"]["signals"] == []
    (unmatched,) = report["unmatched"]
    assert [signal["kind"] for signal in unmatched["signals"]] == ["business_as_usual"]


def test_versions_saved_before_signals_are_measured_by_the_command(app, world, cycle):
    version = submission_services.upload_version(
        world.contributor, cycle, world.authority, "sa.md", self_assessment(FAMILY_HELP_TEXT)
    )
    stored = [text.figure_sentences for text in version.sections]
    assert any(stored)  # saving found the sentences that can state a figure
    for text in version.sections:
        text.signals = text.marked_html = text.figure_sentences = None
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "measure", "--cycle", str(cycle.id)])
    assert result.exit_code == 0, result.output
    assert f"Measured {len(version.sections)} parts of 1 version." in result.output
    db.session.expire_all()
    assert [signal["kind"] for signal in family_help(version).signals] == ["business_as_usual", "evidence"]
    assert "app-mark--evidence" in family_help(version).marked_html
    assert [text.figure_sentences for text in version.sections] == stored
    # Measuring again changes nothing.
    before = [(text.signals, text.marked_html) for text in version.sections]
    assert "Measured" in runner.invoke(args=["documents", "measure"]).output
    db.session.expire_all()
    assert [(text.signals, text.marked_html) for text in version.sections] == before

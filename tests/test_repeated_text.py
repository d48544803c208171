"""Text repeated from last year's self-assessment: measured once per version, stored, shown, extracted."""

import json
from datetime import date, timedelta

import sqlalchemy as sa

from peerchallenge.cycles.models import CycleState
from peerchallenge.extensions import db
from peerchallenge.regions import services as region_services
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.models import SectionText, SubmissionVersion
from peerchallenge.submissions.queries import find_submission
from tests.documents import builders
from tests.scenarios import (
    FAMILY_HELP,
    early_help_position,
    edit,
    move_to,
    open_cycle,
    page_url,
    self_assessment_md,
    sign_off,
    upload,
)

LAST_YEAR = date.today().year - 1
WORKFORCE_LAST_YEAR = (
    "We have 120 permanent social workers and use agency staff for 18% of posts. "
    "The academy trained twelve newly qualified workers this year. "
    "Supervision audits show reflective discussion of children's plans in most records."
)
WORKFORCE_THIS_YEAR = (
    "We have 131 permanent social workers and use agency staff for 15% of posts. "
    "Supervision audits show reflective discussion of children's plans in most records. "
    "Our new retention payments started in April and three in four recipients have stayed."
)


def self_assessment(workforce: str, *, family_help: str | None = None) -> bytes:
    """The test self-assessment with its own Workforce section (and Family help, if given)."""
    parts = []
    for number, spec in enumerate(builders.DEFAULT_SECTIONS):
        text = builders.words(40, number + 100)
        if spec.title == "Workforce":
            text = workforce
        elif spec.title == FAMILY_HELP and family_help is not None:
            text = family_help
        parts.append(f"## {number}. {spec.title}\n\n{text}\n")
    return "\n".join(parts).encode()


def last_years_self_assessment(
    world, authority, user, data: bytes, *, year=LAST_YEAR, region=None, lead=None
):
    """A cycle of the year before (closed, as it would be now) with the authority's self-assessment."""
    last = open_cycle(
        world,
        due=date(year, 6, 30),
        draft=True,
        region=region or world.region,
        lead=lead or world.lead,
        title=f"Peer challenge {year}",
    )
    last.state = CycleState.OPEN  # opened beside the cycle under way only to upload to it here
    upload_version(user, last, authority, data)
    last.state = CycleState.CLOSED
    db.session.commit()
    return last


def upload_version(user, cycle, authority, data: bytes) -> SubmissionVersion:
    version = submission_services.upload_version(user, cycle, authority, "sa.md", data)
    db.session.commit()
    return version


def part(version: SubmissionVersion, title: str) -> SectionText:
    return next(
        text for text in version.sections if text.template_section and text.template_section.title == title
    )


def repeated(signals: list[dict]) -> list[dict]:
    """The signals of kind "repeated" (the others are business as usual and evidence: test_signals.py)."""
    return [signal for signal in signals if signal["kind"] == "repeated"]


def test_without_last_year_nothing_is_measured(world, cycle):
    version = upload_version(world.contributor, cycle, world.authority, self_assessment(WORKFORCE_THIS_YEAR))
    workforce = part(version, "Workforce")
    assert workforce.repeated_share is None and workforce.repeated_year is None
    assert repeated(workforce.signals) == []
    assert "app-mark--repeated" not in (workforce.marked_html or "")


def test_each_section_is_measured_against_the_same_section_last_year(world):
    last_years_self_assessment(
        world, world.authority, world.contributor, self_assessment(WORKFORCE_LAST_YEAR)
    )
    cycle = open_cycle(world)
    version = upload_version(
        world.contributor,
        cycle,
        world.authority,
        self_assessment(WORKFORCE_THIS_YEAR, family_help="All new."),
    )
    workforce = part(version, "Workforce")
    # Two of three sentences repeated (one with its figures updated): 25 of 39 words.
    assert workforce.repeated_share == 64 and workforce.repeated_year == LAST_YEAR
    (signal,) = repeated(workforce.signals)
    assert signal["share"] == 64 and signal["year"] == LAST_YEAR
    assert [passage["previous"] for passage in signal["passages"]] == [
        "We have 120 permanent social workers and use agency staff for 18% of posts.",
        "Supervision audits show reflective discussion of children's plans in most records.",
    ]
    assert workforce.marked_html.count(f"Repeated from {LAST_YEAR}:") == 1  # two sentences, one mark
    repeated_marks = [mark for mark in workforce.marked_html.split("</mark>") if "app-mark--repeated" in mark]
    assert not any("retention payments" in mark for mark in repeated_marks)
    assert part(version, FAMILY_HELP).repeated_share == 0
    assert "app-mark--repeated" not in (part(version, FAMILY_HELP).marked_html or "")
    # Every other section is word for word last year's.
    assert part(version, "Care leavers").repeated_share == 100


def test_the_author_sees_the_share_and_the_marks(world, sign_in):
    last_years_self_assessment(
        world, world.authority, world.contributor, self_assessment(WORKFORCE_LAST_YEAR)
    )
    cycle = open_cycle(world)
    client = sign_in(world.contributor)
    assert (
        upload(client, cycle, world.authority, self_assessment(WORKFORCE_THIS_YEAR), "sa.md").status_code
        == 302
    )
    page = client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert f"64% repeated from {LAST_YEAR}" in page
    assert '<mark class="app-mark app-mark--repeated"><span class="govuk-visually-hidden">' in page
    assert "marked like this" in page  # the key, in words, beside the colour


def test_an_edit_measures_the_edited_section_again_and_keeps_the_others(world, sign_in):
    last_years_self_assessment(
        world, world.authority, world.contributor, self_assessment(WORKFORCE_LAST_YEAR)
    )
    cycle = open_cycle(world)
    first = upload_version(world.contributor, cycle, world.authority, self_assessment(WORKFORCE_LAST_YEAR))
    assert part(first, FAMILY_HELP).repeated_share == 100
    client = sign_in(world.contributor)
    position = early_help_position(first)
    response = edit(client, cycle, world.authority, position, "Everything here is new this year.", 1)
    assert response.status_code == 302
    db.session.expire_all()
    second = find_submission(cycle, world.authority).current_version
    assert second.number == 2
    assert part(second, FAMILY_HELP).repeated_share == 0
    assert "app-mark--repeated" not in (part(second, FAMILY_HELP).marked_html or "")
    kept, before = part(second, "Workforce"), part(first, "Workforce")
    assert (kept.repeated_share, kept.signals, kept.marked_html) == (100, before.signals, before.marked_html)


def test_a_successor_is_compared_with_its_predecessors_self_assessment(world):
    last_years_self_assessment(
        world, world.sibling, world.sibling_director, self_assessment(WORKFORCE_LAST_YEAR)
    )
    region_services.merge_authorities(
        world.admin,
        [world.authority, world.sibling],
        date.today() - timedelta(days=1),
        continuing=world.authority,
    )
    db.session.commit()
    cycle = open_cycle(world)
    version = upload_version(world.contributor, cycle, world.authority, self_assessment(WORKFORCE_THIS_YEAR))
    assert part(version, "Workforce").repeated_share == 64


def test_the_latest_earlier_cycle_is_the_one_compared_with(world):
    this_year = self_assessment(WORKFORCE_THIS_YEAR)
    last_years_self_assessment(world, world.authority, world.contributor, this_year, year=LAST_YEAR - 1)
    last_years_self_assessment(
        world, world.authority, world.contributor, self_assessment(WORKFORCE_LAST_YEAR)
    )
    cycle = open_cycle(world)
    version = upload_version(world.contributor, cycle, world.authority, self_assessment(WORKFORCE_THIS_YEAR))
    assert part(version, "Workforce").repeated_year == LAST_YEAR
    assert part(version, "Workforce").repeated_share == 64


def test_another_regions_cycle_is_never_compared_with(world):
    data = self_assessment(WORKFORCE_THIS_YEAR)
    last_years_self_assessment(
        world,
        world.other_authority,
        world.other_director,
        data,
        region=world.other_region,
        lead=world.other_lead,
    )
    cycle = open_cycle(world)
    version = upload_version(world.contributor, cycle, world.authority, self_assessment(WORKFORCE_THIS_YEAR))
    assert part(version, "Workforce").repeated_share is None


def test_reviewers_see_the_share_and_the_marks_beside_the_text(published, sign_in):
    r = published
    reviewed = r.six.authorities[0]
    last_years_self_assessment(
        None, reviewed, r.reviewed_contributor, self_assessment_md(), region=r.six.region, lead=r.lead
    )
    sign_off(r.six, r.six.authorities)
    move_to(r.cycle, r.lead, CycleState.REVIEWING)
    page = sign_in(r.reviewer_director).get(r.url).get_data(as_text=True)
    assert f"100% repeated from {LAST_YEAR}" in page
    assert f'<span class="govuk-visually-hidden">Repeated from {LAST_YEAR}: </span>' in page
    texts = db.session.scalars(sa.select(SectionText).where(SectionText.repeated_share == 100)).all()
    assert texts


def test_cli_extract_reports_repeated_text_against_a_previous_file(app, tmp_path):
    this_year, last_year = tmp_path / "this.md", tmp_path / "last.md"
    this_year.write_bytes(
        b"Some words before any heading. Supervision audits show reflective discussion of children's "
        b"plans in most records.\n\n" + self_assessment(WORKFORCE_THIS_YEAR, family_help="All new.")
    )
    last_year.write_bytes(self_assessment(WORKFORCE_LAST_YEAR))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "extract", str(this_year), "--previous", str(last_year)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    sections = {section["title"]: section for section in report["sections"]}
    signal = sections["Workforce"]["signals"][0]  # first, before business as usual and evidence
    assert signal["kind"] == "repeated" and signal["share"] == 64
    assert signal["passages"][0] == {
        "text": "We have 131 permanent social workers and use agency staff for 15% of posts.",
        "previous": "We have 120 permanent social workers and use agency staff for 18% of posts.",
        "start": 0,
        "end": 75,
    }
    assert sections[FAMILY_HELP]["signals"][0] == {"kind": "repeated", "share": 0, "passages": []}
    # Text under no section is compared with the whole of last year's.
    (unmatched,) = report["unmatched"]
    assert unmatched["signals"][0]["share"] == 69  # 11 of 16 words, from last year's Workforce
    # Without --previous nothing is repeated; a previous file that is refused is refused the same way.
    plain = json.loads(runner.invoke(args=["documents", "extract", str(this_year)]).output)
    assert not repeated(plain["sections"][0]["signals"])
    bad = tmp_path / "fake.docx"
    bad.write_bytes(builders.png_bytes())
    refused = runner.invoke(args=["documents", "extract", str(this_year), "--previous", str(bad)])
    assert refused.exit_code == 1 and "PNG" in refused.output

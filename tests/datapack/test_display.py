"""The data pack beside each section: latest value, trend, comparators, chart and its text alternative,
figures checked; seen only where the self-assessment is."""

import re

import pytest
import sqlalchemy as sa

from peerchallenge.submissions.queries import find_submission
from tests.datapack.test_upload import csv_of, post_file
from tests.scenarios import early_help_position, page_url, upload

FAMILY_HELP = "Family help, including early help"
WORKFORCE = "Workforce"


def md(family_help: str, workforce: str = "We recruit steadily.") -> bytes:
    return (
        f"## {FAMILY_HELP}\n\n{family_help}\n\n## {WORKFORCE}\n\n{workforce}\n\n"
        "## Care leavers\n\nOur care leavers are doing well.\n"
    ).encode()


@pytest.fixture
def packed(world, cycle, sign_in):
    lead = sign_in(world.lead)
    code = world.authority.dfe_code
    data = csv_of(
        f"{code},re_referrals,2023-24,24,22.4,23,21",
        f"{code},re_referrals,2024-25,21,22,22,20",
        f"{code},re_referrals,2025-26,19.5,22,21,20",
        f"{code},caseload,2025-26,17,16,,",
        header="authority,indicator,period,value,england,region,statistical_neighbours",
    )
    assert post_file(lead, cycle, data).status_code == 302
    author = sign_in(world.contributor)
    text = (
        "Re-referrals within 12 months were 23% of referrals (England: 22%). "
        "We audit every family that comes back."
    )
    assert (
        upload(
            author, cycle, world.authority, md(text, "The average caseload is 17 children."), "sa.md"
        ).status_code
        == 302
    )
    return author


def section_of(page: str, title: str) -> str:
    start = page.index(title + "\n")
    end = page.find("</section>", start)
    return page[start:end]


def test_the_author_sees_the_sections_indicators_and_a_mismatched_figure(world, cycle, packed):
    page = packed.get(page_url(cycle, world.authority)).get_data(as_text=True)
    family = section_of(page, FAMILY_HELP)
    assert "Re-referrals within 12 months of a previous referral" in family
    assert "<strong>19.5%</strong> in 2025-26; England 22%; Region 21%; Statistical neighbours 20%." in family
    assert "Down 4.5 percentage points since 2023-24 (better)." in family
    # The figure check: the text says 23%, the pack 19.5%.
    assert (
        "The text says 23% for re-referrals within 12 months of a previous referral; "
        "the data pack says 19.5% (2025-26)." in family
    )
    workforce = section_of(page, WORKFORCE)
    assert "Average caseload" in workforce and "The text says" not in workforce  # 17 is right
    assert "Data pack" not in section_of(page, "Care leavers")  # nothing loaded for care leavers


def test_the_chart_has_a_text_alternative(world, cycle, packed):
    page = packed.get(page_url(cycle, world.authority)).get_data(as_text=True)
    family = section_of(page, FAMILY_HELP)
    svg = re.search(r"<svg[^>]*role=\"img\"[^>]*aria-labelledby=\"([^\"]+)\"", family)
    assert svg is not None
    title_id, desc_id = svg.group(1).split()
    assert (
        f'<title id="{title_id}">Re-referrals within 12 months of a previous referral, by period</title>'
        in family
    )
    assert re.search(
        rf'<desc id="{desc_id}">This authority: 2023-24 24%, 2024-25 21%, 2025-26 19.5%; '
        "England: 2023-24 22.4%,",
        family,
    )
    # and the same figures as a table
    table = family[family.index("Figures as a table") :]
    for cell in ("2023-24", "24%", "21%", "19.5%", "22.4%", "Statistical neighbours"):
        assert cell in table
    # each series has its own marker and line pattern, not only its colour
    assert "<circle" in family and "<rect" in family and 'stroke-dasharray="6 4"' in family


def test_the_figures_sit_beside_the_section_editor_too(world, cycle, packed):
    version = find_submission(cycle, world.authority).current_version
    position = early_help_position(version)
    page = packed.get(page_url(cycle, world.authority) + f"/sections/{position}/edit").get_data(as_text=True)
    assert "the data pack says 19.5% (2025-26)" in page


@pytest.mark.parametrize(
    ("person", "status"), [("other_lead", 404), ("other_director", 403), ("no_role", 403)]
)
def test_another_regions_people_never_see_the_figures(world, cycle, packed, client_for, person, status):
    response = client_for(person).get(page_url(cycle, world.authority))
    assert response.status_code in (403, 404)
    assert "19.5%" not in response.get_data(as_text=True)


def test_a_hostile_value_in_a_label_is_escaped(world, cycle, sign_in):
    from peerchallenge.datapack.chart import Series, line_chart

    svg = line_chart("c", "<script>alert(1)</script>", ["2024-25"], [Series("<b>x</b>", (1.0,))])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


def test_the_demo_pack_is_loaded_and_plausible(demo):
    from peerchallenge.datapack.models import DataValue
    from peerchallenge.demo.profiles import INDICATOR
    from peerchallenge.extensions import db

    rows = db.session.scalars(sa.select(DataValue)).all()
    assert len(rows) == 11 * 13 * 3
    assert {row.period for row in rows} == {"2023-24", "2024-25", "2025-26"} or len(
        {r.period for r in rows}
    ) == 3
    for row in rows:
        indicator = INDICATOR[row.indicator]
        assert indicator.low <= row.value <= indicator.high + 3, row
    england = {(row.indicator, row.period): row.england for row in rows}
    assert len(england) == 13 * 3  # one England value per indicator and period, whatever the authority
    assert all(row.england == england[(row.indicator, row.period)] for row in rows)

"""In a real browser: a reviewer sees the data pack beside a section of the review form, with the chart's
table, and a figure the self-assessment states that the pack does not match (axe-core checks each page)."""

import pytest
from playwright.sync_api import expect

from peerchallenge.datapack import services as datapack_services
from peerchallenge.extensions import db
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.queries import find_submission
from tests.browser import sign_in

pytestmark = pytest.mark.browser

FAMILY_HELP = "Family help, including early help"


@pytest.fixture
def packed(reviewing):
    reviewed = reviewing.six.authorities[0]
    version = find_submission(reviewing.cycle, reviewed).current_version
    text = next(t for t in version.sections if t.template_section and t.template_section.title == FAMILY_HELP)
    # The signed-off text states a figure (set here as the author would have written it).
    text.markdown = "Re-referrals within 12 months were 30% of referrals (England: 22%). We audit each one."
    submission_services.measure(text, None)  # as saving it would
    data = "\n".join(
        [
            "authority,indicator,period,value,england",
            f"{reviewed.dfe_code},re_referrals,2023-24,25,22.4",
            f"{reviewed.dfe_code},re_referrals,2024-25,23.5,22",
        ]
    ).encode()
    datapack_services.upload_pack(reviewing.lead, reviewing.cycle, "pack.csv", data, replace=False)
    db.session.commit()
    return reviewing


def test_a_reviewer_sees_the_data_pack_and_a_mismatched_figure(packed, live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, packed.reviewer_director)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your reviews").click()
    page.get_by_role("link", name="Anyshire").click()
    section = page.locator("section", has=page.get_by_role("heading", name=FAMILY_HELP, exact=True))
    pack = section.locator(".app-datapack")
    expect(pack.get_by_role("heading", name="Data pack")).to_be_visible()
    expect(pack).to_contain_text("23.5% in 2024-25; England 22%.")
    expect(pack).to_contain_text("Down 1.5 percentage points since 2023-24 (better).")
    expect(pack).to_contain_text(
        "The text says 30% for re-referrals within 12 months of a previous referral; "
        "the data pack says 23.5% (2024-25)."
    )
    chart = pack.get_by_role("img", name="Re-referrals within 12 months of a previous referral, by period")
    expect(chart).to_be_visible()
    pack.get_by_text("Figures as a table").click()
    table = pack.get_by_role("table", name="Re-referrals within 12 months of a previous referral, by period")
    expect(table.get_by_role("row", name="2023-24 25% 22.4%")).to_be_visible()

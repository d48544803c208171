"""Areas for development on the self-assessment page, and an inspection after sign-off matched to them."""

import sqlalchemy as sa

from peerchallenge.datapack.models import CalibrationCorrection
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.inspections import services as inspection_services
from peerchallenge.inspections.framework import InspectionKind
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.queries import find_submission
from tests.scenarios import page_url, upload

WORRIES = (
    "## Care leavers\n\n"
    "What worries us: pathway plans are not yet written with young people leaving care.\n\n"
    "## Help and protection, including multi-agency child protection\n\n"
    "Return home interviews happen too late after a child goes missing, which concerns us.\n"
)


def test_areas_are_suggested_saved_and_locked_at_sign_off(world, cycle, sign_in):
    author = sign_in(world.contributor)
    assert upload(author, cycle, world.authority, WORRIES.encode(), "sa.md").status_code == 302
    url = page_url(cycle, world.authority) + "/areas-for-development"
    form = author.get(url).get_data(as_text=True)
    assert "suggested from what your self-assessment says worries you" in form
    assert "What worries us: pathway plans are not yet written with young people leaving care." in form
    areas = (
        "Pathway plans are not yet written with young people leaving care.\nReturn home interviews are late."
    )
    assert author.post(url, data={"areas": areas}).status_code == 302
    page = author.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert "<li>Return home interviews are late.</li>" in page
    submission_services.sign_off(world.director, find_submission(cycle, world.authority))
    db.session.commit()
    refused = author.post(url, data={"areas": "Something else"})
    assert refused.status_code == 400 and "has been signed off" in refused.get_data(as_text=True)
    assert sign_in(world.other_director).get(url).status_code == 403


def test_an_inspection_after_sign_off_is_matched_and_a_person_corrects_it(world, cycle, sign_in):
    author = sign_in(world.contributor)
    upload(author, cycle, world.authority, WORRIES.encode(), "sa.md")
    areas = (
        "Pathway plans are not yet written with young people leaving care.\n"
        "Return home interviews happen too late after a child goes missing."
    )
    author.post(page_url(cycle, world.authority) + "/areas-for-development", data={"areas": areas})
    submission_services.sign_off(world.director, find_submission(cycle, world.authority))
    inspection = inspection_services.add_inspection(
        world.director,
        world.authority,
        kind=InspectionKind.FOCUSED_VISIT.value,
        inspected_on=uk_today(),
        grades={},
        areas_for_improvement=[
            "The quality of pathway plans, which do not always reflect care leavers' own goals.",
            "Timeliness of return home interviews for children who go missing.",
            "The sufficiency of local homes for children in care.",
        ],
    )
    db.session.commit()
    page = author.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert "named in our self-assessment: 2 of 3" in page
    assert "Not named" in page
    correct = f"/authorities/{world.authority.id}/inspections/{inspection.id}/areas/1?cycle={cycle.id}"
    assert sign_in(world.other_lead).get(correct).status_code == 404
    lead = sign_in(world.lead)
    assert lead.post(correct, data={"development": "none"}).status_code == 302
    page = lead.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert "named in our self-assessment: 1 of 3" in page and "(confirmed by a person)" in page
    overview = lead.get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)
    calibration = overview[overview.index('id="calibration"') :]
    assert "Alpha" in calibration and "Not rated yet" in calibration
    assert "named in our self-assessment: 1 of 3" in calibration
    row = db.session.scalar(sa.select(CalibrationCorrection))
    assert row.development is None and row.improvement.startswith("Timeliness")

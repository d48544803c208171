"""The scrutiny pack download: who gets it, what is in it, and that it is audited.

Region A of the world: Alpha (director Dana, contributor Cal) has a released letter; Beta (director Sid)
reviews Alpha; lead Lee runs the region; region B (lead Olive, director Otto of Gamma) is elsewhere.
"""

import io

import docx
import pytest
import sqlalchemy as sa

from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db, utcnow
from peerchallenge.letters import services as letter_services
from tests.actions.builders import CONSIDERATION, STRENGTH, add, letter_with_points, released_letter
from tests.monitoring.builders import publish_pair
from tests.scenarios import open_cycle


@pytest.fixture
def letter(world):
    letter = released_letter(world)
    letter.headline = "Your self-assessment knows its strengths.\n\nIts plans need dates."
    letter.points_chosen_at = utcnow()
    db.session.commit()
    publish_pair(letter.cycle, world.sibling, world.authority)  # Beta reviews Alpha
    return letter


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("director", 200),
        ("contributor", 200),
        ("lead", 200),
        ("sibling_director", 403),  # a peer reads the actions, not the authority's pack
        ("other_lead", 404),
        ("other_director", 404),
        ("anonymous", 302),
    ],
)
def test_the_authority_and_the_lead_download_the_pack_and_no_one_else(
    world, letter, client_for, person, status
):
    response = client_for(person).get(f"/letters/{letter.id}/pack.docx")
    assert response.status_code == status
    if status == 200:
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert (
            f"peer-challenge-pack-alpha-{letter.cycle.year}.docx" in response.headers["Content-Disposition"]
        )


def test_the_pack_holds_the_summary_the_actions_the_letter_and_the_response(world, letter, sign_in):
    add(world.director, letter, what="Publish a sufficiency dashboard", status="in_progress")
    add(world.director, letter, what="Rewrite the threshold document", status="dropped", dropped_reason="FFP")
    letter_services.respond(world.director, letter, acknowledged=True, response="We accept the findings.")
    db.session.commit()
    client = sign_in(world.lead)
    page = client.get(f"/letters/{letter.id}/actions").get_data(as_text=True)
    assert f'href="/letters/{letter.id}/pack.docx"' in page

    document = docx.Document(io.BytesIO(client.get(f"/letters/{letter.id}/pack.docx").data))
    texts = [paragraph.text for paragraph in document.paragraphs]
    summary = texts[: texts.index("The challenge letter")]
    assert "Its plans need dates." in summary and STRENGTH in summary and CONSIDERATION in summary
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert [rows[1][0], rows[1][3]] == ["Publish a sufficiency dashboard", "In progress"]
    assert rows[2][3] == "Dropped: FFP"
    assert texts[-1] == "We accept the findings."
    (event,) = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "pack_downloaded"))
    assert event.actor_id == world.lead.id and "Alpha's scrutiny pack" in event.summary


def test_an_unreleased_letter_has_no_pack(world, sign_in):
    letter = letter_with_points(open_cycle(world), world.authority, world.lead, released=False)
    assert sign_in(world.lead).get(f"/letters/{letter.id}/pack.docx").status_code in (403, 404)
    page = sign_in(world.lead).get(f"/letters/{letter.id}/actions")
    assert page.status_code == 404 or "pack.docx" not in page.get_data(as_text=True)

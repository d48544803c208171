"""The scrutiny pack download: who gets it, what is in it, and that it is audited.

Region A of the world: Alpha (director Dana, contributor Cal) has a released letter; Beta (director Sid)
reviews Alpha; lead Lee runs the region; region B (lead Olive, director Otto of Gamma) is elsewhere.
"""

import io

import docx
import pytest
import sqlalchemy as sa

from peerchallenge.actions.models import Action, PackFile
from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db, utcnow
from peerchallenge.letters import services as letter_services
from tests.actions.builders import (
    CONSIDERATION,
    STRENGTH,
    add,
    form,
    letter_with_points,
    released_letter,
)
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


def kept_packs(letter) -> list[tuple[int, str, object]]:
    """The letter's kept packs as (id, hash of what it was made from, when it was made)."""
    db.session.expire_all()
    rows = db.session.scalars(sa.select(PackFile).where(PackFile.letter_id == letter.id))
    return [(row.id, row.source_sha256, row.rendered_at) for row in rows]


def action_rows(data: bytes) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in docx.Document(io.BytesIO(data)).tables[0].rows]


def test_the_pack_is_kept_and_made_again_in_place_only_when_what_it_shows_changes(world, letter, sign_in):
    url = f"/letters/{letter.id}/pack.docx"
    director, lead = sign_in(world.director), sign_in(world.lead)
    add(world.director, letter, what="Publish a sufficiency dashboard", status="in_progress")
    first = director.get(url)
    ((pack_id, made_from, made_at),) = kept_packs(letter)
    assert db.session.get(PackFile, pack_id).data == first.data

    # Asked for again, by anyone who may: the kept file, made nothing.
    assert director.get(url).data == first.data and lead.get(url).data == first.data
    assert kept_packs(letter) == [(pack_id, made_from, made_at)]

    # An action changes: the next download shows it, from the same row made again.
    action = db.session.scalar(sa.select(Action).where(Action.letter_id == letter.id))
    done = form(what=action.what, owner=action.owner, due_on=action.due_on, status="done", base_version="1")
    edit = director.post(f"/actions/{action.id}", data=done)
    assert edit.status_code == 302
    after_action = lead.get(url).data
    assert action_rows(after_action)[1][3] == "Done"
    ((same_id, action_hash, _),) = kept_packs(letter)
    assert same_id == pack_id and action_hash != made_from

    # The authority responds: so does the pack.
    letter_services.respond(world.director, letter, acknowledged=True, response="We accept the findings.")
    db.session.commit()
    document = docx.Document(io.BytesIO(director.get(url).data))
    assert document.paragraphs[-1].text == "We accept the findings."
    ((same_id, response_hash, _),) = kept_packs(letter)
    assert same_id == pack_id and response_hash not in (made_from, action_hash)

    # Each download is audited, kept file or not.
    downloads = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "pack_downloaded")).all()
    assert len(downloads) == 5

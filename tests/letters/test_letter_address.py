"""Letters addressed and signed as directors write to each other: "Dear <how to address>," for the authority's
directors, the peer directors' signatures (or "Your peer directors", or the cycle's signatory), and the
region's name on its letterhead. Through the real app and database."""

import html
import io

import docx

from peerchallenge.accounts.models import Role
from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db
from tests import factories
from tests.scenarios import cycle_form, submit_both

DCS = "Director of Children's Services"


def signatures(body: str) -> str:
    """What follows "Yours sincerely," up to the annex."""
    return body.split("Yours sincerely,")[1].split("## Annex")[0].strip()


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_letter_opens_with_the_directors_first_name_and_is_signed_by_the_peer_directors(reviewing):
    letter = submit_both(reviewing)
    director = reviewing.reviewed_director
    assert letter.body.startswith(f"Dear {director.name.split()[0]},\n")
    assert director.name not in letter.body.split("\n")[0]
    assert signatures(letter.body).split("\n\n") == [
        f"{reviewing.reviewer_director.name}, {DCS}, {reviewing.assignment.reviewer.name}",
        f"{reviewing.co_director.name}, {DCS}, {reviewing.co_assignment.reviewer.name}",
    ]
    assert "Director," not in letter.body.split("\n")[0]  # never "Dear <Authority> Director,"


def test_two_directors_are_each_addressed_as_they_like(reviewing):
    reviewing.reviewed_director.salutation = "Sarah"
    factories.make_user((Role.DIRECTOR, reviewing.assignment.reviewed), name="Tom Reed")
    db.session.commit()
    letter = submit_both(reviewing)
    assert letter.body.startswith("Dear Sarah and Tom,\n")


def test_an_anonymous_cycle_is_signed_by_the_peer_directors_without_names(reviewing):
    reviewing.cycle.anonymous = True
    db.session.commit()
    letter = submit_both(reviewing)
    assert signatures(letter.body) == "Your peer directors"
    assert (
        reviewing.reviewer_director.name not in letter.body and reviewing.co_director.name not in letter.body
    )


def test_the_cycles_signatory_replaces_the_peers_signatures(reviewing):
    reviewing.cycle.signatory_name = "Alex Morgan"
    reviewing.cycle.signatory_title = "Chair, ADCS Eastern Region"
    db.session.commit()
    letter = submit_both(reviewing)
    assert signatures(letter.body) == "Alex Morgan, Chair, ADCS Eastern Region"
    assert reviewing.reviewer_director.name not in letter.body


def test_the_lead_names_a_signatory_on_the_cycle(world, sign_in, cycle):
    lead = sign_in(world.lead)
    form = cycle_form()
    form.update({"signatory_name": " Alex\tMorgan ", "signatory_title": "Chair"})
    assert lead.post(f"/cycles/{cycle.id}/edit", data=form).status_code == 302
    db.session.refresh(cycle)
    assert (cycle.signatory_name, cycle.signatory_title) == ("Alex Morgan", "Chair")
    assert "Alex Morgan, Chair" in text(lead.get(f"/cycles/{cycle.id}"))


def test_a_signatory_title_without_a_name_or_too_long_is_refused(world, sign_in, cycle):
    lead = sign_in(world.lead)
    for changes, message in (
        ({"signatory_title": "Chair"}, "Enter the signatory's name, or leave the title empty"),
        ({"signatory_name": "A" * 151}, "The signatory's name must be 150 characters or fewer"),
    ):
        form = cycle_form()
        form.update(changes)
        response = lead.post(f"/cycles/{cycle.id}/edit", data=form)
        assert response.status_code == 400 and message in text(response)
    db.session.refresh(cycle)
    assert cycle.signatory_name == cycle.signatory_title == ""


def test_a_lead_names_the_region_on_its_letters(reviewing, sign_in):
    region = reviewing.cycle.region
    lead = sign_in(reviewing.lead)
    assert region.name in text(lead.get(f"/regions/{region.id}"))
    response = lead.post(
        f"/regions/{region.id}/name-on-letters", data={"display_name": " ADCS  Test Region "}
    )
    assert response.status_code == 302
    db.session.refresh(region)
    assert region.display_name == "ADCS Test Region" and region.letterhead_name == "ADCS Test Region"
    assert "ADCS Test Region" in text(lead.get(f"/regions/{region.id}"))
    assert db.session.query(AuditEvent).filter_by(kind="region_display_name_changed").count() == 1

    letter = submit_both(reviewing)
    word = docx.Document(io.BytesIO(lead.get(f"/letters/{letter.id}/letter.docx").data))
    assert word.core_properties.author == "ADCS Test Region"
    assert any(paragraph.text == "Region: ADCS Test Region" for paragraph in word.paragraphs)


def test_a_region_name_too_long_is_refused_and_others_cannot_change_it(world, sign_in):
    lead = sign_in(world.lead)
    response = lead.post(f"/regions/{world.region.id}/name-on-letters", data={"display_name": "R" * 151})
    assert response.status_code == 400 and "The name on letters must be 150 characters or fewer" in text(
        response
    )
    for client, region in ((lead, world.other_region), (sign_in(world.director), world.region)):
        assert client.get(f"/regions/{region.id}/name-on-letters").status_code == 403
        assert (
            client.post(f"/regions/{region.id}/name-on-letters", data={"display_name": "X"}).status_code
            == 403
        )
    db.session.expire_all()
    assert world.region.display_name == world.other_region.display_name == ""
    assert world.region.letterhead_name == world.region.name


def test_the_emails_about_a_letter_address_people_as_they_like(reviewing, sign_in):
    import sqlalchemy as sa

    from peerchallenge.mail.models import OutboxEmail

    reviewing.reviewed_director.salutation = "Dr Okafor"
    db.session.commit()
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    client.post(f"/letters/{letter.id}/approve")
    client.post(f"/letters/{letter.id}/release")
    emails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.kind == "letter_released")).all()
    bodies = {email.to_user_id: email.body for email in emails}
    assert bodies[reviewing.reviewed_director.id].startswith("Dear Dr Okafor,\n")
    contributor = reviewing.reviewed_contributor
    assert bodies[contributor.id].startswith(f"Dear {contributor.name.split()[0]},\n")

"""The event's pages through the test client: setting up, a session's form, recording notes and agreed
actions (junk is a 400 with the message, a second tab a 409 with both texts), the outcome note's files, and
the number of statements each page takes whatever the number of sessions."""

import html
import io
from datetime import timedelta

import pypdf
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.dates import uk_today
from peerchallenge.events import services
from peerchallenge.extensions import db
from tests.events.builders import ENQUIRIES, EVENT_DAY, enquiries, event_scenario, under_way
from tests.letters.test_output import structure_types
from tests.monitoring.builders import counting_queries, publish_pair
from tests.scenarios import date_form, open_cycle


@pytest.fixture
def scenario(world):
    return event_scenario(world)


def test_the_lead_sets_up_the_event_from_the_cycle(world, sign_in):
    scenario = event_scenario(world)  # another cycle of the region, to set up by the page
    client = sign_in(world.lead)
    cycle = scenario.cycle
    cycle_page = client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert f"/cycles/{cycle.id}/event" in cycle_page
    page = client.get(f"/cycles/{cycle.id}/event").get_data(as_text=True)
    assert "Kings Hall" in page and "Alpha" in page and "09:30 to" in page


def test_setting_up_by_the_form(world, sign_in):
    cycle = open_cycle(world, title="Another cycle")
    publish_pair(cycle, world.sibling, world.authority)
    cycle.assignments_published_at = cycle.opened_at
    db.session.commit()
    client = sign_in(world.lead)
    assert "Set up the event" in client.get(f"/cycles/{cycle.id}/event").get_data(as_text=True)
    form = [("place", ""), ("online_link", "http://insecure.example")] + date_form("held_on", EVENT_DAY)
    refused = client.post(f"/cycles/{cycle.id}/event/new", data=MultiDict(form))
    assert refused.status_code == 400 and "starting https://" in refused.get_data(as_text=True)
    form = [("place", ""), ("online_link", "https://meet.example/abc")] + date_form("held_on", EVENT_DAY)
    assert client.post(f"/cycles/{cycle.id}/event/new", data=MultiDict(form)).status_code == 302
    db.session.expire_all()
    assert cycle.challenge_event_on == EVENT_DAY
    # The event page links to it (a link, not its HTML printed as text).
    page = client.get(f"/cycles/{cycle.id}/event").get_data(as_text=True)
    assert '<a class="govuk-link" href="https://meet.example/abc" rel="noopener noreferrer">' in page
    assert "&lt;a" not in page


def test_junk_on_the_session_form_is_a_400_and_a_second_tab_a_409(scenario, sign_in):
    client = sign_in(scenario.lead)
    url = f"/sessions/{scenario.session.id}/edit"
    opened = scenario.session.version
    junk = client.post(
        url, data={"starts_at": "9am", "ends_at": "10:00", "chair_id": "x", "base_version": opened}
    )
    assert junk.status_code == 400 and "like 09:30" in junk.get_data(as_text=True)
    data = {
        "starts_at": "10:00",
        "ends_at": "11:00",
        "chair_id": str(scenario.chair.id),
        "base_version": opened,
    }
    assert client.post(url, data=data).status_code == 302
    again = client.post(url, data=data | {"starts_at": "12:00", "ends_at": "12:30"})
    assert again.status_code == 409 and "changed after you opened it" in again.get_data(as_text=True)
    assert "Cara Chair" in client.get(f"/cycles/{scenario.cycle.id}/event").get_data(as_text=True)


def test_recording_notes_and_actions_on_the_session_page(scenario, sign_in):
    under_way(scenario)
    client = sign_in(scenario.lead)
    session_url = f"/sessions/{scenario.session.id}"
    first, second = enquiries(scenario.letter)
    page = client.get(session_url).get_data(as_text=True)
    assert ENQUIRIES[0] in page and "Save the note" in page and "Finish the session" in page
    note_url = f"{session_url}/notes/{first.id}"
    prefix = f"note-{first.id}-"
    assert (
        client.post(
            note_url, data={prefix + "text": "Audited monthly.", prefix + "base_version": "0"}
        ).status_code
        == 302
    )
    conflict = client.post(note_url, data={prefix + "text": "Another tab", prefix + "base_version": "0"})
    assert conflict.status_code == 409 and "Audited monthly." in conflict.get_data(as_text=True)
    empty = client.post(note_url, data={prefix + "text": "", prefix + "base_version": "1"})
    assert empty.status_code == 400 and "Enter the note" in empty.get_data(as_text=True)
    bad_point = client.post(
        f"{session_url}/notes/{2**31 - 1}",
        data={"note-2147483647-text": "x", "note-2147483647-base_version": "0"},
    )
    assert bad_point.status_code == 400
    due = uk_today() + timedelta(days=30)
    action = [
        ("answers", f"p-{second.id}"),
        ("what", "Share the panel's terms of reference"),
        ("owner", "Head of Service"),
    ]
    assert (
        client.post(f"{session_url}/actions", data=MultiDict(action + date_form("due_on", due))).status_code
        == 302
    )
    junk = client.post(
        f"{session_url}/actions",
        data=MultiDict([("answers", "p-junk"), ("what", ""), ("owner", "")] + date_form("due_on", due)),
    )
    assert junk.status_code == 400 and "Enter what will be done" in junk.get_data(as_text=True)
    page = client.get(session_url).get_data(as_text=True)
    assert "Share the panel&#39;s terms of reference" in page and "Audited monthly." in page


def test_the_agenda_says_plainly_when_a_letter_is_missing_or_not_released(world, sign_in):
    missing = event_scenario(world, letter=None)
    page = sign_in(world.lead).get(f"/sessions/{missing.session.id}").get_data(as_text=True)
    assert "has not been composed yet, so there are no key lines of enquiry yet" in page


def test_the_host_reads_the_key_lines_only_once_the_letter_is_released(world, sign_in):
    scenario = event_scenario(world, letter="composed")
    url = f"/sessions/{scenario.session.id}"
    host = sign_in(scenario.host_director).get(url).get_data(as_text=True)
    assert "shown here once Alpha's letter is released" in host and ENQUIRIES[0] not in host
    assert ENQUIRIES[0] in sign_in(world.lead).get(url).get_data(as_text=True)


def released_note(scenario, *, started: bool = False):
    session = scenario.session if started else under_way(scenario)
    point = enquiries(scenario.letter)[0]
    services.save_note(scenario.lead, session, point.id, "Step-down is audited monthly.", 0)
    fields = services.AgreedFields(
        f"p-{point.id}", "Audit step-down monthly", "Principal Social Worker", EVENT_DAY
    )
    services.add_agreed_action(scenario.lead, session, fields)
    services.finish_session(scenario.lead, session)
    note = session.outcome_notes[0]
    services.approve_outcome(scenario.lead, note)
    services.release_outcome(scenario.lead, note)
    db.session.commit()
    return note


def test_the_outcome_note_pdf_is_tagged_and_the_word_file_has_its_headings(scenario, sign_in):
    note = released_note(scenario)
    client = sign_in(scenario.host_director)
    pdf = client.get(f"/outcome-notes/{note.id}/note.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("Challenge event outcome note")
    types = structure_types(pdf.data)
    assert types.count("/H1") == 1 and "/H2" in types and "/H3" in types
    docx = client.get(f"/outcome-notes/{note.id}/note.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"


def test_the_outcome_note_page_edits_with_a_409_for_a_second_tab(scenario, sign_in):
    session = under_way(scenario)
    services.finish_session(scenario.lead, session)
    db.session.commit()
    note = session.outcome_notes[0]
    client = sign_in(scenario.lead)
    url = f"/outcome-notes/{note.id}"
    opened = note.version
    assert (
        client.post(url, data={"body": "## Who met\n\nEveryone.", "base_version": opened}).status_code == 302
    )
    again = client.post(url, data={"body": "Another tab", "base_version": opened})
    assert again.status_code == 409 and "Everyone." in again.get_data(as_text=True)
    assert client.post(url, data={"body": "", "base_version": opened + 1}).status_code == 400


def page_statements(client, url: str) -> int:
    client.get(url)  # what is done once: a file rendered and stored
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def measure(world, sign_in, note) -> dict:
    """Statements per page for the lead and the host's director, once the note is released."""
    cycle_id, session_id = note.session.event.cycle_id, note.session_id
    counts = {}
    for person in ("lead", "director"):
        client = sign_in(getattr(world, person))
        for page, url in (
            ("event", f"/cycles/{cycle_id}/event"),
            ("session", f"/sessions/{session_id}"),
            ("note", f"/outcome-notes/{note.id}"),
            ("pdf", f"/outcome-notes/{note.id}/note.pdf"),
        ):
            counts[(person, page)] = page_statements(client, url)
    return counts


def test_the_pages_take_as_many_statements_for_more_sessions_notes_and_actions(world, sign_in):
    small = measure(world, sign_in, released_note(event_scenario(world)))
    # The same again in a larger cycle: six more sessions, a note on each key line, four agreed actions.
    db.session.execute(sa.update(Cycle).values(state=CycleState.CLOSED))
    db.session.commit()
    scenario = event_scenario(world, suffix=" 2", extra=6)
    session = under_way(scenario)
    for point in enquiries(scenario.letter)[1:]:  # released_note writes the first
        services.save_note(scenario.lead, session, point.id, f"Note on {point.text}", 0)
    for _ in range(4):
        point = enquiries(scenario.letter)[1]
        fields = services.AgreedFields(f"p-{point.id}", "Audit plans", "Head of Service", EVENT_DAY)
        services.add_agreed_action(scenario.lead, session, fields)
    db.session.commit()
    released = released_note(scenario, started=True)
    large = measure(world, sign_in, released)
    assert len(released.session.event.sessions) == 7
    assert {key: (small[key], large[key]) for key in small if large[key] > small[key]} == {}


def test_the_leads_home_lists_outcome_notes_to_approve_and_release(scenario, sign_in):
    session = under_way(scenario)
    services.finish_session(scenario.lead, session)
    db.session.commit()
    note = session.outcome_notes[0]
    client = sign_in(scenario.lead)
    home = html.unescape(client.get("/").get_data(as_text=True))
    assert "Approve Alpha's challenge event outcome note" in home and f"/outcome-notes/{note.id}" in home
    services.approve_outcome(scenario.lead, note)
    db.session.commit()
    home = html.unescape(client.get("/").get_data(as_text=True))
    assert "Release Alpha's challenge event outcome note" in home
    assert f"/outcome-notes/{note.id}/release" in home
    services.release_outcome(scenario.lead, note)
    db.session.commit()
    assert "challenge event outcome note" not in client.get("/").get_data(as_text=True)


def test_a_chair_that_is_not_a_choice_is_refused_in_words(scenario, sign_in):
    client = sign_in(scenario.lead)
    url = f"/sessions/{scenario.session.id}/edit"
    for junk in ("x", str(scenario.host_director.id), "99999999"):
        data = {
            "starts_at": "10:00",
            "ends_at": "11:00",
            "chair_id": junk,
            "base_version": scenario.session.version,
        }
        refused = client.post(url, data=data)
        assert refused.status_code == 400, junk
        assert "not one of the session&#39;s hosts" in refused.get_data(as_text=True), junk


def test_a_closed_cycles_session_shows_no_forms(scenario, sign_in):
    under_way(scenario)
    scenario.cycle.state = CycleState.CLOSED
    db.session.commit()
    page = sign_in(scenario.lead).get(f"/sessions/{scenario.session.id}").get_data(as_text=True)
    assert ENQUIRIES[0] in page
    assert (
        "Save the note" not in page
        and "Add the agreed action" not in page
        and "Finish the session" not in page
    )


def test_the_menu_leads_the_chair_and_the_host_to_their_sessions(scenario, world, sign_in):
    services.update_session(scenario.lead, scenario.session, "10:00", "11:00", scenario.chair.id, 1)
    db.session.commit()
    for person, words in ((scenario.chair, "You"), (scenario.host_director, "Cara Chair")):
        client = sign_in(person)
        assert 'href="/events"' in client.get("/").get_data(as_text=True)
        page = client.get("/events").get_data(as_text=True)
        assert f"/sessions/{scenario.session.id}" in page and words in page
    page = sign_in(scenario.bystander).get("/events").get_data(as_text=True)
    assert f"/sessions/{scenario.session.id}" not in page and "no challenge event you take part in" in page
    assert 'href="/events"' not in sign_in(world.no_role).get("/").get_data(as_text=True)

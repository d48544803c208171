"""The demo's South East challenge event: a session in every state, with notes, agreed actions made into the
authorities' actions, and outcome notes released, approved and in draft."""

import sqlalchemy as sa

from peerchallenge.actions.models import Action
from peerchallenge.demo.seed import GROUPS_REGION, lead_email
from peerchallenge.events.models import AgreedAction, ChallengeEvent, OutcomeState, SessionNote, SessionState
from peerchallenge.extensions import db
from peerchallenge.mail.models import OutboxEmail
from tests.conftest import DEMO_DAY, DEMO_PASSWORD
from tests.test_demo_groups import south_east_cycle


def test_the_south_east_event_has_a_session_in_every_state(demo):
    cycle = south_east_cycle()
    event = db.session.scalar(sa.select(ChallengeEvent).where(ChallengeEvent.cycle_id == cycle.id))
    assert event is not None and event.held_on == DEMO_DAY == cycle.challenge_event_on
    assert event.online_link.startswith("https://")
    states = [session.state for session in event.sessions]  # in time order
    assert states == [SessionState.FINISHED, SessionState.UNDER_WAY] + [SessionState.SCHEDULED] * 4
    finished, running = event.sessions[:2]
    assert running.chair is not None  # a director from another group
    assert not {grant.authority_id for grant in running.chair.grants} & {a.id for a in running.authorities}
    notes = db.session.scalars(sa.select(SessionNote).where(SessionNote.session_id == running.id)).all()
    assert len(notes) >= 2 and all(note.text_html for note in notes)
    # The finished session's agreed actions are its members' actions now; its outcome notes in three states.
    agreed = db.session.scalars(sa.select(AgreedAction).where(AgreedAction.session_id == finished.id)).all()
    assert len(agreed) == 3 and all(item.action_id for item in agreed)
    actions = db.session.scalars(sa.select(Action).where(Action.id.in_([item.action_id for item in agreed])))
    assert {action.letter.authority_id for action in actions} == {
        member.id for member in finished.authorities
    }
    assert sorted(note.state for note in finished.outcome_notes) == [
        OutcomeState.APPROVED,
        OutcomeState.DRAFT,
        OutcomeState.RELEASED,
    ]
    emails = db.session.scalars(
        sa.select(OutboxEmail.kind).where(OutboxEmail.kind == "outcome_released")
    ).all()
    assert emails


def test_the_south_east_lead_opens_the_event_its_sessions_and_notes(demo, demo_app):
    cycle = south_east_cycle()
    client = demo_app.test_client()
    signed_in = client.post("/sign-in", data={"email": lead_email(GROUPS_REGION), "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    page = client.get(f"/cycles/{cycle.id}/event").get_data(as_text=True)
    assert "Finished" in page and "Under way" in page and "Scheduled" in page
    event = db.session.scalar(sa.select(ChallengeEvent).where(ChallengeEvent.cycle_id == cycle.id))
    for session in event.sessions:
        assert client.get(f"/sessions/{session.id}").status_code == 200
        for note in session.outcome_notes:
            assert client.get(f"/outcome-notes/{note.id}").status_code == 200

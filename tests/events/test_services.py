"""The event's services: setting it up, sessions' times and chairs, running a session, finishing it (actions
made once), and the outcome note's approval and release; refusals are plain messages, never errors."""

from datetime import time

import pytest
import sqlalchemy as sa

from peerchallenge.actions.models import Action, ActionStatus
from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles.models import CycleState
from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.events import services
from peerchallenge.events.models import OutcomeFile, OutcomeState, SessionState
from peerchallenge.extensions import db
from peerchallenge.letters.models import LetterState
from peerchallenge.mail.models import OutboxEmail
from tests.events.builders import (
    EVENT_DAY,
    agreed,
    details,
    enquiries,
    event_scenario,
    under_way,
)


@pytest.fixture
def scenario(world):
    return event_scenario(world)


def kinds() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.kind).order_by(AuditEvent.id)))


def test_setting_up_makes_a_session_per_reviewed_authority_and_sets_the_cycles_date(scenario):
    assert scenario.cycle.challenge_event_on == EVENT_DAY
    assert [session.authority.name for session in scenario.event.sessions] == ["Alpha"]
    session = scenario.session
    assert session.state == SessionState.SCHEDULED and session.chair is None
    assert session.chair_name == "The regional lead"
    assert session.starts_at == time(9, 30) and session.ends_at > session.starts_at
    assert "event_created" in kinds()


def test_a_cycle_has_one_event(scenario):
    with pytest.raises(ServiceError, match="already has its challenge event"):
        services.create_event(scenario.lead, scenario.cycle, details())


def test_groups_get_a_session_per_group(world):
    scenario = event_scenario(world, groups=True)
    assert [session.name for session in scenario.event.sessions] == ["Group 1: Alpha, Beta"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"online_link": "http://example.org/meet"}, "online_link", "starting https://"),
        ({"online_link": "javascript:alert(1)"}, "online_link", "starting https://"),
        ({"online_link": "https://"}, "online_link", "starting https://"),
        ({"online_link": "https://a b.example"}, "online_link", "starting https://"),
        ({"place": "", "online_link": ""}, "place", "an online link, or both"),
        ({"place": "x" * 301}, "place", "300 characters or fewer"),
        ({"held_on": None}, "held_on", "Enter the date"),
    ],
)
def test_bad_details_are_refused_on_their_field(scenario, changes, field, message):
    with pytest.raises(ServiceError, match=message) as refused:
        services.update_event(scenario.lead, scenario.event, details(**changes))
    assert refused.value.field == field


def test_the_events_date_is_the_cycles(scenario):
    link = "https://teams.microsoft.com/l/meetup-join/abc"
    assert services.update_event(
        scenario.lead, scenario.event, details(held_on=EVENT_DAY.replace(day=20), online_link=link)
    )
    db.session.commit()
    assert scenario.cycle.challenge_event_on == EVENT_DAY.replace(day=20) == scenario.event.held_on
    assert scenario.event.online_link == link


def test_times_and_a_chair_from_the_region_who_is_not_the_host(scenario):
    session = scenario.session
    assert services.update_session(
        scenario.lead, session, "13.00", "1415", scenario.chair.id, session.version
    )
    db.session.commit()
    assert (session.starts_at, session.ends_at, session.chair) == (time(13), time(14, 15), scenario.chair)
    for chair_id in (scenario.host_director.id, 999_999):  # the host's own director; nobody
        with pytest.raises(ServiceError, match="not one of the session's hosts") as refused:
            services.update_session(scenario.lead, session, "13:00", "14:15", chair_id, session.version)
        assert refused.value.field == "chair_id"
        db.session.rollback()


@pytest.mark.parametrize(
    ("starts", "ends", "field", "message"),
    [
        ("10:00", "09:00", "ends_at", "end after it starts"),
        ("10:00", "10:00", "ends_at", "end after it starts"),
        ("25:00", "26:00", "starts_at", "real time of day"),
        ("ten", "11:00", "starts_at", "like 09:30"),
        ("10:00", "", "ends_at", "like 09:30"),
    ],
)
def test_times_must_be_real_and_end_after_the_start(scenario, starts, ends, field, message):
    session = scenario.session
    with pytest.raises(ServiceError, match=message) as refused:
        services.update_session(scenario.lead, session, starts, ends, None, session.version)
    assert refused.value.field == field


def test_a_session_changed_in_another_tab_is_a_conflict(scenario):
    session = scenario.session
    opened = session.version
    services.update_session(scenario.lead, session, "10:00", "11:00", None, opened)
    db.session.commit()
    with pytest.raises(EditConflict):
        services.update_session(scenario.lead, session, "12:00", "13:00", None, opened)


def test_notes_and_actions_wait_for_the_start_and_close_at_the_finish(scenario):
    session, point = scenario.session, enquiries(scenario.letter)[0]
    with pytest.raises(ServiceError, match="Start the session first"):
        services.save_note(scenario.lead, session, point.id, "Discussed.", 0)
    under_way(scenario)
    with pytest.raises(ServiceError, match="already started"):
        services.start_session(scenario.lead, session)
    services.save_note(scenario.lead, session, point.id, "Step-down is **audited** monthly.", 0)
    services.finish_session(scenario.lead, session)
    db.session.commit()
    assert session.state == SessionState.FINISHED
    with pytest.raises(ServiceError, match="notes and agreed actions are closed"):
        services.save_note(scenario.lead, session, point.id, "Later.", 1)
    with pytest.raises(ServiceError, match="closed"):
        services.finish_session(scenario.lead, session)


def test_a_note_is_stored_rendered_and_sanitised(scenario):
    session, point = under_way(scenario), enquiries(scenario.letter)[0]
    note = services.save_note(scenario.lead, session, point.id, "Audited **monthly**<script>x()</script>", 0)
    assert "<strong>monthly</strong>" in note.text_html and "<script" not in note.text_html


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Enter the note"), ("x" * 20_001, "20,000"), ("\n".join(["# h"] * 600), "headings")],
)
def test_junk_notes_are_refused(scenario, text, message):
    session, point = under_way(scenario), enquiries(scenario.letter)[0]
    with pytest.raises(ServiceError, match=message):
        services.save_note(scenario.lead, session, point.id, text, 0)


def test_a_note_on_another_letters_point_is_refused(scenario):
    session = under_way(scenario)
    strength = next(point for point in scenario.letter.points if point not in enquiries(scenario.letter))
    with pytest.raises(ServiceError, match="session's key lines of enquiry"):
        services.save_note(scenario.lead, session, strength.id, "A note", 0)


def test_a_note_saved_in_another_tab_is_a_conflict(scenario):
    session, point = under_way(scenario), enquiries(scenario.letter)[0]
    services.save_note(scenario.lead, session, point.id, "First tab", 0)
    db.session.commit()
    with pytest.raises(EditConflict):
        services.save_note(scenario.lead, session, point.id, "Second tab, opened before the first saved", 0)
    db.session.rollback()
    note = services.save_note(scenario.lead, session, point.id, "First tab, again", 1)
    assert note.version == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"answers": "p-0"}, "answers"),
        ({"answers": "nonsense"}, "answers"),
        ({"what": "  "}, "what"),
        ({"what": "x" * 1001}, "what"),
        ({"owner": ""}, "owner"),
        ({"due_on": None}, "due_on"),
    ],
)
def test_junk_agreed_actions_are_refused_on_their_field(scenario, changes, field):
    session = under_way(scenario)
    fields = {"answers": f"a-{scenario.letter.authority_id}", **changes}
    with pytest.raises(ServiceError) as refused:
        services.add_agreed_action(scenario.lead, session, agreed(**fields))
    assert refused.value.field == field


def test_finishing_makes_the_agreed_actions_the_authoritys_once_and_drafts_the_outcome_note(scenario):
    session, (first, second) = under_way(scenario), enquiries(scenario.letter)
    services.save_note(
        scenario.lead, session, first.id, "Step-down is audited monthly by the Principal Social Worker.", 0
    )
    services.add_agreed_action(scenario.lead, session, agreed(answers=f"p-{second.id}"))
    services.add_agreed_action(
        scenario.lead, session, agreed(answers=f"a-{scenario.letter.authority_id}", what="Report | pipes")
    )
    assert services.finish_session(scenario.lead, session) == 2
    db.session.commit()
    actions = db.session.scalars(sa.select(Action).where(Action.letter_id == scenario.letter.id)).all()
    assert [(action.point_id, action.status) for action in actions] == [
        (second.id, ActionStatus.NOT_STARTED),
        (None, ActionStatus.NOT_STARTED),
    ]
    assert all(item.action_id for item in session.agreed_actions)
    assert services.make_actions(scenario.lead, session, {scenario.letter.authority_id: scenario.letter}) == 0
    assert kinds().count("action_added") == 2 and "event_session_finished" in kinds()
    (note,) = session.outcome_notes
    assert note.state == OutcomeState.DRAFT and note.authority_id == scenario.letter.authority_id
    for words in (
        "Who met",
        "Beta",
        first.text,
        "audited monthly",
        "Agreed actions",
        "Report \\| pipes",
        "Next steps",
        "at Kings Hall, Bury St Edmunds.",  # where, in words
        "will report its progress on these actions to its peers",
    ):
        assert words in note.body
    assert "service" not in note.body  # a note about children's services, not about the software
    assert "<table>" in note.body_html and "Report | pipes" in note.body_html


def test_finishing_waits_for_the_letters_release(world):
    scenario = event_scenario(world, letter="composed")
    session = under_way(scenario)
    with pytest.raises(ServiceError, match="letter is not released yet"):
        services.finish_session(scenario.lead, session)
    db.session.rollback()
    scenario.letter.state = LetterState.RELEASED
    scenario.letter.released_at = scenario.letter.composed_at
    db.session.commit()
    services.finish_session(scenario.lead, session)


def test_a_session_without_a_letter_says_so_and_cannot_finish(world):
    scenario = event_scenario(world, letter=None)
    session = under_way(scenario)
    with pytest.raises(ServiceError, match="Alpha's challenge letter is not released yet"):
        services.finish_session(scenario.lead, session)


def finished_note(scenario):
    session = under_way(scenario)
    services.finish_session(scenario.lead, session)
    db.session.commit()
    return session.outcome_notes[0]


def test_the_outcome_note_is_edited_approved_and_released_to_its_people(scenario):
    note = finished_note(scenario)
    with pytest.raises(ServiceError, match="Approve it first"):
        services.release_outcome(scenario.lead, note)
    db.session.rollback()
    assert services.save_outcome(
        scenario.lead, note, note.body + "\nAgreed to meet again in June.", note.version
    )
    services.approve_outcome(scenario.lead, note)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(OutcomeFile.id))) == 2  # the lead's preview
    # Editing an approved note withdraws the approval.
    services.save_outcome(scenario.lead, note, note.body + "\nAnd in September.", note.version)
    assert note.state == OutcomeState.DRAFT
    services.approve_outcome(scenario.lead, note)
    services.release_outcome(scenario.lead, note)
    db.session.commit()
    assert note.state == OutcomeState.RELEASED and note.released_at is not None
    emailed = set(
        db.session.scalars(sa.select(OutboxEmail.to_address).where(OutboxEmail.kind == "outcome_released"))
    )
    assert emailed == {scenario.host_director.email, scenario.host_contributor.email}
    with pytest.raises(ServiceError, match="no longer changes"):
        services.save_outcome(scenario.lead, note, "Changed", note.version)
    with pytest.raises(ServiceError, match="approved"):
        services.release_outcome(scenario.lead, note)


def test_an_outcome_note_saved_in_another_tab_is_a_conflict_and_junk_is_refused(scenario):
    note = finished_note(scenario)
    opened = note.version
    services.save_outcome(scenario.lead, note, "First tab", opened)
    db.session.commit()
    with pytest.raises(EditConflict):
        services.save_outcome(scenario.lead, note, "Second tab", opened)
    db.session.rollback()
    with pytest.raises(ServiceError, match="Enter the outcome note"):
        services.save_outcome(scenario.lead, note, " ", note.version)


def test_a_closed_cycles_event_is_read_only(scenario):
    scenario.cycle.state = CycleState.CLOSED
    db.session.commit()
    with pytest.raises(ServiceError, match="closed"):
        services.start_session(scenario.lead, scenario.session)
    with pytest.raises(ServiceError, match="closed"):
        services.update_event(scenario.lead, scenario.event, details())

"""Actions: who reads and writes them, the form's refusals, two tabs, the history and when they stop changing.

Region A of the world: Alpha (director Dana, contributor Cal) has a released letter; Beta (director Sid)
reviews Alpha; lead Lee runs the region; region B (lead Olive, director Otto of Gamma) is elsewhere.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.actions.models import Action, ActionStatus, ActionStatusChange
from peerchallenge.actions.queries import history
from peerchallenge.audit.models import AuditEvent
from peerchallenge.dates import uk_today
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.letters.choice import PointKind
from peerchallenge.regions import services as region_services
from tests import factories
from tests.actions.builders import (
    add,
    close,
    form,
    letter_with_points,
    point_of,
    released_letter,
)
from tests.monitoring.builders import publish_pair
from tests.scenarios import open_cycle


@pytest.fixture
def letter(world):
    letter = released_letter(world)
    publish_pair(letter.cycle, world.sibling, world.authority)  # Beta reviews Alpha
    return letter


def actions_of(letter) -> list[Action]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(Action).where(Action.letter_id == letter.id).order_by(Action.id))
    )


@pytest.mark.parametrize(
    ("person", "list_status", "new_status"),
    [
        ("director", 200, 200),
        ("contributor", 200, 200),
        ("lead", 200, 403),
        ("admin", 200, 403),
        ("sibling_director", 200, 403),  # Beta reviews Alpha: reads only
        ("other_lead", 404, 404),
        ("other_director", 404, 404),
        ("no_role", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_who_reads_and_who_adds_actions(world, letter, client_for, person, list_status, new_status):
    action = add(world.director, letter)
    client = client_for(person)
    assert client.get(f"/letters/{letter.id}/actions").status_code == list_status
    assert client.get(f"/actions/{action.id}").status_code == list_status
    assert client.get(f"/letters/{letter.id}/actions/new").status_code == new_status
    posted = client.post(f"/letters/{letter.id}/actions/new", data=form())
    assert posted.status_code == (302 if new_status == 200 else new_status)
    changed = client.post(f"/actions/{action.id}", data=form(status="done", base_version="1"))
    assert changed.status_code == (302 if new_status == 200 else new_status)


def test_reviewers_see_the_actions_but_no_buttons(world, letter, sign_in):
    add(world.director, letter)
    page = sign_in(world.sibling_director).get(f"/letters/{letter.id}/actions").get_data(as_text=True)
    assert "Audit supervision records monthly" in page
    assert "Add an action" not in page
    action_page = sign_in(world.sibling_director).get(f"/actions/{actions_of(letter)[0].id}")
    assert "Update the action" not in action_page.get_data(as_text=True)


def test_before_release_there_are_no_actions(world):
    cycle = open_cycle(world)
    letter = letter_with_points(cycle, world.authority, world.lead, released=False)
    with pytest.raises(ServiceError, match="once the letter has been released"):
        add(world.director, letter)
    db.session.rollback()
    assert actions_of(letter) == []


def test_before_release_the_page_does_not_exist_for_the_authority(world, sign_in):
    letter = letter_with_points(open_cycle(world), world.authority, world.lead, released=False)
    assert sign_in(world.director).get(f"/letters/{letter.id}/actions").status_code == 404


def test_the_contributor_adds_an_action_answering_a_point_and_it_is_audited(world, letter, sign_in):
    point = point_of(letter, PointKind.CONSIDERATION)
    response = sign_in(world.contributor).post(
        f"/letters/{letter.id}/actions/new",
        data=form(point_id=str(point.id), owner="Head of Service, Children in Care"),
    )
    assert response.status_code == 302
    [action] = actions_of(letter)
    assert action.point_id == point.id
    assert action.owner == "Head of Service, Children in Care"
    assert action.status == ActionStatus.NOT_STARTED
    assert action.created_by_id == world.contributor.id
    assert [(change.before, change.after) for change in history(action)] == [(None, ActionStatus.NOT_STARTED)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "action_added"))
    assert event.authority_id == world.authority.id
    assert event.details["action_id"] == action.id
    page = sign_in(world.contributor).get(f"/letters/{letter.id}/actions").get_data(as_text=True)
    assert point.text in page


def test_status_changes_are_kept_with_who_and_when(world, letter, sign_in):
    action = add(world.contributor, letter)
    client = sign_in(world.director)
    assert (
        client.post(f"/actions/{action.id}", data=form(status="in_progress", base_version="1")).status_code
        == 302
    )
    assert client.post(f"/actions/{action.id}", data=form(status="done", base_version="2")).status_code == 302
    [action] = actions_of(letter)
    assert action.status == ActionStatus.DONE
    assert action.updated_by_id == world.director.id
    steps = [(change.before, change.after, change.by.id) for change in history(action)]
    assert steps == [
        (None, ActionStatus.NOT_STARTED, world.contributor.id),
        (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, world.director.id),
        (ActionStatus.IN_PROGRESS, ActionStatus.DONE, world.director.id),
    ]
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "In progress to Done" in page
    kinds = db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.kind.like("action_%"))).all()
    assert sorted(kinds) == ["action_added", "action_updated", "action_updated"]


def test_saving_unchanged_saves_nothing(world, letter, sign_in):
    action = add(world.contributor, letter)
    same = form(what=action.what, owner=action.owner, due_on=action.due_on, base_version="1")
    response = sign_in(world.director).post(f"/actions/{action.id}", data=same, follow_redirects=True)
    assert "Nothing had changed" in response.get_data(as_text=True)
    assert actions_of(letter)[0].version == 1


BAD_FORMS = [
    ({"status": "dropped", "dropped_reason": ""}, "Enter why the action was dropped"),
    ({"status": "dropped", "dropped_reason": "   "}, "Enter why the action was dropped"),
    ({"due_on": ["31", "2", "2027"]}, "must be a real date"),
    ({"due_on": ["x", "y", "z"]}, "must be a real date"),
    ({"due_on": ["", "", ""]}, "Enter the date the action is due"),
    ({"due_on": ["1", "1", "1999"]}, "between the years 2000 and 2100"),
    ({"what": "x" * 1001}, "What will be done must be 1,000 characters or fewer"),
    ({"what": "  "}, "Enter what will be done"),
    ({"owner": "o" * 151}, "The owner must be 150 characters or fewer"),
    ({"owner": ""}, "Enter who owns the action"),
    ({"status": "finished"}, "Choose the action&#39;s status"),
    ({"point_id": "banana"}, "Choose one of the letter&#39;s points, or none"),
    ({"point_id": "999999"}, "Choose one of the letter&#39;s points, or none"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_FORMS)
def test_bad_input_is_refused_plainly_and_nothing_is_saved(world, letter, sign_in, changes, message):
    response = sign_in(world.contributor).post(f"/letters/{letter.id}/actions/new", data=form(**changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert actions_of(letter) == []


def test_a_point_of_another_letter_is_refused(world, letter, sign_in):
    other = letter_with_points(letter.cycle, world.sibling, world.lead)
    foreign = point_of(other, PointKind.CONSIDERATION)
    response = sign_in(world.contributor).post(
        f"/letters/{letter.id}/actions/new", data=form(point_id=str(foreign.id))
    )
    assert response.status_code == 400
    assert "Choose one of the letter&#39;s points, or none" in response.get_data(as_text=True)
    assert actions_of(letter) == []


def test_a_dropped_action_keeps_its_reason(world, letter):
    action = add(world.director, letter, status="dropped", dropped_reason="The service was recommissioned")
    assert action.dropped_reason == "The service was recommissioned"
    kept = add(world.director, letter, status="done", dropped_reason="ignored unless dropped")
    assert kept.dropped_reason == ""


def test_two_tabs_the_second_save_is_refused_with_both_in_view(world, letter, sign_in):
    action = add(world.contributor, letter)
    first, second = sign_in(world.director), sign_in(world.contributor)
    assert (
        first.post(f"/actions/{action.id}", data=form(status="in_progress", base_version="1")).status_code
        == 302
    )
    stale = second.post(
        f"/actions/{action.id}", data=form(what="My own wording", status="done", base_version="1")
    )
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "changed by Dana Director" in page
    assert "My own wording" in page  # the typed text stays in the form
    assert 'name="base_version" type="hidden" value="2"' in page or 'value="2"' in page
    [action] = actions_of(letter)
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.what != "My own wording"


def test_actions_stay_editable_after_the_cycle_closes_until_next_years_self_assessments_are_due(
    world, letter
):
    close(letter.cycle, world.lead)
    add(world.director, letter)  # closed, and no next cycle: still editable
    following = open_cycle(world, due=uk_today() + timedelta(days=5), title="Next year", draft=True)
    following.opens_on = letter.cycle.opens_on + timedelta(days=1)
    db.session.commit()
    add(world.director, letter)  # the next cycle's self-assessments are not due yet
    following.submissions_due_on = uk_today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(ServiceError, match="read-only"):
        add(world.director, letter)
    db.session.rollback()
    assert len(actions_of(letter)) == 2


def test_read_only_actions_show_why_and_refuse_a_post(world, letter, sign_in):
    action = add(world.director, letter)
    following = open_cycle(world, due=uk_today() - timedelta(days=1), title="Next year", draft=True)
    following.opens_on = letter.cycle.opens_on + timedelta(days=1)
    db.session.commit()
    client = sign_in(world.director)
    page = client.get(f"/letters/{letter.id}/actions").get_data(as_text=True)
    assert "These actions are read-only" in page
    assert "Add an action" not in page
    response = client.post(f"/actions/{action.id}", data=form(status="done", base_version="1"))
    assert response.status_code == 400
    assert actions_of(letter)[0].status == ActionStatus.NOT_STARTED


def test_a_successor_reads_and_updates_its_predecessors_actions(world, letter, sign_in):
    action = add(world.director, letter)
    successor = region_services.merge_authorities(
        world.admin,
        [world.authority, world.sibling],
        uk_today() - timedelta(days=1),
        continuing=world.sibling,
    )
    db.session.commit()
    assert successor.id == world.sibling.id
    heir = factories.make_user((Role.CONTRIBUTOR, world.sibling), name="Hana Heir")
    client = sign_in(heir)
    assert client.get(f"/letters/{letter.id}/actions").status_code == 200
    assert (
        client.post(f"/actions/{action.id}", data=form(status="in_progress", base_version="1")).status_code
        == 302
    )
    assert actions_of(letter)[0].status == ActionStatus.IN_PROGRESS


def test_next_years_reviewers_read_last_years_actions(world, letter, sign_in):
    add(world.director, letter)
    close(letter.cycle, world.lead)
    reviewer = factories.make_authority(world.region, "Cedar")
    cedar_director = factories.make_user((Role.DIRECTOR, reviewer), name="Cy Cedar")
    client = sign_in(cedar_director)
    assert client.get(f"/letters/{letter.id}/actions").status_code == 404
    following = open_cycle(world, due=uk_today() + timedelta(days=30), title="Next year")
    following.opens_on = letter.cycle.opens_on + timedelta(days=1)
    publish_pair(following, reviewer, world.authority)
    assert client.get(f"/letters/{letter.id}/actions").status_code == 200


def test_the_stored_rule_refuses_a_dropped_action_without_a_reason(world, letter):
    action = add(world.director, letter)
    action.status = ActionStatus.DROPPED
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_history_starts_at_creation(world, letter):
    action = add(world.director, letter, status="in_progress")
    rows = db.session.scalars(sa.select(ActionStatusChange).where(ActionStatusChange.action_id == action.id))
    assert [row.status for row in rows] == [ActionStatus.IN_PROGRESS]


def test_the_letter_page_offers_to_turn_it_into_actions(world, letter, sign_in):
    page = sign_in(world.director).get(f"/letters/{letter.id}/read").get_data(as_text=True)
    assert "Turn this letter into actions" in page
    assert f"/letters/{letter.id}/actions" in page

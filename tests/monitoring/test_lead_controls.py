"""The lead's controls: their own tasks on the home page, the dashboard in the menu, reminders sent from it.

Region A of the world (Alpha: director Dana, contributor Cal; Beta: director Sid; lead Lee); region B has its
own lead and director.
"""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from peerchallenge.audit.models import AuditEvent
from peerchallenge.dates import uk_today
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.letters.models import LetterState
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.monitoring.lead_tasks import lead_tasks
from peerchallenge.monitoring.services import (
    plan_reminders,
    send_planned,
    send_reminders,
    send_reminders_for_cycle,
)
from peerchallenge.reviews.models import Review, ReviewState
from tests import factories
from tests.monitoring.builders import add_letter, at, counting_queries, every_state, upload
from tests.scenarios import open_cycle

DUE = date(2030, 3, 14)


def outbox() -> list[OutboxEmail]:
    return list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))


def other_region_cycle(world):
    return open_cycle(
        world, due=DUE, region=world.other_region, lead=world.other_lead, title="Region B's challenge"
    )


# The plan and the send: the preview shows exactly what is sent.


def test_the_plan_is_what_is_sent_then_nothing_is_due(world):
    cycle = open_cycle(world, due=DUE)
    upload(world.contributor, cycle, world.authority)
    today = DUE + timedelta(days=7)  # Alpha's sign-off and Beta's upload: a week overdue, so the lead is told

    plan = plan_reminders(today)

    planned = {(digest.user.id, digest.kind): digest.titles() for digest in plan.digests}
    assert planned == {
        (world.director.id, "reminder"): ["Sign off Alpha's self-assessment"],
        (world.sibling_director.id, "reminder"): ["Upload Beta's self-assessment"],
        (world.lead.id, "reminder_escalation"): [
            "Alpha has not signed off its self-assessment",
            "Beta has not uploaded its self-assessment",
        ],
    }
    run = send_planned(plan)
    db.session.commit()
    emails = outbox()
    assert run.emails == len(emails) == 3
    assert {email.to_user_id for email in emails} == plan.people
    for digest in plan.digests:
        body = next(email.body for email in emails if email.to_user_id == digest.user.id)
        assert all(title in body for title in digest.titles())
    again = plan_reminders(today)
    assert again.digests == [] and again.fingerprint != plan.fingerprint
    assert send_reminders(today).emails == 0


def test_the_plan_of_a_region_leaves_the_other_regions_out(world):
    cycle = open_cycle(world, due=DUE)
    other_region_cycle(world)
    today = DUE - timedelta(days=7)

    everyone = {digest.user.id for digest in plan_reminders(today).digests}
    region_a = {digest.user.id for digest in plan_reminders(today, [cycle.region_id]).digests}

    assert world.other_director.id in everyone
    assert region_a == everyone - {world.other_director.id}
    assert region_a == {world.director.id, world.contributor.id, world.sibling_director.id}


def test_sending_from_the_dashboard_sends_the_plan_previewed_once_and_audits_it(world):
    cycle = open_cycle(world, due=DUE)
    other_region_cycle(world)
    today = DUE - timedelta(days=7)
    previewed = plan_reminders(today, [cycle.region_id]).fingerprint

    run = send_reminders_for_cycle(world.lead, cycle, today, previewed)
    db.session.commit()

    assert run.emails == 3 and run.people == {
        world.director.id,
        world.contributor.id,
        world.sibling_director.id,
    }
    assert world.other_director.id not in {email.to_user_id for email in outbox()}
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "reminders_sent")).one()
    assert event.actor_id == world.lead.id and event.region_id == world.region.id
    assert (
        event.summary == "Sent reminders from the dashboard of Peer challenge: 3 reminder emails to 3 people"
    )
    assert (event.details["emails"], event.details["people"]) == (3, 3)
    # The same day again: nobody is due one, from the page or the command; region B's are still due.
    assert plan_reminders(today, [cycle.region_id]).digests == []
    with pytest.raises(ServiceError, match="Nobody is due a reminder today"):
        send_reminders_for_cycle(
            world.lead, cycle, today, plan_reminders(today, [cycle.region_id]).fingerprint
        )
    assert {email.to_user_id for email in outbox()[3:]} == set()
    assert send_reminders(today).people == {world.other_director.id}


def test_a_plan_changed_since_the_preview_is_not_sent(world):
    cycle = open_cycle(world, due=DUE)
    today = DUE - timedelta(days=7)
    previewed = plan_reminders(today, [cycle.region_id]).fingerprint
    send_reminders(today)  # the daily job got there first
    db.session.commit()
    sent = len(outbox())

    with pytest.raises(ServiceError, match="changed since you opened this page"):
        send_reminders_for_cycle(world.lead, cycle, today, previewed)

    assert len(outbox()) == sent
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.kind == "reminders_sent")) == 0


# The lead's own tasks.


def titles(user) -> list[str]:
    return [task.title for task in lead_tasks(user, uk_today())]


def test_the_leads_tasks_are_letters_to_approve_and_release_and_what_is_overdue(world):
    scenario = every_state(world)
    # Beta's letter is approved (its own reviews are beside the point once approved).
    add_letter(
        scenario.cycle, world.sibling, world.lead, composed=at(uk_today(), 8), approved=at(uk_today(), 9)
    )
    db.session.commit()

    tasks = {task.title: task for task in lead_tasks(world.lead, uk_today())}

    assert set(tasks) == {
        "Delta has not uploaded its self-assessment",
        "Cedar has not signed off its self-assessment",
        "Delta has not submitted its review of Beta's self-assessment",
        "Approve Cedar's challenge letter",
        "Release Beta's challenge letter",
    }
    cycle = scenario.cycle
    assert tasks["Approve Cedar's challenge letter"].url == f"/letters/{scenario.letters['Cedar'].id}"
    assert tasks["Release Beta's challenge letter"].url.endswith("/release")
    delta = scenario.authorities["Delta"]
    assert tasks["Delta has not uploaded its self-assessment"].url == (
        f"/cycles/{cycle.id}/authorities/{delta.id}/self-assessment"
    )
    review = scenario.assignments["Delta", "Beta"]
    assert (
        tasks["Delta has not submitted its review of Beta's self-assessment"].url == f"/reviews/{review.id}"
    )
    # Most urgent first: the self-assessments (20 days overdue), the review (2), the letters (due today).
    assert [task.due_on for task in tasks.values()] == sorted(task.due_on for task in tasks.values())
    assert titles(world.other_lead) == [] and titles(world.director) == []


def test_a_composed_letter_waits_for_a_reopened_review(world):
    scenario = every_state(world)
    assert "Approve Cedar's challenge letter" in titles(world.lead)

    assignment = scenario.assignments["Alpha", "Cedar"]
    review = db.session.scalars(sa.select(Review).where(Review.assignment_id == assignment.id)).one()
    review.state = ReviewState.DRAFT
    db.session.commit()

    assert "Approve Cedar's challenge letter" not in titles(world.lead)
    scenario.letters["Cedar"].state = LetterState.APPROVED
    db.session.commit()
    assert "Release Cedar's challenge letter" in titles(world.lead)


def test_the_leads_home_takes_the_same_queries_however_many_tasks(world, sign_in):
    scenario = every_state(world)
    client = sign_in(world.lead)
    with counting_queries() as few:
        assert client.get("/").get_data(as_text=True).count('data-task="') == 4
    for name in ("Foxtrot", "Golf", "Hotel"):
        authority = factories.make_authority(world.region, name)
        add_letter(scenario.cycle, authority, world.lead, composed=at(uk_today(), 9))
    db.session.commit()
    with counting_queries() as many:
        assert client.get("/").get_data(as_text=True).count('data-task="') == 10  # 3 letters, 3 uploads more
    assert len(many) == len(few)


def test_nothing_is_overdue_before_its_date(world):
    open_cycle(world, due=uk_today() + timedelta(days=3))
    assert titles(world.lead) == []


# Pages.

PAGE_ACCESS = [
    ("lead", 200),
    ("admin", 200),
    ("director", 403),
    ("contributor", 403),
    ("sibling_director", 403),
    ("other_lead", 403),
    ("other_director", 403),
    ("no_role", 403),
    ("anonymous", 302),
]


@pytest.mark.parametrize(("person", "status"), PAGE_ACCESS)
def test_who_may_open_and_send_reminders(world, client_for, person, status):
    cycle = every_state(world).cycle
    client = client_for(person)

    page = client.get(f"/cycles/{cycle.id}/reminders")
    sent = client.post(f"/cycles/{cycle.id}/reminders", data={"previewed": "x"})

    assert page.status_code == status
    assert sent.status_code == (400 if status == 200 else status)  # a stale plan is refused, not sent
    if status == 302:
        assert page.headers["Location"].startswith("/sign-in")
    assert outbox() == []


def test_a_missing_cycle_is_a_404(world, client_for):
    assert client_for("lead").get("/cycles/999999/reminders").status_code == 404


def test_the_lead_previews_then_sends_and_the_preview_then_says_nobody_is_due(world, client_for):
    cycle = every_state(world).cycle
    client = client_for("lead")

    page = client.get(f"/cycles/{cycle.id}/reminders").get_data(as_text=True)
    assert "Lee Lead" in page and world.lead.email in page
    assert "Cedar has not signed off its self-assessment: overdue by 20 days" in page
    plan = plan_reminders(uk_today(), [cycle.region_id])
    assert f'value="{plan.fingerprint}"' in page

    response = client.post(f"/cycles/{cycle.id}/reminders", data={"previewed": plan.fingerprint})

    assert response.status_code == 302 and response.headers["Location"] == f"/cycles/{cycle.id}/reminders"
    assert [email.to_user_id for email in outbox()] == [digest.user.id for digest in plan.digests]
    after = client.get(f"/cycles/{cycle.id}/reminders").get_data(as_text=True)
    assert "Queued 1 reminder email to 1 person" in after
    assert "Nobody is due a reminder today." in after and "Send reminders</button>" not in after
    again = client.post(f"/cycles/{cycle.id}/reminders", data={"previewed": plan.fingerprint})
    assert again.status_code == 400 and len(outbox()) == 1


def test_the_dashboard_links_to_the_reminders_and_the_menu_to_the_dashboard(world, client_for):
    cycle = every_state(world).cycle
    lead = client_for("lead")

    board = lead.get(f"/cycles/{cycle.id}/dashboard").get_data(as_text=True)
    menu = lead.get("/").get_data(as_text=True).split("</header>")[0]
    followed = lead.get("/dashboard")

    assert f'href="/cycles/{cycle.id}/reminders"' in board
    assert 'href="/dashboard"' in menu
    assert followed.status_code == 302 and followed.headers["Location"] == f"/cycles/{cycle.id}/dashboard"
    for person in ("director", "other_director", "admin"):
        client = client_for(person)
        assert 'href="/dashboard"' not in client.get("/").get_data(as_text=True).split("</header>")[0]
        assert client.get("/dashboard").status_code == 403


def test_the_menus_dashboard_without_a_cycle_under_way_says_so(world, client_for):
    open_cycle(world, draft=True)
    client = client_for("lead")

    response = client.get("/dashboard")

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "No cycle is under way in your region" in client.get("/").get_data(as_text=True)


def test_the_leads_home_lists_their_tasks_with_links(world, client_for):
    scenario = every_state(world)

    home = client_for("lead").get("/").get_data(as_text=True)

    assert "To do as regional lead" in home
    letter = scenario.letters["Cedar"]
    assert (
        f'<a class="govuk-link" href="/letters/{letter.id}">Approve Cedar&#39;s challenge letter</a>' in home
    )
    assert "Cedar has not signed off its self-assessment" in home and "Overdue by 20 days" in home

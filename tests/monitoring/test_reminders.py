"""Reminders with a controlled clock: each run is given its day, and the cycle's dates are fixed around it.

Region A of the world: Alpha (director Dana, contributor Cal) and Beta (director Sid), lead Lee; region B has
its own lead. Self-assessments are due on DUE, reviews 20 days later.
"""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.extensions import db
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.monitoring import reminders
from peerchallenge.monitoring.models import ReminderSent
from peerchallenge.monitoring.services import send_reminders
from peerchallenge.status import Tag
from tests import factories
from tests.monitoring.builders import delegate, publish_pair, release_letter, sign_off, submit_review, upload
from tests.scenarios import open_cycle

DUE = date(2030, 3, 14)


def day(offset: int) -> date:
    return DUE + timedelta(days=offset)


@pytest.fixture
def cycle(world):
    return open_cycle(world, due=DUE)


def run(today: date):
    result = send_reminders(today)
    db.session.commit()
    return result


def outbox() -> list[OutboxEmail]:
    return list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))


def recipients(emails) -> set[int]:
    return {email.to_user_id for email in emails}


# The schedule, as plain dates.

PEOPLE = {
    **dict.fromkeys(range(-10, -7), None),
    **dict.fromkeys(range(-7, -1), "before-7d"),
    **dict.fromkeys(range(-1, 1), "before-1d"),
    **dict.fromkeys(range(1, 8), "overdue-w1"),
    **dict.fromkeys(range(8, 15), "overdue-w2"),
    **dict.fromkeys(range(15, 22), "overdue-w3"),
    **dict.fromkeys(range(22, 29), "overdue-w4"),
    **dict.fromkeys(range(29, 31), "overdue-w5"),
}
LEADS = {
    **dict.fromkeys(range(-10, 7), None),
    **dict.fromkeys(range(7, 14), "escalated-w1"),
    **dict.fromkeys(range(14, 21), "escalated-w2"),
    **dict.fromkeys(range(21, 28), "escalated-w3"),
    **dict.fromkeys(range(28, 31), "escalated-w4"),
}


@pytest.mark.parametrize("offset", range(-10, 31))
def test_the_occasion_due_on_each_day_from_10_days_before_to_30_after(offset):
    assert reminders.reminder_occasion(DUE, day(offset)) == PEOPLE[offset]
    assert reminders.escalation_occasion(DUE, day(offset)) == LEADS[offset]


def test_each_occasion_starts_7_days_before_the_day_before_then_weekly():
    starts = [
        offset for offset in range(-10, 31) if PEOPLE[offset] and PEOPLE[offset] != PEOPLE.get(offset - 1)
    ]
    assert starts == [-7, -1, 1, 8, 15, 22, 29]
    lead_starts = [
        offset for offset in range(-10, 31) if LEADS[offset] and LEADS[offset] != LEADS[offset - 1]
    ]
    assert lead_starts == [7, 14, 21, 28]


def test_due_dates_in_words():
    due = date(2026, 12, 3)
    assert reminders.due_in_words(due, date(2026, 11, 26)) == "due 3 December 2026 (in 7 days)"
    assert reminders.due_in_words(due, date(2026, 12, 2)) == "due 3 December 2026 (tomorrow)"
    assert reminders.due_in_words(due, due) == "due today (3 December 2026)"
    assert reminders.due_in_words(due, date(2026, 12, 4)) == "overdue by 1 day (it was due 3 December 2026)"
    assert reminders.due_in_words(due, date(2026, 12, 11)).startswith("overdue by 8 days")
    assert [reminders.urgency(due, date(2026, 12, n)) for n in (6, 4, 3, 2, 1)] == [
        Tag("Overdue by 3 days", "red"),
        Tag("Overdue by 1 day", "red"),
        Tag("Due today", "orange"),
        Tag("Due tomorrow", "orange"),
        Tag("Due in 2 days", "orange"),
    ]
    assert reminders.urgency(due, date(2026, 11, 26)) == Tag("Due in 7 days", "orange")
    assert reminders.urgency(due, date(2026, 11, 25)) == Tag("Due in 8 days", "grey")
    assert reminders.urgency(None, due) == Tag("No deadline", "grey")


# Who is reminded, of what.


def test_upload_is_reminded_to_the_director_and_contributors_7_days_before(world, cycle):
    assert run(day(-8)).emails == 0

    result = run(day(-7))

    emails = outbox()
    assert (result.emails, len(result.people), result.escalations) == (3, 3, 0)
    assert recipients(emails) == {world.director.id, world.contributor.id, world.sibling_director.id}
    dana = next(email for email in emails if email.to_user_id == world.director.id)
    assert (dana.kind, dana.region_id, dana.to_address) == ("reminder", world.region.id, world.director.email)
    assert dana.subject == "Peer challenge: 1 task due"
    assert "Upload Alpha's self-assessment: due 14 March 2030 (in 7 days)" in dana.body
    assert f"/cycles/{cycle.id}/authorities/{world.authority.id}/self-assessment" in dana.body
    assert "Beta" not in dana.body
    assert {(row.user_id, row.occasion) for row in db.session.scalars(sa.select(ReminderSent))} == {
        (world.director.id, "before-7d"),
        (world.contributor.id, "before-7d"),
        (world.sibling_director.id, "before-7d"),
    }


def test_sign_off_is_reminded_to_the_director_only(world, cycle):
    upload(world.contributor, cycle, world.authority)

    run(day(-7))

    emails = outbox()
    assert recipients(emails) == {world.director.id, world.sibling_director.id}  # not Cal
    dana = next(email for email in emails if email.to_user_id == world.director.id)
    assert "Sign off Alpha's self-assessment: due 14 March 2030 (in 7 days)" in dana.body


def test_a_review_is_reminded_to_the_director_and_delegates(world, cycle):
    sign_off(world.director, world.contributor, cycle, world.authority)
    sign_off(world.sibling_director, world.contributor, cycle, world.sibling)
    review = publish_pair(cycle, world.authority, world.sibling)
    delegate(world, world.contributor)
    cora = factories.make_user((Role.CONTRIBUTOR, world.authority), name="Cora Contributor")

    run(cycle.reviews_due_on - timedelta(days=7))

    emails = outbox()
    assert recipients(emails) == {world.director.id, world.contributor.id}  # not Cora, not Sid
    assert cora.id not in recipients(emails)
    for email in emails:
        assert "Write your review of Beta's self-assessment: due 3 April 2030 (in 7 days)" in email.body
        assert f"/reviews/{review.id}" in email.body


def test_a_review_waiting_for_sign_off_is_reminded_with_why(world, cycle):
    sign_off(world.director, world.contributor, cycle, world.authority)
    publish_pair(cycle, world.authority, world.sibling)  # Beta has not signed off

    run(cycle.reviews_due_on - timedelta(days=1))

    dana = next(email for email in outbox() if email.to_user_id == world.director.id)
    assert "Write your review of Beta's self-assessment: due 3 April 2030 (tomorrow)" in dana.body
    assert "Waiting for Beta's sign-off." in dana.body


def test_two_tasks_due_the_same_day_come_in_one_digest(world, cycle):
    upload(world.contributor, cycle, world.authority)
    publish_pair(cycle, world.authority, world.sibling)
    today = cycle.reviews_due_on - timedelta(days=7)  # the sign-off is 13 days overdue

    result = run(today)

    dana = [email for email in outbox() if email.to_user_id == world.director.id]
    assert len(dana) == 1 and result.emails == len(outbox())
    body = dana[0].body
    assert dana[0].subject == "Peer challenge: 2 tasks due"
    assert body.index("Sign off Alpha's self-assessment: overdue by 13 days") < body.index(
        "Write your review of Beta's self-assessment: due 3 April 2030 (in 7 days)"
    )
    sent = db.session.scalars(sa.select(ReminderSent).where(ReminderSent.user_id == world.director.id)).all()
    assert {(row.task_key.split(":")[1], row.occasion) for row in sent} == {
        ("signoff", "overdue-w2"),
        ("review", "before-7d"),
    }
    assert {row.email_id for row in sent} == {dana[0].id}


# When, run every day as cron would.


def test_daily_runs_remind_on_schedule_and_tell_the_lead_from_7_days_overdue(world, cycle):
    sign_off(world.sibling_director, world.contributor, cycle, world.sibling)  # only Alpha is late
    days_for: dict[int, list[int]] = {}
    for offset in range(-10, 31):
        before = len(outbox())
        run(day(offset))
        for email in outbox()[before:]:
            days_for.setdefault(email.to_user_id, []).append(offset)

    assert days_for[world.director.id] == [-7, -1, 1, 8, 15, 22, 29]
    assert days_for[world.contributor.id] == [-7, -1, 1, 8, 15, 22, 29]
    assert days_for[world.lead.id] == [7, 14, 21, 28]
    assert set(days_for) == {world.director.id, world.contributor.id, world.lead.id}  # not region B's lead
    escalations = [email for email in outbox() if email.kind == "reminder_escalation"]
    assert {email.to_user_id for email in escalations} == {world.lead.id}
    first = escalations[0]
    assert first.region_id == world.region.id
    assert first.subject == "Peer challenge: 1 task is a week or more overdue"
    assert "Alpha has not uploaded its self-assessment: overdue by 7 days" in first.body


def test_rerunning_sends_nothing_new_until_the_next_occasion(world, cycle):
    assert run(day(1)).emails == 3
    assert run(day(1)).emails == 0  # the same day
    assert run(day(2)).emails == 0  # the next day: no new occasion
    assert len(outbox()) == 3

    result = run(day(8))  # a week later, still overdue
    assert (result.emails, len(result.people), result.escalations) == (4, 4, 1)
    assert recipients(outbox()[3:]) == {
        world.director.id,
        world.contributor.id,
        world.sibling_director.id,
        world.lead.id,
    }
    assert run(day(8)).emails == 0


def test_missed_days_are_caught_up_with_the_latest_occasion_only(world, cycle):
    sign_off(world.sibling_director, world.contributor, cycle, world.sibling)

    run(day(-1))  # the first run: "due in 7 days" has passed, so only "due tomorrow"
    assert [email.body.count("(tomorrow)") for email in outbox()] == [1, 1]
    assert set(db.session.scalars(sa.select(ReminderSent.occasion))) == {"before-1d"}

    assert run(day(10)).emails == 3  # days 1 and 7 were missed: week 2, and the lead's first
    assert set(db.session.scalars(sa.select(ReminderSent.occasion))) == {
        "before-1d",
        "overdue-w2",
        "escalated-w1",
    }
    assert run(day(13)).emails == 0


# Who is left out.


def test_done_tasks_are_not_reminded(world, cycle):
    sign_off(world.director, world.contributor, cycle, world.authority)
    sign_off(world.sibling_director, world.contributor, cycle, world.sibling)
    review = publish_pair(cycle, world.authority, world.sibling)
    submit_review(review, world.director)

    for offset in (-7, -1, 1, 7, 8, 20, 27, 28):
        assert run(day(offset)).emails == 0
    assert outbox() == []


def test_letters_are_shown_but_never_reminded(world, cycle):
    sign_off(world.director, world.contributor, cycle, world.authority)
    sign_off(world.sibling_director, world.contributor, cycle, world.sibling)
    release_letter(cycle, world.authority)

    for offset in (-7, 1, 30, 60):
        assert run(day(offset)).emails == 0


def test_deactivated_people_get_nothing(world, cycle):
    world.contributor.active = False
    world.lead.active = False
    db.session.commit()

    run(day(7))

    assert recipients(outbox()) == {world.director.id, world.sibling_director.id}


def test_the_lead_is_not_told_of_a_review_waiting_for_sign_off(world, cycle):
    sign_off(world.director, world.contributor, cycle, world.authority)
    sign_off(world.sibling_director, world.contributor, cycle, world.sibling)
    waiting = factories.make_authority(world.region, "Cityton")
    publish_pair(cycle, world.authority, waiting)  # Cityton never uploads
    ready = publish_pair(cycle, world.sibling, world.authority)

    run(cycle.reviews_due_on + timedelta(days=7))

    (escalation,) = [email for email in outbox() if email.kind == "reminder_escalation"]
    assert (
        "Beta has not submitted its review of Alpha's self-assessment: overdue by 7 days" in escalation.body
    )
    assert f"/reviews/{ready.id}" in escalation.body
    assert "Cityton's self-assessment" not in escalation.body
    assert "Cityton has not uploaded its self-assessment" in escalation.body
    assert "Nobody at the authority can do this" in escalation.body  # Cityton has no director


def test_a_lead_who_must_do_the_task_is_reminded_not_escalated(world, cycle):
    lead_director = factories.make_user((Role.LEAD, world.region), (Role.DIRECTOR, world.sibling))
    run(day(1))

    run(day(7))

    to_lead_director = [email for email in outbox() if email.to_user_id == lead_director.id]
    assert [email.kind for email in to_lead_director] == ["reminder", "reminder_escalation"]
    assert "Upload Beta's self-assessment: overdue by 1 day" in to_lead_director[0].body
    escalation = to_lead_director[1].body
    assert "Alpha has not uploaded" in escalation and "Beta" not in escalation
    (to_lead,) = [email for email in outbox() if email.to_user_id == world.lead.id]
    assert to_lead.subject == "Peer challenge: 2 tasks are a week or more overdue"
    assert "Alpha has not uploaded" in to_lead.body and "Beta has not uploaded" in to_lead.body


def test_a_run_that_loses_the_race_drops_that_digest_and_keeps_the_others(world, cycle, app):
    """Another run records Dana's reminder between this run's check and its insert: the constraint wins."""
    from peerchallenge.monitoring.tasks import cycle_tasks

    key = next(task.key for task in cycle_tasks([cycle]) if task.authority_id == world.authority.id)
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    fired = []

    def other_run_first(conn, cursor, statement, *args):
        if statement.startswith("SAVEPOINT") and not fired:
            fired.append(True)
            with other.begin() as connection:
                connection.execute(
                    sa.insert(ReminderSent).values(
                        user_id=world.director.id, task_key=key, occasion="before-7d"
                    )
                )

    sa.event.listen(db.engine, "before_cursor_execute", other_run_first)
    try:
        result = send_reminders(day(-7))
        db.session.commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", other_run_first)
        other.dispose()

    assert fired
    assert (result.emails, result.skipped) == (2, 1)
    assert recipients(outbox()) == {world.contributor.id, world.sibling_director.id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 3


# The command.


def test_the_command_queues_the_days_reminders_and_says_so(app, world, cycle):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["send-reminders", "--today", day(-8).isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output == "No reminders are due today\n"

    result = runner.invoke(args=["send-reminders", "--today", day(7).isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output == "Queued 4 reminder emails to 4 people (1 escalation to a lead)\n"
    db.session.rollback()
    assert len(outbox()) == 4  # committed by the command

    result = runner.invoke(args=["send-reminders", "--today", day(7).isoformat()])
    assert result.output == "No reminders are due today\n"

    result = runner.invoke(args=["send-reminders", "--today", "14/03/2030"])
    assert result.exit_code == 2 and "Invalid value for '--today'" in result.output

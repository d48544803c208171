"""The cycle's life: each move, what holds it, what each state forbids, closing and read-only, one active
cycle per region, and titles unique within a region."""

import pytest
import sqlalchemy as sa
from alembic import command

from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles import lifecycle
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.letters import services as letter_services
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.reviews import services as review_services
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.queries import find_submission
from tests import factories
from tests.conftest import empty_tables
from tests.migrating import alembic_config
from tests.scenarios import (
    cycle_form,
    details,
    move_to,
    open_cycle,
    page_url,
    review_content,
    self_assessment_md,
    sign_off,
    stored_review,
    submit,
    submit_both,
)


def moves(cycle) -> list[tuple[str, str]]:
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.kind.in_(["cycle_moved", "cycle_moved_back"]))
        .order_by(AuditEvent.id)
    )
    return [
        (event.details["before"], event.details["after"])
        for event in events
        if event.details["cycle_id"] == cycle.id
    ]


def test_every_move_on_and_back_is_audited_with_what_held_it(reviewing):
    cycle, lead = reviewing.cycle, reviewing.lead
    assert lifecycle.holding(cycle) == ["12 reviews not submitted"]
    for expected in (CycleState.REVIEWING, CycleState.CONSOLIDATING, CycleState.RELEASED):
        lifecycle.move_on(lead, cycle, expected)
    assert lifecycle.move_back(lead, cycle, CycleState.CLOSED) == CycleState.RELEASED
    for expected in (CycleState.RELEASED, CycleState.CONSOLIDATING, CycleState.REVIEWING):
        lifecycle.move_back(lead, cycle, expected)
    db.session.commit()
    assert cycle.state == CycleState.OPEN
    assert moves(cycle) == [
        ("open", "reviewing"),
        ("reviewing", "consolidating"),
        ("consolidating", "released"),
        ("released", "closed"),
        ("closed", "released"),
        ("released", "consolidating"),
        ("consolidating", "reviewing"),
        ("reviewing", "open"),
    ]
    held = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "cycle_moved")).all()
    assert held[1].details["holding"] == ["12 reviews not submitted"]


def test_a_move_from_a_state_the_cycle_has_left_is_refused(reviewing):
    with pytest.raises(ServiceError, match="now reviewing"):
        lifecycle.move_on(reviewing.lead, reviewing.cycle, CycleState.OPEN)  # someone else moved it first
    with pytest.raises(ServiceError, match="cannot move back"):
        lifecycle.move_back(reviewing.lead, draft_cycle(reviewing), CycleState.DRAFT)


def draft_cycle(reviewing) -> Cycle:
    return cycle_services.create_cycle(reviewing.lead, reviewing.six.region, **details(title="Next year"))


def test_starting_reviews_warns_of_late_self_assessments_and_emails_the_reviewing_directors(published):
    cycle = published.cycle
    sign_off(published.six, published.six.authorities[:2])
    assert lifecycle.holding(cycle) == ["4 self-assessments not signed off"]
    lifecycle.move_on(published.lead, cycle, CycleState.OPEN)
    db.session.commit()
    emails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.kind == "reviews_open")).all()
    assert sorted(email.to_address for email in emails) == sorted(d.email for d in published.six.directors)
    assert "your peer reviews are open" in emails[0].subject


def test_reviews_cannot_start_before_the_reviewers_are_published(six):
    assert lifecycle.blocking(six.cycle) == [
        "The reviewers are not published: publish who reviews whom before reviews start"
    ]
    with pytest.raises(ServiceError, match="reviewers are not published"):
        lifecycle.move_on(six.lead, six.cycle, CycleState.OPEN)


def test_holds_count_reviews_letters_not_approved_and_letters_not_released(reviewing, sign_in):
    cycle, lead = reviewing.cycle, reviewing.lead
    letter = submit_both(reviewing)  # and on to consolidating
    assert lifecycle.holding(cycle) == ["10 reviews not submitted", "6 letters not approved"]
    letter_services.approve(lead, letter)
    letter_services.release(lead, letter)
    lifecycle.move_on(lead, cycle, CycleState.CONSOLIDATING)
    assert lifecycle.holding(cycle) == ["5 letters not released"]


def test_open_allows_no_reviews_and_reviewing_no_new_self_assessments_or_letter_approval(published):
    cycle, lead = published.cycle, published.lead
    anyshire, borough = published.six.authorities[:2]
    sign_off(published.six, [anyshire])
    with pytest.raises(ServiceError, match="Reviews have not started yet"):
        submit(published.assignment, published.reviewer_director, review_content(cycle))
    db.session.rollback()

    move_to(cycle, lead, CycleState.REVIEWING)
    index = published.six.authorities.index(borough)
    with pytest.raises(ServiceError, match="Reviews have started. Ask your regional lead to reopen"):
        submission_services.upload_version(
            published.six.contributors[index], cycle, borough, "sa.md", self_assessment_md()
        )
    db.session.rollback()
    letter = submit_both(published)  # moves on to consolidating, where the letter can be approved
    assert letter is not None and cycle.state == CycleState.CONSOLIDATING
    lifecycle.move_back(lead, cycle, CycleState.CONSOLIDATING)
    with pytest.raises(ServiceError, match="once the cycle is consolidating"):
        letter_services.approve(lead, letter)


def test_the_lead_reopens_a_late_authority_alone_while_reviewing(published):
    cycle, lead, six = published.cycle, published.lead, published.six
    borough, cityton = six.authorities[1], six.authorities[2]
    move_to(cycle, lead, CycleState.REVIEWING)
    submission = submission_services.reopen_for(lead, cycle, borough)
    assert submission.reopened_late and submission_services.reopenable(cycle, submission) is False
    assert lifecycle.holding(cycle) == [
        "12 reviews not submitted",
        "1 reopened self-assessment not signed off",
    ]
    sign_off(six, [borough])
    assert find_submission(cycle, borough).is_signed_off
    with pytest.raises(ServiceError, match="Ask your regional lead to reopen"):
        sign_off(six, [cityton])
    db.session.rollback()
    lifecycle.move_on(lead, cycle, CycleState.REVIEWING)
    with pytest.raises(ServiceError, match="no longer open"):
        submission_services.reopen_for(lead, cycle, cityton)


def test_released_allows_no_review_changes(reviewing):
    submit_both(reviewing)
    move_to(reviewing.cycle, reviewing.lead, CycleState.RELEASED)
    with pytest.raises(ServiceError, match="Letters have been released"):
        review_services.reopen(reviewing.lead, stored_review(reviewing.assignment))
    with pytest.raises(ServiceError, match="Letters have been released"):
        review_services.save_draft(reviewing.co_director, reviewing.co_assignment, {}, 1)


def closed_with_a_letter(reviewing):
    letter = submit_both(reviewing)
    letter_services.approve(reviewing.lead, letter)
    db.session.commit()
    move_to(reviewing.cycle, reviewing.lead, CycleState.CLOSED)
    return letter


def test_closing_makes_self_assessments_reviews_and_letters_read_only_in_the_services(reviewing):
    letter = closed_with_a_letter(reviewing)
    cycle, lead, six = reviewing.cycle, reviewing.lead, reviewing.six
    refusals = [
        lambda: submission_services.upload_version(
            six.contributors[0], cycle, six.authorities[0], "sa.md", self_assessment_md()
        ),
        lambda: submission_services.reopen(lead, find_submission(cycle, six.authorities[0])),
        lambda: review_services.reopen(lead, stored_review(reviewing.assignment)),
        lambda: letter_services.release(lead, letter),
        lambda: letter_services.unapprove(lead, letter),
        lambda: letter_services.save_text(lead, letter, "New words", letter.current_version.number),
    ]
    for refuse in refusals:
        with pytest.raises(ServiceError, match="This cycle is closed"):
            refuse()
        db.session.rollback()


def test_a_closed_cycle_is_read_by_the_same_people_with_no_edit_controls(reviewing, sign_in):
    letter = closed_with_a_letter(reviewing)
    cycle, six = reviewing.cycle, reviewing.six
    closed = "This cycle is closed: its self-assessments, reviews and letters are read-only."

    own = sign_in(six.directors[0]).get(page_url(cycle, six.authorities[0])).get_data(as_text=True)
    assert closed in own and "Upload a new version" not in own and "Reopen for changes" not in own

    review = sign_in(reviewing.reviewer_director).get(reviewing.url)
    page = review.get_data(as_text=True)
    assert review.status_code == 200 and closed in page
    assert "A candid and well evidenced self-assessment." in page and "Save draft" not in page
    assert sign_in(reviewing.reviewer_director).post(reviewing.url, data={}).status_code == 409

    lead = sign_in(reviewing.lead)
    for url in (
        f"/letters/{letter.id}",
        f"/cycles/{cycle.id}/letters",
        f"/reviews/{reviewing.assignment.id}",
    ):
        page = lead.get(url).get_data(as_text=True)
        assert closed in page, url
        assert "Approve letter" not in page and "Release to" not in page and "Reopen for changes" not in page
    detail = lead.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert "Reopen the cycle" in detail and "Change the details and dates" not in detail


@pytest.mark.parametrize(
    ("person", "status"), [("lead", 200), ("other_lead", 403), ("director", 403), ("anonymous", 302)]
)
def test_only_the_regions_lead_moves_the_cycle(reviewing, client_for, person, status):
    client = client_for(person)
    url = f"/cycles/{reviewing.cycle.id}/move-on/reviewing"
    assert client.get(url).status_code == status
    assert client.post(url).status_code == (302 if status == 200 else status)
    db.session.expire_all()
    expected = CycleState.CONSOLIDATING if person == "lead" else CycleState.REVIEWING
    assert reviewing.cycle.state == expected


def test_the_confirmation_says_what_changes_who_is_emailed_and_what_holds_the_move(published, sign_in):
    client = sign_in(published.lead)
    cycle_id = published.cycle.id
    detail = client.get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert "6 self-assessments not signed off" in detail and "Start reviews" in detail
    page = client.get(f"/cycles/{cycle_id}/move-on/open").get_data(as_text=True)
    assert "Authorities can no longer upload or sign off their self-assessments" in page
    assert "directors of every reviewing authority are emailed" in page
    assert "6 self-assessments not signed off" in page and "Start reviews anyway" in page
    done = client.post(f"/cycles/{cycle_id}/move-on/open", follow_redirects=True).get_data(as_text=True)
    assert "The cycle is now reviewing." in done and 'id="cycle-state"' in done
    # The page of a state already left goes back to the cycle; an unknown state is not found.
    assert client.get(f"/cycles/{cycle_id}/move-on/open").status_code == 302
    assert client.get(f"/cycles/{cycle_id}/move-on/nowhere").status_code == 404


def test_a_region_runs_one_cycle_at_a_time(world):
    first = open_cycle(world)
    second = cycle_services.create_cycle(world.lead, world.region, **details(title="Second"))
    db.session.commit()
    with pytest.raises(ServiceError, match="'Peer challenge' is under way in this region"):
        cycle_services.open_cycle(world.lead, second)
    db.session.rollback()
    other_region = cycle_services.create_cycle(world.other_lead, world.other_region, **details(title="B"))
    cycle_services.open_cycle(world.other_lead, other_region)  # another region's is no obstacle
    first.state = CycleState.CLOSED
    cycle_services.open_cycle(world.lead, second)
    db.session.commit()
    with pytest.raises(ServiceError, match="'Second' is under way in this region"):
        lifecycle.move_back(world.lead, first, CycleState.CLOSED)


def test_titles_are_unique_within_a_region_with_a_clear_form_error(world, sign_in):
    cycle_services.create_cycle(world.lead, world.region, **details())
    db.session.commit()
    with pytest.raises(ServiceError, match="already has a cycle with this title") as refused:
        cycle_services.create_cycle(world.lead, world.region, **details())
    assert refused.value.field == "title"
    db.session.rollback()
    cycle_services.create_cycle(world.other_lead, world.other_region, **details())  # another region may
    db.session.commit()
    response = sign_in(world.lead).post(f"/regions/{world.region.id}/cycles/new", data=cycle_form())
    assert "This region already has a cycle with this title" in response.get_data(as_text=True)
    with pytest.raises(sa.exc.IntegrityError):  # and the database holds the rule too
        db.session.add(Cycle(region=world.region, title="Peer challenge 2026", **_dates()))
        db.session.flush()
    db.session.rollback()


def _dates() -> dict:
    values = details()
    return {
        key: values[key]
        for key in ("year", "opens_on", "submissions_due_on", "reviews_due_on", "letters_due_on")
    }


def test_the_migration_renames_titles_already_stored_twice(migrations_app):
    # The world is made at head, through the models, and its ids kept: the models write every column they
    # have, so they cannot write to an older schema once a later migration adds a column to their tables.
    world = factories.make_world()
    region, other_region = world.region.id, world.other_region.id
    db.session.remove()
    command.downgrade(alembic_config(), "0012_letter_upload")
    try:
        with db.engine.begin() as connection:
            for region_id, title in [
                (region, "Peer challenge"),
                (region, "Peer challenge"),
                (region, "Peer challenge (2)"),
                (region, "Peer challenge"),
                (other_region, "Peer challenge"),
            ]:
                connection.execute(
                    sa.text(
                        "INSERT INTO cycles (region_id, title, year, peers_per_authority, opens_on, "
                        "submissions_due_on, reviews_due_on, letters_due_on, anonymous, state, created_at) "
                        "VALUES (:region, :title, 2026, 2, '2026-09-01', '2026-10-01', '2026-11-01', "
                        "'2026-12-01', false, 'draft', '2026-09-01 00:00:00')"
                    ),
                    {"region": region_id, "title": title},
                )
        db.session.remove()
        command.upgrade(alembic_config(), "head")
        with db.engine.connect() as connection:
            titles = connection.execute(sa.text("SELECT region_id, title FROM cycles ORDER BY id")).all()
        assert [tuple(row) for row in titles] == [
            (region, "Peer challenge"),
            (region, "Peer challenge (3)"),
            (region, "Peer challenge (2)"),
            (region, "Peer challenge (4)"),
            (other_region, "Peer challenge"),
        ]
    finally:
        db.session.remove()
        empty_tables()

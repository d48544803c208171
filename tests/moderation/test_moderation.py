"""Moderation end to end on the test client: the cycle's moves, who sees what, the comments' rules, what the
author and peers are shown, the dashboard and the reminders."""

import pytest
import sqlalchemy as sa

from peerchallenge.accounts.models import Role, RoleGrant
from peerchallenge.cycles import lifecycle
from peerchallenge.cycles.models import CycleState
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.moderation import services
from peerchallenge.moderation.models import AllocationState, ModerationProgress
from peerchallenge.monitoring.dashboard import cycle_dashboard
from peerchallenge.monitoring.services import plan_reminders, send_reminders
from peerchallenge.monitoring.tasks import user_tasks
from peerchallenge.submissions.queries import find_submission
from tests import factories
from tests.moderation.conftest import add_moderators, moderation_on
from tests.scenarios import move_to, page_url, publish, self_assessment_md, sign_off, upload

EVIDENCE = "The *early help* section quotes no audit findings.\n\n- Add the 2025 audit's grades"
DATA = "The re-referral rate quoted (22%) is the 2023-24 figure; the pack's latest is 24.1%."


def post_comments(client, row, evidence=EVIDENCE, data=DATA, base=None):
    return client.post(
        f"/moderation/{row.id}",
        data={
            "evidence_comment": evidence,
            "data_comment": data,
            "base_version": str(row.version if base is None else base),
        },
    )


def emails(kind: str) -> list[OutboxEmail]:
    return list(db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.kind == kind)))


# The cycle's moves


def test_without_moderation_open_moves_straight_to_reviewing(published):
    assert lifecycle.next_move(published.cycle).to == CycleState.REVIEWING
    assert "moderation" not in lifecycle.next_move(published.cycle).emails.lower()


def test_with_moderation_the_cycle_passes_through_moderation_both_ways(signed_off_moderated):
    state = signed_off_moderated
    cycle = state.cycle
    move = lifecycle.next_move(cycle)
    assert (move.to, move.button) == (CycleState.MODERATION, "Start moderation")
    assert "moderator" in move.emails
    assert any("unless you reopen one" in change for change in move.changes)

    lifecycle.move_on(state.lead, cycle, CycleState.OPEN)
    assert cycle.state == CycleState.MODERATION
    assert lifecycle.back_move(cycle).to == CycleState.OPEN
    assert lifecycle.next_move(cycle).to == CycleState.REVIEWING

    lifecycle.move_on(state.lead, cycle, CycleState.MODERATION)
    assert cycle.state == CycleState.REVIEWING
    assert lifecycle.back_move(cycle).to == CycleState.MODERATION
    lifecycle.move_back(state.lead, cycle, CycleState.REVIEWING)
    assert cycle.state == CycleState.MODERATION
    lifecycle.move_back(state.lead, cycle, CycleState.MODERATION)
    assert cycle.state == CycleState.OPEN


def test_moderation_waits_for_published_reviewers(six):
    moderation_on(six.cycle)
    assert lifecycle.blocking(six.cycle) == [
        "The reviewers are not published: publish who reviews whom before moderation starts"
    ]


def test_what_holds_reviews_is_the_self_assessments_not_moderated(moderated):
    assert "6 self-assessments not moderated" in lifecycle.holding(moderated.cycle)
    row = moderated.rows()[0]
    services.save_comments(moderated.moderator_of(row), row, evidence=EVIDENCE, data=DATA, base_version=0)
    services.submit_comments(moderated.moderator_of(row), row)
    db.session.commit()
    assert "5 self-assessments not moderated" in lifecycle.holding(moderated.cycle)


def test_starting_moderation_emails_each_published_moderator_once(signed_off_moderated):
    state = signed_off_moderated
    services.generate(state.lead, state.cycle)
    services.publish(state.lead, state.cycle)  # before moderation starts: nobody is emailed yet
    db.session.commit()
    assert emails("moderation_open") == []

    move_to(state.cycle, state.lead, CycleState.MODERATION)

    sent = emails("moderation_open")
    assert sorted(email.to_user_id for email in sent) == sorted(user.id for user in state.moderators)
    assert all("/moderation" in email.body and "Please moderate" in email.body for email in sent)


def test_publishing_during_moderation_emails_the_moderators_then(signed_off_moderated):
    state = signed_off_moderated
    move_to(state.cycle, state.lead, CycleState.MODERATION)
    services.generate(state.lead, state.cycle)
    services.publish(state.lead, state.cycle)
    db.session.commit()
    assert len(emails("moderation_open")) == 6


def test_self_assessments_are_read_only_in_moderation_unless_the_lead_reopens_one(moderated, sign_in):
    six = moderated.six
    contributor = sign_in(six.contributors[0])
    response = upload(contributor, moderated.cycle, six.authorities[0], self_assessment_md(), "sa.md")
    assert response.status_code in (400, 403, 409)
    assert "Moderation has started" in response.get_data(as_text=True)

    lead = sign_in(moderated.lead)
    assert lead.post(page_url(moderated.cycle, six.authorities[0]) + "/reopen").status_code == 302
    db.session.expire_all()
    submission = find_submission(moderated.cycle, six.authorities[0])
    assert submission.reopened_late and submission.accepts_changes


# The allocation


def test_the_published_allocation_keeps_the_rules(moderated):
    rows = moderated.rows()
    assert len(rows) == 6
    reviewers = {}
    for assignment in moderated.six.authorities:
        reviewers[assignment.id] = set()
    from peerchallenge.assignments.models import Assignment, AssignmentState

    for reviewer_id, reviewed_id in db.session.execute(
        sa.select(Assignment.reviewer_id, Assignment.reviewed_id).where(
            Assignment.cycle_id == moderated.cycle.id, Assignment.state == AssignmentState.PUBLISHED
        )
    ):
        reviewers[reviewed_id].add(reviewer_id)
    for row in rows:
        assert row.moderator_authority_id != row.authority_id
        assert row.moderator_authority_id not in reviewers[row.authority_id]
    assert sorted(row.moderator_id for row in rows) == sorted(user.id for user in moderated.moderators)


def test_an_impossible_allocation_is_refused_naming_the_authority(six):
    moderation_on(six.cycle)
    publish(six)
    sign_off(six, six.authorities[:1])
    # Anyshire's only moderator works for Borough, one of its reviewers.
    reviewer = six.authorities[1]  # in the ring, Anyshire is reviewed by Borough and Cityton
    factories.make_user((Role.MODERATOR, reviewer))
    with pytest.raises(ServiceError, match="Anyshire cannot be given 1 moderator"):
        services.generate(six.lead, six.cycle)


def test_generating_again_replaces_the_proposal_and_publishing_leaves_nothing_to_allocate(
    signed_off_moderated,
):
    state = signed_off_moderated
    services.generate(state.lead, state.cycle)
    services.generate(state.lead, state.cycle)
    db.session.commit()
    assert len(state.rows(AllocationState.PROPOSED)) == 6
    services.publish(state.lead, state.cycle)
    db.session.commit()
    assert state.rows(AllocationState.PROPOSED) == []
    with pytest.raises(ServiceError, match="Nothing is left to allocate"):
        services.generate(state.lead, state.cycle)


def test_the_lead_proposes_and_publishes_from_the_moderation_page(signed_off_moderated, sign_in):
    state = signed_off_moderated
    lead = sign_in(state.lead)
    page = lead.get(f"/cycles/{state.cycle.id}/moderation").get_data(as_text=True)
    assert "6 signed-off self-assessments have no published moderator yet" in page
    assert lead.post(f"/cycles/{state.cycle.id}/moderation/generate").status_code == 302
    page = lead.get(f"/cycles/{state.cycle.id}/moderation").get_data(as_text=True)
    assert "Proposed moderators (not published)" in page and "Priya Shah" in page
    assert lead.get(f"/cycles/{state.cycle.id}/moderation/publish").status_code == 200
    assert lead.post(f"/cycles/{state.cycle.id}/moderation/publish").status_code == 302
    assert len(state.rows()) == 6


def test_the_lead_grants_the_moderator_role_to_an_authoritys_staff(six, sign_in):
    lead = sign_in(six.lead)
    response = lead.post(
        f"/regions/{six.region.id}/users/new",
        data={
            "name": "Harriet Cole",
            "email": "harriet.cole@test.example",
            "role": "moderator",
            "authority": six.authorities[2].id,
        },
    )
    assert response.status_code == 302
    grant = db.session.scalar(sa.select(RoleGrant).where(RoleGrant.role == Role.MODERATOR))
    assert (grant.authority_id, grant.region_id) == (six.authorities[2].id, None)
    assert grant.description == "Moderator, Cityton"
    # The role says whom they work for: it opens none of the authority's records.
    assert six.authorities[2].id not in grant.user.authority_ids()


def test_the_database_refuses_a_moderator_grant_without_an_authority(six):
    user = factories.make_user()
    db.session.add(RoleGrant(user=user, role=Role.MODERATOR, region=six.region))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


# Writing and submitting comments


def test_a_moderator_saves_then_submits_and_the_author_sees_the_comments(moderated, sign_in):
    row = moderated.rows()[0]
    moderator = sign_in(moderated.moderator_of(row))
    page = moderator.get(f"/moderation/{row.id}").get_data(as_text=True)
    assert "Read " in page and "self-assessment" in page

    assert post_comments(moderator, row).status_code == 302
    db.session.expire_all()
    assert (row.version, row.progress) == (1, ModerationProgress.IN_PROGRESS)
    assert "<em>early help</em>" in row.evidence_html and "<li>" in row.evidence_html

    author = sign_in(moderated.six.directors[moderated.six.authorities.index(row.authority)])
    view = page_url(moderated.cycle, row.authority)
    assert "Moderated by" not in author.get(view).get_data(as_text=True)  # not before it is submitted

    assert moderator.post(f"/moderation/{row.id}/submit").status_code == 302
    db.session.expire_all()
    assert row.progress == ModerationProgress.DONE and row.submitted_at is not None
    shown = author.get(view).get_data(as_text=True)
    assert f"Moderated by {row.moderator.name}, {row.moderator_authority.name}" in shown
    assert "24.1%" in shown
    assert [email.to_user_id for email in emails("moderation_submitted")] == [
        moderated.six.directors[moderated.six.authorities.index(row.authority)].id
    ]
    # Submitted comments cannot be changed.
    response = post_comments(moderator, row, base=row.version)
    assert response.status_code == 400
    assert "can no longer be changed" in response.get_data(as_text=True)


def test_a_save_from_a_second_tab_is_refused_with_both_texts(moderated, sign_in):
    row = moderated.rows()[0]
    moderator = sign_in(moderated.moderator_of(row))
    assert post_comments(moderator, row, evidence="First tab", base=0).status_code == 302

    response = post_comments(moderator, row, evidence="Second tab", base=0)

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "saved in another tab" in page and "First tab" in page and "Second tab" in page
    db.session.expire_all()
    assert row.evidence_comment == "First tab"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"evidence_comment": "x" * 10_001, "data_comment": "", "base_version": "0"}, "10,000 characters"),
        ({"evidence_comment": "ok", "data_comment": "ok", "base_version": "first"}, ""),
        ({"evidence_comment": "ok", "data_comment": "ok"}, ""),
        ({"evidence_comment": "#\n" * 600, "data_comment": "", "base_version": "0"}, "heading"),
    ],
)
def test_junk_input_is_a_clear_400(moderated, sign_in, form, message):
    row = moderated.rows()[0]
    response = sign_in(moderated.moderator_of(row)).post(f"/moderation/{row.id}", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert row.version == 0


def test_submitting_empty_comments_is_refused(moderated):
    row = moderated.rows()[0]
    with pytest.raises(ServiceError, match="The comment on evidence is empty"):
        services.submit_comments(moderated.moderator_of(row), row)


def test_comments_are_written_only_while_the_cycle_is_in_moderation(moderated):
    row = moderated.rows()[0]
    who = moderated.moderator_of(row)
    lifecycle.move_back(moderated.lead, moderated.cycle, CycleState.MODERATION)
    with pytest.raises(ServiceError, match="Moderation has not started yet"):
        services.save_comments(who, row, evidence="a", data="b", base_version=0)
    db.session.rollback()
    move_to(moderated.cycle, moderated.lead, CycleState.REVIEWING)
    with pytest.raises(ServiceError, match="Moderation has finished"):
        services.save_comments(who, row, evidence="a", data="b", base_version=0)


def test_another_moderator_cannot_write_someone_elses_comments(moderated):
    row, other = moderated.rows()[0], moderated.rows()[1]
    with pytest.raises(ServiceError, match="not a moderator of this self-assessment"):
        services.save_comments(moderated.moderator_of(other), row, evidence="a", data="b", base_version=0)


# What peers see


def submit_all(moderated) -> None:
    for row in moderated.rows():
        who = moderated.moderator_of(row)
        services.save_comments(who, row, evidence=EVIDENCE, data=DATA, base_version=row.version)
        services.submit_comments(who, row)
    db.session.commit()


def reviewer_of(moderated, authority):
    from peerchallenge.assignments.models import Assignment, AssignmentState

    assignment = db.session.scalar(
        sa.select(Assignment).where(
            Assignment.reviewed_id == authority.id, Assignment.state == AssignmentState.PUBLISHED
        )
    )
    index = [a.id for a in moderated.six.authorities].index(assignment.reviewer_id)
    return assignment, moderated.six.directors[index]


def test_peers_read_the_self_assessment_and_the_comments_only_once_reviews_start(moderated, sign_in):
    submit_all(moderated)
    reviewed = moderated.six.authorities[0]
    assignment, director = reviewer_of(moderated, reviewed)
    peer = sign_in(director)
    assert peer.get(page_url(moderated.cycle, reviewed)).status_code == 403
    assert peer.get(f"/reviews/{assignment.id}").status_code == 302  # not started: back to their list

    move_to(moderated.cycle, moderated.lead, CycleState.REVIEWING)

    page = peer.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    row = moderated.row_of(reviewed)
    assert f"Moderated by {row.moderator.name}, {row.moderator_authority.name}" in page
    assert "24.1%" in page
    assert peer.get(page_url(moderated.cycle, reviewed)).status_code == 200


def test_in_an_anonymous_cycle_moderators_are_numbered_for_the_author_and_named_for_the_lead(
    moderated, sign_in
):
    moderated.cycle.anonymous = True
    db.session.commit()
    submit_all(moderated)
    reviewed = moderated.six.authorities[0]
    row = moderated.row_of(reviewed)
    author = (
        sign_in(moderated.six.directors[0]).get(page_url(moderated.cycle, reviewed)).get_data(as_text=True)
    )
    assert "Moderated by Moderator 1" in author and row.moderator.name not in author
    lead = sign_in(moderated.lead).get(page_url(moderated.cycle, reviewed)).get_data(as_text=True)
    assert f"Moderated by {row.moderator.name}" in lead


# Who may reach what: a table of pages by person.

PEOPLE = ("anon", "outsider", "moderator", "other_moderator", "author", "peer", "lead", "other_lead", "admin")
TABLE = """
page                   anon   outsider moderator other_moderator author peer lead other_lead admin
/moderation            login  200      200       200             200    200  200  200        200
/moderation/{row}      login  403      200       403             403    403  200  403        200
/moderation/{row}/submit login 403     200       403             403    403  403  403        403
/cycles/{cycle}/moderation login 403   403       403             403    403  200  403        200
{self_assessment}      login  403      200       403             200    403  200  403        200
{other_assessment}     login  403      403       200             403    403  200  403        200
"""


def cases():
    header, *rows = [line.split() for line in TABLE.strip().splitlines()]
    found = []
    for line in rows:
        # The path is every word before the nine outcomes.
        path, outcomes = " ".join(line[: -len(PEOPLE)]), line[-len(PEOPLE) :]
        for person, expected in zip(PEOPLE, outcomes, strict=True):
            found.append(pytest.param(path.replace(" ", ""), person, expected, id=f"{person}-{path}"))
    assert header[1:] == list(PEOPLE)
    return found


@pytest.mark.parametrize(("path", "person", "expected"), cases())
def test_who_reaches_which_moderation_page(moderated, world, sign_in, client, path, person, expected):
    reviewed = moderated.six.authorities[0]
    row = moderated.row_of(reviewed)
    assignment, peer = reviewer_of(moderated, reviewed)
    # Another self-assessment, of an authority the peer does not work for.
    other_row = next(
        other
        for other in moderated.rows()
        if other.moderator_id != row.moderator_id and other.authority_id != assignment.reviewer_id
    )
    people = {
        "outsider": world.no_role,
        "moderator": moderated.moderator_of(row),
        "other_moderator": moderated.moderator_of(other_row),
        "author": moderated.six.directors[0],
        "peer": peer,
        "lead": moderated.lead,
        "other_lead": world.other_lead,
        "admin": world.admin,
    }
    url = path.format(
        row=row.id,
        cycle=moderated.cycle.id,
        self_assessment=page_url(moderated.cycle, reviewed),
        other_assessment=page_url(moderated.cycle, other_row.authority),
    )
    response = client.get(url) if person == "anon" else sign_in(people[person]).get(url)
    if expected == "login":
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    else:
        assert response.status_code == int(expected)


# The dashboard and reminders


def test_the_dashboard_tracks_moderation_per_authority(moderated):
    from peerchallenge.dates import uk_today

    today = uk_today()
    rows = moderated.rows()
    first, second = rows[0], rows[1]
    services.save_comments(moderated.moderator_of(first), first, evidence="a", data="b", base_version=0)
    services.save_comments(moderated.moderator_of(second), second, evidence="a", data="b", base_version=0)
    services.submit_comments(moderated.moderator_of(second), second)
    db.session.commit()

    board = cycle_dashboard(moderated.cycle, today)

    assert [stage.key for stage in board.stages][:3] == ["uploaded", "signed_off", "moderated"]
    cells = {row.authority_id: row.cells["moderated"] for row in board.rows}
    assert cells[first.authority_id].label.startswith("In progress")
    assert cells[second.authority_id].status.is_done and cells[second.authority_id].count == "1 of 1"
    untouched = next(row.authority_id for row in rows[2:])
    assert cells[untouched].label.startswith("Not started")
    assert board.totals["moderated"].text.startswith("1 of 6 done")


def test_the_dashboard_of_a_cycle_without_moderation_has_no_moderation_stage(published):
    from peerchallenge.dates import uk_today

    board = cycle_dashboard(published.cycle, uk_today())
    assert "moderated" not in [stage.key for stage in board.stages]


def test_moderators_are_reminded_of_comments_not_submitted_once_per_occasion(moderated):
    due = moderated.cycle.moderation_due_on
    from datetime import timedelta

    week_before = due - timedelta(days=7)
    plan = plan_reminders(week_before, [moderated.cycle.region_id])
    moderator_ids = {user.id for user in moderated.moderators}
    reminded = {digest.user.id for digest in plan.digests if digest.user.id in moderator_ids}
    assert reminded == moderator_ids
    digest = next(digest for digest in plan.digests if digest.user.id == moderated.moderators[0].id)
    assert any(title.startswith("Moderate ") for title in digest.titles())

    send_reminders(week_before)
    db.session.commit()
    again = plan_reminders(week_before, [moderated.cycle.region_id])
    assert not any(digest.user.id in moderator_ids for digest in again.digests)

    submit_all(moderated)
    tomorrow_plan = plan_reminders(due - timedelta(days=1), [moderated.cycle.region_id])
    assert not any(digest.user.id in moderator_ids for digest in tomorrow_plan.digests)


def test_a_moderators_home_lists_their_task_and_self_assessment(moderated, sign_in):
    row = moderated.rows()[0]
    who = moderated.moderator_of(row)
    assert [task.title for task in user_tasks(who)] == [f"Moderate {row.authority.name}'s self-assessment"]
    home = sign_in(who).get("/").get_data(as_text=True)
    assert "Self-assessments you moderate" in home and "Your moderation" in home
    assert f"/moderation/{row.id}" in home


def test_moderation_settings_are_checked_and_carried_into_next_year(world):
    from datetime import date

    from peerchallenge.cycles import next_year
    from peerchallenge.cycles import services as cycle_services
    from tests.scenarios import details

    with pytest.raises(ServiceError, match="Enter the date moderation is due"):
        cycle_services.create_cycle(world.lead, world.region, **details(moderation="yes"))
    with pytest.raises(ServiceError, match="on or before the date reviews are due"):
        cycle_services.create_cycle(
            world.lead, world.region, **details(moderation="yes", moderation_due_on=date(2026, 12, 1))
        )
    cycle = cycle_services.create_cycle(
        world.lead,
        world.region,
        **details(moderation="yes", moderators_per_submission="2", moderation_due_on=date(2026, 10, 15)),
    )
    assert (cycle.moderation, cycle.moderators_per_submission) == (True, 2)
    following = next_year.start_next_year(world.lead, cycle)
    assert (following.moderation, following.moderators_per_submission) == (True, 2)
    assert following.moderation_due_on == date(2027, 10, 15)


def test_moderation_cannot_be_turned_on_once_the_cycle_is_open(published):
    from peerchallenge.cycles import services as cycle_services
    from tests.scenarios import details

    cycle = published.cycle
    values = details(
        title=cycle.title,
        opens_on=cycle.opens_on,
        submissions_due_on=cycle.submissions_due_on,
        reviews_due_on=cycle.reviews_due_on,
        letters_due_on=cycle.letters_due_on,
        challenge_event_on=None,
        moderation="yes",
        moderation_due_on=cycle.submissions_due_on,
    )
    with pytest.raises(ServiceError, match="Moderation can only be changed before the cycle opens"):
        cycle_services.update_cycle(published.lead, cycle, **values)


def test_the_moderators_of_a_region_are_those_granted_the_role(six):
    moderators = add_moderators(six)
    found = services.moderators_of_region(six.region.id)
    assert found == {
        user.id: authority.id for user, authority in zip(moderators, six.authorities, strict=True)
    }


def test_the_moderation_page_of_a_cycle_without_moderation_says_so(published, sign_in):
    response = sign_in(published.lead).get(f"/cycles/{published.cycle.id}/moderation")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="moderation-off"' in page and 'id="cycle-state"' in page
    assert "Propose moderators" not in page

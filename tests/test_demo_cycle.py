"""The demo cycle: a region in motion, with self-assessments and reviews in every state; safe to run again."""

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.cycles import lifecycle
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.dates import UK_TIME
from peerchallenge.demo.cycle import seed_demo_cycle
from peerchallenge.demo.profiles import profile_for
from peerchallenge.extensions import db
from peerchallenge.inspections.framework import JudgementArea
from peerchallenge.inspections.queries import inspections_of, own_grade_areas, own_grades
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.submissions.models import Submission
from peerchallenge.submissions.queries import find_submission, submission_statuses
from tests.conftest import DEMO_DAY


def in_cycle(cycle):
    """Reviews of this cycle (the demo has last year's too)."""
    return Review.assignment.has(Assignment.cycle_id == cycle.id)


def test_demo_cycle_has_every_state(demo):
    cycle = demo.cycle
    assert cycle.state == CycleState.REVIEWING  # self-assessments were due three days ago
    labels = Counter(status.tag.text for status in submission_statuses(cycle))
    assert labels == {"Signed off": 5, "Signed off late": 2, "Draft": 3, "Not started": 1}
    southend = next(s for s in submission_statuses(cycle) if s.authority.name == "Southend-on-Sea")
    assert southend.current_version.file.kind == "docx"
    assert any("Workforce" in warning for warning in southend.current_version.warnings)
    edited = [s for s in submission_statuses(cycle) if s.submission and len(s.submission.versions) == 2]
    assert {s.authority.name for s in edited} == {"Norfolk", "Peterborough"}

    published = db.session.scalars(
        sa.select(Assignment).where(
            Assignment.cycle_id == cycle.id, Assignment.state == AssignmentState.PUBLISHED
        )
    ).all()
    assert len(published) == 22
    reviews = db.session.scalars(sa.select(Review).where(in_cycle(cycle))).all()
    states = Counter(review.state for review in reviews)
    assert states[ReviewState.SUBMITTED] >= 4 and states[ReviewState.DRAFT] >= 2
    submitted_per_authority = Counter(
        review.assignment.reviewed_id for review in reviews if review.state == ReviewState.SUBMITTED
    )
    # Every uploaded self-assessment splits into the template's sections with nothing left over.
    versions = [s.current_version for s in submission_statuses(cycle) if s.current_version]
    assert versions and not [part for v in versions for part in v.sections if part.is_unmatched]
    assert 2 in submitted_per_authority.values()  # both reviews in for some
    assert len(published) > len(reviews)  # and some not started


def test_last_years_demo_cycle_is_closed_with_every_letter_released(demo):
    from peerchallenge.letters.models import Letter, LetterState

    cycle = demo.cycle
    last = db.session.scalar(sa.select(Cycle).where(Cycle.title == "Eastern Region peer challenge 2025"))
    assert last is not None and last.state == CycleState.CLOSED and last.year == 2025
    states = db.session.scalars(sa.select(Letter.state).where(Letter.cycle_id == last.id)).all()
    assert len(states) == len(demo.region.authorities) and set(states) == {LetterState.RELEASED}
    released = db.session.scalars(sa.select(Letter.released_at).where(Letter.cycle_id == last.id)).all()
    assert {moment.astimezone(UK_TIME).date() for moment in released} == {last.letters_due_on}  # on time
    assert not lifecycle.holding(last) and lifecycle.back_move(last) is not None
    # Last year's pairings are this year's history: no authority is reviewed by the same peer again.
    pairs = {
        cycle_id: set(
            db.session.execute(
                sa.select(Assignment.reviewer_id, Assignment.reviewed_id).where(
                    Assignment.cycle_id == cycle_id, Assignment.state == AssignmentState.PUBLISHED
                )
            )
        )
        for cycle_id in (last.id, cycle.id)
    }
    assert len(pairs[last.id]) == 22 and not pairs[last.id] & pairs[cycle.id]


def test_demo_cycle_is_created_once(demo):
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Submission, Review)]
    assert seed_demo_cycle(demo.region, DEMO_DAY) is None
    assert [
        db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Submission, Review)
    ] == counts


def test_demo_cycle_has_letters_in_every_state_a_full_dashboard_and_reminders_to_send(demo):
    from peerchallenge.assignments.models import Delegation
    from peerchallenge.letters.models import Letter, LetterState, VersionSource
    from peerchallenge.monitoring.dashboard import cycle_dashboard
    from peerchallenge.monitoring.services import plan_reminders, send_planned

    today = DEMO_DAY
    cycle = demo.cycle
    query = sa.select(Letter).where(Letter.cycle_id == cycle.id).order_by(Letter.id)
    letters = db.session.scalars(query).all()
    assert [letter.state for letter in letters] == [
        LetterState.COMPOSED,
        LetterState.APPROVED,
        LetterState.RELEASED,
        LetterState.RELEASED,
        LetterState.RELEASED,
    ]
    assert [letter.is_read for letter in letters[2:]] == [False, True, True]
    assert [letter.has_response for letter in letters] == [False] * 4 + [True]
    # The lead chose the points of every letter past "composed": a headline in words, its own line of enquiry.
    assert all(letter.points_chosen_at is not None for letter in letters[1:])
    assert letters[1].current_version.source == VersionSource.CHOSEN
    assert "What would you most like your peers to test" in letters[1].body

    board = cycle_dashboard(cycle, today)
    colours = {cell.status.name for row in board.rows for cell in row.cells.values()}
    assert {"DONE", "DONE_LATE", "OVERDUE", "DUE_SOON", "NOT_YET_DUE"} <= colours

    # Digests for the reviews under way, a delegate's among them; none for the four late self-assessments,
    # which cannot change now that reviews have started (13 while the demo cycle stayed open, the other
    # delegate's for its authority's upload). Running it again the same day sends nothing more. (The South
    # East's reminders are tested in tests/test_demo_groups.py.)
    run = send_planned(plan_reminders(today, [demo.region.id]))
    delegates = set(db.session.scalars(sa.select(Delegation.delegate_id)))
    assert run.emails == 10 and len(delegates) == 2 and delegates & run.people
    assert send_planned(plan_reminders(today, [demo.region.id])).emails == 0


def test_the_demo_shows_delegates_drafting_and_submitting_reviews_and_a_draft_marked_ready(demo):
    from peerchallenge.assignments.models import Delegation

    delegations = {d.may_submit: d for d in db.session.scalars(sa.select(Delegation))}
    assert set(delegations) == {True, False}
    assert delegations[True].authority_id != delegations[False].authority_id
    reviews = db.session.scalars(sa.select(Review)).all()
    [ready] = [review for review in reviews if review.ready_by is not None]
    assert ready.state == ReviewState.DRAFT and ready.ready_by == delegations[False].delegate
    assert ready.assignment.reviewer_id == delegations[False].authority_id
    [on_behalf] = [review for review in reviews if review.submitted_for is not None]
    assert on_behalf.state == ReviewState.SUBMITTED and on_behalf.submitted_by == delegations[True].delegate
    assert on_behalf.assignment.reviewer_id == delegations[True].authority_id
    assert on_behalf.submitted_for.authority_ids(Role.DIRECTOR) == {delegations[True].authority_id}
    [marked] = db.session.scalars(sa.select(Submission).where(Submission.ready_by_id.is_not(None))).all()
    assert marked.authority.name == "Peterborough" and not marked.is_signed_off
    assert marked.ready_by.authority_ids(Role.CONTRIBUTOR) == {marked.authority_id}


def test_the_demo_reviews_rate_each_section_on_its_scales_and_their_comments_agree(demo):
    from peerchallenge.cycles.defaults import DEFAULT_TEMPLATE
    from peerchallenge.demo import reviewing

    cycle = demo.cycle
    scales = {section.title: section.scales for section in DEFAULT_TEMPLATE}
    labels = {scale.key: {level.position: level.label for level in scale.levels} for scale in cycle.scales}
    titles = {str(section.id): section.title for section in cycle.sections}
    submitted = db.session.scalars(
        sa.select(Review).where(Review.state == ReviewState.SUBMITTED, in_cycle(cycle))
    ).all()
    assert len(submitted) >= 10
    for review in submitted:
        catalogue = reviewing.catalogue(profile_for(review.assignment.reviewed.name))
        parts = [(titles[key], part) for key, part in review.content["sections"].items()]
        for title, part in [*parts, ("Overall", review.content["overall"])]:
            rated = scales.get(title, tuple(labels))  # the overall part is rated on every scale
            ratings = {key: labels[key][part["ratings"][key]] for key in rated}
            texts = [
                line.removeprefix("- ") for f in ("strengths", "development") for line in part[f].splitlines()
            ]
            comments = [catalogue[text] for text in texts]
            assert reviewing.disagreements(ratings, comments) == [], (review.id, title)


def test_each_demo_authority_has_its_last_inspection_and_grades_itself_with_its_self_assessment(demo):
    cycle = demo.cycle
    for authority in demo.region.authorities:
        profile = profile_for(authority.name, authority.authority_type)
        [inspection] = inspections_of(authority)
        assert inspection.inspected_on == profile.inspection.inspected
        assert inspection.areas_for_improvement == list(profile.inspection.areas_for_improvement)
        assert {area.label: grade.label for area, grade in inspection.graded_areas} == dict(
            profile.inspection.judgements
        )
        uploaded = find_submission(cycle, authority) is not None
        grades = own_grades(cycle, authority)
        # The cycle opened after April 2026, so there is no overall effectiveness grade to give.
        assert set(grades) == (set(own_grade_areas(cycle)) if uploaded else set())
        assert JudgementArea.OVERALL_EFFECTIVENESS not in grades
    hertfordshire = next(a for a in demo.region.authorities if a.name == "Hertfordshire")
    assert own_grades(cycle, hertfordshire)  # a signed-off self-assessment keeps its grades


def test_the_demo_letters_are_addressed_and_signed_as_directors_write_and_say_nothing_twice(demo):
    from peerchallenge.accounts.models import Role, RoleGrant, User
    from peerchallenge.letters.files import letter_details
    from peerchallenge.letters.models import Letter

    assert demo.region.letterhead_name == "ADCS Eastern Region"
    for letter in db.session.scalars(sa.select(Letter).where(Letter.versions.any())):
        body = letter.current_version.body if not letter.is_edited else letter.versions[0].body
        director = db.session.scalar(
            sa.select(User)
            .join(RoleGrant)
            .where(RoleGrant.role == Role.DIRECTOR, RoleGrant.authority_id == letter.authority_id)
        )
        assert body.startswith(f"Dear {director.name.split()[0]},\n"), letter.authority.name
        assert "Director of Children's Services," in body.split("Yours sincerely,")[1]
        assert "Agreement" not in body and "Further apart" not in body
        assert "more than one peer made the same point" not in body
        assert letter_details(letter).title.lower().count("peer challenge") == 1
        # Ratings tables repeat their rows from section to section; what is written must not repeat.
        paragraphs = [line.strip("-*> ").strip() for line in body.splitlines() if not line.startswith("|")]
        counts = Counter(paragraph for paragraph in paragraphs if len(paragraph) > 60)
        repeated = [text for text, count in counts.items() if count > 1]
        assert not repeated, (letter.authority.name, repeated)


def test_this_years_self_assessments_repeat_some_of_last_years_text(demo):
    cycle = demo.cycle
    parts = [
        (status.authority.name, text)
        for status in submission_statuses(cycle)
        if status.current_version
        for text in status.current_version.sections
        if text.template_section and text.word_count
    ]
    shares = [text.repeated_share for _, text in parts]
    assert None not in shares and {text.repeated_year for _, text in parts} == {cycle.year - 1}
    # Some sections are largely last year's (copied, figures updated); most are not.
    copied = {(name, text.template_section.title) for name, text in parts if text.repeated_share > 50}
    assert ("Essex", "Workforce") in copied and ("Luton", "Workforce") in copied
    assert 4 <= len(copied) <= len(parts) // 5
    assert sum(share < 30 for share in shares) > 3 * len(shares) // 4
    essex = next(
        text for name, text in parts if name == "Essex" and text.template_section.title == "Workforce"
    )
    assert f"Repeated from {cycle.year - 1}:" in essex.marked_html
    # Last year's self-assessments had no cycle before them to repeat.
    last = db.session.scalar(sa.select(Cycle).where(Cycle.region_id == cycle.region_id, Cycle.id != cycle.id))
    assert all(
        text.repeated_share is None
        for status in submission_statuses(last)
        for text in status.current_version.sections
    )


def test_last_years_letters_are_turned_into_actions_in_every_status(demo):
    from peerchallenge.actions.models import Action, ActionStatus
    from peerchallenge.actions.queries import history
    from peerchallenge.letters.models import Letter

    last = db.session.scalar(sa.select(Cycle).where(Cycle.title == "Eastern Region peer challenge 2025"))
    actions = db.session.scalars(
        sa.select(Action).join(Letter).where(Letter.cycle_id == last.id).order_by(Action.id)
    ).all()
    by_authority: dict[str, Counter] = {}
    for action in actions:
        by_authority.setdefault(action.authority.name, Counter())[action.status] += 1
    assert set(by_authority) == {authority.name for authority in demo.region.authorities}
    for name, statuses in by_authority.items():
        assert {ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.NOT_STARTED} <= set(statuses), name
    [dropped] = [action for action in actions if action.status == ActionStatus.DROPPED]
    assert dropped.authority.name == "Luton" and "Families First" in dropped.dropped_reason
    for action in actions:
        # Each answers one of its letter's points, with a council's owner, due through the year after.
        assert action.point is not None and action.point.letter_id == action.letter_id
        assert action.owner.startswith(("Head of", "Director", "Assistant Director", "Principal"))
        assert last.letters_due_on < action.due_on <= last.letters_due_on + timedelta(days=400)
        steps = history(action)
        assert steps[0].before is None and steps[-1].after == action.status
        assert [step.at for step in steps] == sorted(step.at for step in steps)
        assert action.created_at.date() <= DEMO_DAY
    assert len({(action.letter_id, action.what) for action in actions}) == len(actions)  # none said twice
    overdue = [action for action in actions if action.is_overdue(DEMO_DAY)]
    assert overdue and len(overdue) < len(actions)
    cycle = demo.cycle
    assert (
        cycle.response_due_on and cycle.actions_update_due_on > cycle.response_due_on > cycle.letters_due_on
    )

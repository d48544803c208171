"""The demo cycle: reviewing, its self-assessment deadline just passed, authorities at every stage.

Self-assessments were due three days ago and reviews are due in five days, so the dashboard shows work
done, done late, overdue, due soon and not yet due, and `flask send-reminders` has reminders to send. The
lead started reviews with four authorities late; the letters of the first reviews in were approved and
released while the cycle was consolidating, and the lead moved it back to reviewing for the rest.
The region's cycle of the year before is closed, every letter released and turned into actions
(`seed_last_year`, demo/actions.py).
The self-assessments and reviews are written from each authority's profile (demo/profiles.py,
demo/documents.py, demo/reviewing.py).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from peerchallenge.accounts import services
from peerchallenge.accounts.models import Role, User
from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import Assignment, AssignmentState, Delegation
from peerchallenge.assignments.queries import cycle_assignments
from peerchallenge.cycles import lifecycle
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.dates import UK_TIME
from peerchallenge.demo import reviewing
from peerchallenge.demo.actions import seed_actions
from peerchallenge.demo.datapack import seed_data_pack
from peerchallenge.demo.documents import demo_docx, demo_markdown, demo_sections
from peerchallenge.demo.inspections import record_inspection, record_own_grades
from peerchallenge.demo.profiles import HEADLINE, WORKFORCE, profile_for
from peerchallenge.demo.seed import DEMO_REGION, LEAD_EMAIL, person_email, slug
from peerchallenge.extensions import db
from peerchallenge.inspections.queries import inspections_of
from peerchallenge.letters import services as letter_services
from peerchallenge.letters.choice import PointKind
from peerchallenge.letters.models import Letter
from peerchallenge.regions.models import Authority, Region
from peerchallenge.reviews import services as review_services
from peerchallenge.reviews.models import Review
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.models import Submission
from peerchallenge.submissions.queries import find_submission
from peerchallenge.themes import services as themes_services

# What each demo authority has done in the demo cycle, so a newcomer sees a region in motion.
SIGNED_OFF_ON_TIME = ("Bedford Borough", "Cambridgeshire", "Central Bedfordshire", "Essex", "Hertfordshire")
SIGNED_OFF_LATE = ("Luton", "Suffolk")
EDITED_DRAFTS = ("Norfolk", "Peterborough")  # an overlong workforce section, then cut to its first paragraph
WORD_DRAFTS = ("Southend-on-Sea",)  # uploaded as Word, without a workforce section and an overlong headline
UPLOADED_LATE = ("Suffolk",)  # first uploaded after the deadline
MARKED_READY = ("Peterborough",)  # its contributor marked the edited draft ready for the director to sign off
# Thurrock has not started.


def demo_user(email: str) -> User:
    """A demo account, which `seed_demo` makes before any demo cycle."""
    user = services.find_user_by_email(email)
    if user is None:
        raise LookupError(f"The demo account {email} is missing: seed the demo region first")
    return user


def director(authority: Authority) -> User:
    return demo_user(person_email(Role.DIRECTOR, authority.name))


def demo_cycle_title(year: int, region: str = DEMO_REGION) -> str:
    return f"{region} Region peer challenge {year}"


def create_demo_cycle(
    region: Region, title: str, year: int, opens_on: date, lead: User, *, draft: bool = False, **settings
) -> Cycle:
    """An open (or draft) cycle of the region, with the default template and the usual deadlines; `settings`
    are other details of the cycle (the South East's `assignment_model="groups"`)."""
    cycle = cycle_services.create_cycle(
        lead,
        region,
        title=title,
        year=year,
        peers_per_authority=2,
        opens_on=opens_on,
        submissions_due_on=opens_on + timedelta(days=27),
        reviews_due_on=opens_on + timedelta(days=35),
        letters_due_on=opens_on + timedelta(days=75),
        challenge_event_on=opens_on + timedelta(days=90),
        anonymous=False,
        **settings,
    )
    if not draft:
        cycle_services.open_cycle(lead, cycle)
        cycle.opened_at = at(opens_on)
    for authority in region.authorities:  # each authority's last inspection, once, with its first cycle
        if not inspections_of(authority):
            record_inspection(lead, authority, profile_for(authority.name, authority.authority_type))
    return cycle


def upload_self_assessment(cycle: Cycle, authority: Authority, **options) -> Submission:
    """The authority's contributor uploads its self-assessment: Word if `docx`, otherwise Markdown."""
    profile = profile_for(authority.name, authority.authority_type)
    template = [(section.title, section.suggested_words) for section in cycle.sections]
    contributor = demo_user(person_email(Role.CONTRIBUTOR, authority.name))
    if options.pop("docx", False):
        data = demo_docx(profile, template, **options)
        filename = f"{authority.name} self-assessment.docx"
    else:
        data, filename = demo_markdown(profile, template, **options).encode(), f"{slug(authority.name)}-sa.md"
    version = submission_services.upload_version(contributor, cycle, authority, filename, data)
    record_own_grades(contributor, cycle, authority, profile)
    return version.submission


def seed_demo_cycle(region: Region, today: date) -> Cycle | None:
    """This year's cycle, under review (self-assessments at every stage, reviews and letters under way), with
    last year's cycle closed beside it; None if this year's exists already."""
    title = demo_cycle_title(today.year)
    if db.session.scalar(sa.select(Cycle).where(Cycle.region_id == region.id, Cycle.title == title)):
        return None
    lead = demo_user(LEAD_EMAIL)
    seed_last_year(region, today, lead)
    cycle = create_demo_cycle(region, title, today.year, today - timedelta(days=30), lead)
    # The response to each letter a fortnight after the letters are due; the actions' first update a term on.
    cycle.response_due_on = cycle.letters_due_on + timedelta(days=14)
    cycle.actions_update_due_on = cycle.letters_due_on + timedelta(days=90)
    seed_data_pack(cycle, lead, today)
    for authority in region.authorities:
        name = authority.name
        if name in WORD_DRAFTS:
            submission = upload_self_assessment(
                cycle, authority, docx=True, omit={WORKFORCE}, long={HEADLINE}
            )
        elif name in EDITED_DRAFTS:
            submission = upload_self_assessment(cycle, authority, long={WORKFORCE})
        elif name in (*SIGNED_OFF_ON_TIME, *SIGNED_OFF_LATE):
            submission = upload_self_assessment(cycle, authority)
        else:
            continue
        version = submission.current_version
        assert version is not None and version.file is not None  # an uploaded version keeps its file
        version.created_at = version.file.uploaded_at = at(
            today - timedelta(days=1 if name in UPLOADED_LATE else 12)
        )
        if name in EDITED_DRAFTS:
            contributor = demo_user(person_email(Role.CONTRIBUTOR, name))
            text = next(
                text
                for text in version.sections
                if text.template_section and text.template_section.title == WORKFORCE
            )
            shorter = text.markdown.split("\n\n")[0]
            edited = submission_services.edit_section(
                contributor, submission, text.position, shorter, version.number
            )
            edited.created_at = at(today - timedelta(days=5))
            if name in MARKED_READY:
                submission_services.mark_ready(contributor, submission)
                submission.ready_at = at(today - timedelta(days=4))
        if name in SIGNED_OFF_ON_TIME or name in SIGNED_OFF_LATE:
            submission_services.sign_off(director(authority), submission)
            days_before_due = -2 if name in SIGNED_OFF_LATE else 4
            submission.signed_off_at = at(cycle.submissions_due_on - timedelta(days=days_before_due))
    db.session.flush()
    publish_assignments(cycle, lead, today - timedelta(days=2))
    lifecycle.move_on(lead, cycle, CycleState.OPEN)
    # Reviewed authorities in turn: both reviews submitted (so their letters are composed) for five, one of
    # them by a delegate the director let submit; then one submitted and one draft; then one drafted by a
    # delegate who may not submit and marked ready for the director. The others' reviewers have not started.
    write_reviews(
        cycle,
        [("submit", "delegate submits")] + [("submit", "submit")] * 4 + [("submit", "draft"), ("delegate",)],
    )
    lifecycle.move_on(lead, cycle, CycleState.REVIEWING)
    advance_letters(cycle, lead, ["composed", "approved", "released", "read", "responded"])
    lifecycle.move_back(lead, cycle, CycleState.CONSOLIDATING)
    themes_services.tag_cycle(lead, cycle)  # last year's was tagged as it closed
    return cycle


def seed_last_year(region: Region, today: date, lead: User) -> Cycle | None:
    """The region's cycle of the year before, closed: every self-assessment, review and letter done, and
    each authority's actions in answer to its letter, in every status."""
    title = demo_cycle_title(today.year - 1)
    if db.session.scalar(sa.select(Cycle).where(Cycle.region_id == region.id, Cycle.title == title)):
        return None
    opens_on = today - timedelta(days=365 + 30)
    cycle = create_demo_cycle(region, title, today.year - 1, opens_on, lead)
    for authority in region.authorities:
        submission = upload_self_assessment(cycle, authority, earlier=cycle.year)
        submission_services.sign_off(director(authority), submission)
        submission.signed_off_at = at(cycle.submissions_due_on - timedelta(days=3))
    db.session.flush()
    publish_assignments(cycle, lead, opens_on + timedelta(days=28))
    lifecycle.move_on(lead, cycle, CycleState.OPEN)
    write_reviews(cycle, [("submit", "submit")] * len(region.authorities))
    reviews = db.session.scalars(
        sa.select(Review).join(Assignment).where(Assignment.cycle_id == cycle.id).order_by(Review.id)
    )
    for number, review in enumerate(reviews):  # each submitted before last year's deadline
        review.created_at = at(opens_on + timedelta(days=31))
        review.updated_at = review.submitted_at = at(cycle.reviews_due_on - timedelta(days=1 + number % 6))
    lifecycle.move_on(lead, cycle, CycleState.REVIEWING)
    letters = db.session.scalars(sa.select(Letter).where(Letter.cycle_id == cycle.id)).all()
    for letter in letters:
        letter_services.approve(lead, letter)
        letter_services.release(lead, letter)
        # Composed as the last review came in, approved a fortnight on, released on the letters' due date.
        letter.composed_at = at(cycle.reviews_due_on)
        for version in letter.versions:
            version.created_at = letter.composed_at
        letter.approved_at = at(cycle.reviews_due_on + timedelta(days=14))
        letter.released_at = at(cycle.letters_due_on)
    lifecycle.move_on(lead, cycle, CycleState.CONSOLIDATING)
    lifecycle.move_on(lead, cycle, CycleState.RELEASED)
    people = {
        authority.id: (director(authority), demo_user(person_email(Role.CONTRIBUTOR, authority.name)))
        for authority in region.authorities
    }
    seed_actions(letters, people, today, at)  # what each authority did about its letter, since
    db.session.flush()
    return cycle


def at(day: date) -> datetime:
    """Mid-morning UK time on a day, as UTC, for back-dating demo history."""
    return datetime.combine(day, time(10, 30), tzinfo=UK_TIME).astimezone(UTC)


def publish_assignments(cycle: Cycle, lead: User, published_on: date) -> None:
    assignment_services.generate_proposal(lead, cycle)
    assignment_services.publish(lead, cycle)
    cycle.assignments_published_at = at(published_on)


def review_content(cycle: Cycle, assignment: Assignment, reviewer: int, peers: int = 2) -> dict:
    """The `reviewer`-th of its `peers`' review of the authority's self-assessment, as the demo writes it."""
    reviewed = assignment.reviewed
    profile = profile_for(reviewed.name, reviewed.authority_type)
    written = demo_sections(profile, [(section.title, section.suggested_words) for section in cycle.sections])
    positions = {scale.key: {level.label: level.position for level in scale.levels} for scale in cycle.scales}
    sections = [(section.id, section.title, section.scale_keys) for section in cycle.sections]
    return reviewing.review_content(
        profile, written, sections, positions, reviewer, assignment.reviewer.name, peers
    )


def submit_review(actor: User, assignment: Assignment, content: dict) -> None:
    """Submit a demo review: rated overall on every scale and each section on its own scales."""
    review_services.submit(actor, assignment, content, 0)


def delegate(authority: Authority, *, may_submit: bool) -> User:
    """The authority's contributor, whom its director lets draft its reviews (and submit them, if allowed)."""
    contributor = demo_user(person_email(Role.CONTRIBUTOR, authority.name))
    delegation = db.session.scalar(
        sa.select(Delegation).where(
            Delegation.authority_id == authority.id, Delegation.delegate_id == contributor.id
        )
    )
    if delegation is None:
        assignment_services.nominate_delegate(
            director(authority), authority, contributor, may_submit=may_submit
        )
    elif may_submit and not delegation.may_submit:
        assignment_services.set_may_submit(director(authority), delegation, True)
    db.session.flush()
    return contributor


def write_reviews(cycle: Cycle, plans: Sequence[tuple[str, ...]], first: Sequence[Authority] = ()) -> None:
    """Reviews of the signed-off self-assessments, in turn (the `first` authorities' first): each plan says
    what each peer has done."""
    by_reviewed: dict[int, list[Assignment]] = {authority.id: [] for authority in first}
    for assignment in cycle_assignments(cycle, AssignmentState.PUBLISHED):
        submission = find_submission(cycle, assignment.reviewed)
        if submission is not None and submission.is_signed_off:
            by_reviewed.setdefault(assignment.reviewed_id, []).append(assignment)
    for plan, assignments in zip(plans, by_reviewed.values(), strict=False):
        assignments.sort(key=lambda assignment: assignment.reviewer.name)
        for reviewer, (step, assignment) in enumerate(zip(plan, assignments, strict=False)):
            content = review_content(cycle, assignment, reviewer, len(assignments))
            writer = director(assignment.reviewer)
            if step.startswith("delegate"):
                may_submit = step == "delegate submits"
                writer = delegate(assignment.reviewer, may_submit=may_submit)
                if not may_submit:  # a complete draft, for the director to check and submit
                    review_services.mark_ready(writer, assignment, content, 0)
                    continue
            if step == "draft":
                content["overall"] = {
                    "ratings": {},
                    "strengths": "",
                    "development": "",
                    "questions": [],
                    "summary": "",
                }
                review_services.save_draft(writer, assignment, content, 0)
            else:
                submit_review(writer, assignment, content)
    db.session.flush()


DEMO_RESPONSES = (
    "We thank our peers for a careful reading. What we will do:\n\n"
    "- **Evidence of impact:** our quality assurance report will say what changed for children, not only "
    "whether timescales were met, from April.\n"
    "- **Length:** next year's self-assessment will keep to the suggested length, with a one-page summary.\n"
    "- **Children's voice:** our children in care council will read next year's draft before it is signed "
    "off.\n",
    "Thank you to both peers. We accept the challenge on our plans: each priority now has an owner, a "
    "measure "
    "and a date, and the improvement board will check them each quarter.\n",
)


def choose_demo_points(lead: User, letter: Letter) -> None:
    """The lead composes the letter by choice: the service's headline (or, where the peers differ on every
    scale, a line of the lead's own; never a peer's summary, which the annex already gives), the points the
    service chose, with the lead's own last line of enquiry."""
    composed, ranked = letter_services.candidates_for(letter)
    _, rows = letter_services.compose_rows(letter, composed, ranked)
    choices = {
        kind: [letter_services.PointChoice(row.text, row.key) for row in rows[kind] if row.include]
        for kind in PointKind
    }
    enquiries = choices[PointKind.ENQUIRY][:5]
    own = "What would you most like your peers to test at the challenge event?"
    choices[PointKind.ENQUIRY] = [*enquiries, letter_services.PointChoice(own)]
    headline = composed.headline or (
        "We read your self-assessment differently from each other on the main scales; the lines of enquiry "
        "below are where we would most like to test it with you."
    )
    letter_services.choose_points(lead, letter, headline, choices, letter.current_version.number)


def advance_letters(cycle: Cycle, lead: User, states: Sequence[str]) -> None:
    """The composed letters, in turn, taken to each state: composed, approved, released, read, responded."""
    letters = db.session.scalars(
        sa.select(Letter).where(Letter.cycle_id == cycle.id).order_by(Letter.id)
    ).all()
    for number, (state, letter) in enumerate(zip(states, letters, strict=False)):
        if state == "composed":
            continue
        reader = director(letter.authority)
        choose_demo_points(lead, letter)
        letter_services.approve(lead, letter)
        if state == "approved":
            continue
        letter_services.release(lead, letter)
        if state in ("read", "responded"):
            letter_services.record_read(reader, letter)
        if state == "responded":
            response = DEMO_RESPONSES[number % len(DEMO_RESPONSES)]
            letter_services.respond(reader, letter, acknowledged=True, response=response)
    db.session.flush()

"""The demo cycle: open, its self-assessment deadline just passed, authorities at every stage.

Self-assessments were due three days ago and reviews are due in five days, so the dashboard shows work
done, done late, overdue, due soon and not yet due, and `flask send-reminders` has reminders to send.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from peerchallenge.accounts import services
from peerchallenge.accounts.models import User
from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import AssignmentState
from peerchallenge.assignments.queries import cycle_assignments
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.models import Cycle
from peerchallenge.dates import UK_TIME
from peerchallenge.demo.documents import demo_docx, demo_markdown
from peerchallenge.demo.seed import DEMO_DOMAIN, DEMO_REGION, LEAD_EMAIL, slug
from peerchallenge.extensions import db
from peerchallenge.letters import services as letter_services
from peerchallenge.letters.models import Letter
from peerchallenge.regions.models import Region
from peerchallenge.reviews import services as review_services
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.queries import find_submission

# What each demo authority has done in the demo cycle, so a newcomer sees a region in motion.
SIGNED_OFF_ON_TIME = ("Bedford Borough", "Cambridgeshire", "Central Bedfordshire", "Essex", "Hertfordshire")
SIGNED_OFF_LATE = ("Luton", "Suffolk")
EDITED_DRAFTS = ("Norfolk", "Peterborough")
WORD_DRAFTS = ("Southend-on-Sea",)  # uploaded as Word, with a missing section and an overlong one
DRAFTS: tuple[str, ...] = ()
UPLOADED_LATE = ("Suffolk",)  # first uploaded after the deadline
# Thurrock has not started.


def _demo_user(email: str) -> User:
    """A demo account, which `seed_demo` makes before any demo cycle."""
    user = services.find_user_by_email(email)
    if user is None:
        raise LookupError(f"The demo account {email} is missing: seed the demo region first")
    return user


def demo_cycle_title(year: int) -> str:
    return f"{DEMO_REGION} Region peer challenge {year}"


def seed_demo_cycle(region: Region, today: date) -> Cycle | None:
    """An open cycle whose self-assessment deadline has just passed; None if it exists already."""
    title = demo_cycle_title(today.year)
    if db.session.scalar(sa.select(Cycle).where(Cycle.region_id == region.id, Cycle.title == title)):
        return None
    lead = _demo_user(LEAD_EMAIL)
    cycle = cycle_services.create_cycle(
        lead,
        region,
        title=title,
        year=today.year,
        peers_per_authority=2,
        opens_on=today - timedelta(days=30),
        submissions_due_on=today - timedelta(days=3),
        reviews_due_on=today + timedelta(days=5),
        letters_due_on=today + timedelta(days=45),
        challenge_event_on=today + timedelta(days=60),
        anonymous=False,
    )
    cycle_services.open_cycle(lead, cycle)
    cycle.opened_at = _at(today - timedelta(days=30))
    template = [(section.title, section.suggested_words) for section in cycle.sections]
    for authority in region.authorities:
        name = authority.name
        contributor = _demo_user(f"contributor.{slug(name)}@{DEMO_DOMAIN}")
        director = _demo_user(f"director.{slug(name)}@{DEMO_DOMAIN}")
        if name in WORD_DRAFTS:
            data = demo_docx(name, template, omit={"Workforce"}, long={template[3][0]})
            filename = f"{name} self-assessment.docx"
        elif name in (*SIGNED_OFF_ON_TIME, *SIGNED_OFF_LATE, *EDITED_DRAFTS, *DRAFTS):
            markdown = demo_markdown(
                name, template, long={template[4][0]} if name in EDITED_DRAFTS else set()
            )
            data, filename = markdown.encode(), f"{slug(name)}-self-assessment.md"
        else:
            continue
        version = submission_services.upload_version(contributor, cycle, authority, filename, data)
        uploaded_on = today - timedelta(days=1 if name in UPLOADED_LATE else 12)
        assert version.file is not None  # an uploaded version keeps its file
        version.created_at = version.file.uploaded_at = _at(uploaded_on)
        submission = version.submission
        if name in EDITED_DRAFTS:
            position = next(
                text.position
                for text in version.sections
                if text.template_section and text.template_section.title == template[4][0]
            )
            shorter = version.sections[position].markdown.split("\n\n")[0]
            edited = submission_services.edit_section(
                contributor, submission, position, shorter, version.number
            )
            edited.created_at = _at(today - timedelta(days=5))
        if name in SIGNED_OFF_ON_TIME or name in SIGNED_OFF_LATE:
            submission_services.sign_off(director, submission)
            days_before_due = -2 if name in SIGNED_OFF_LATE else 4
            submission.signed_off_at = _at(cycle.submissions_due_on - timedelta(days=days_before_due))
    db.session.flush()
    seed_demo_reviews(cycle, today)
    seed_demo_letters(cycle)
    return cycle


def _at(day: date) -> datetime:
    """Mid-morning UK time on a day, as UTC, for back-dating demo history."""
    return datetime.combine(day, time(10, 30), tzinfo=UK_TIME).astimezone(UTC)


STRENGTHS = (
    "Clear line of sight from audit findings to practice changes.",
    "Children's voices are quoted and acted on.",
    "Honest about where practice is not yet good enough.",
    "Performance data is current and compared with statistical neighbours.",
)
DEVELOPMENT = (
    "Much of the section describes structures rather than their impact on children.",
    "Claims about improvement are not backed by audit or feedback.",
    "The section could be half the length without losing a judgement.",
    "Evidence is from last year; more recent data would strengthen it.",
)
QUESTIONS = (
    "How do you know the new model has improved children's experience?",
    "What does your audit tell you about the quality of management oversight?",
    "What would you stop doing to fund this priority?",
    "How do care leavers judge the support they receive?",
)


def demo_review_content(cycle: Cycle, seed: str) -> dict:
    """A complete, plausible review: every rating given, a few comments and questions."""
    rng = random.Random(seed)  # noqa: S311 (demo text, not security)

    def part() -> dict:
        return {
            "ratings": {scale.key: rng.choice(scale.levels[:3]).position for scale in cycle.scales},
            "strengths": rng.choice(STRENGTHS),
            "development": rng.choice(DEVELOPMENT),
            "questions": rng.sample(QUESTIONS, 2),
        }

    overall = part() | {"summary": "A readable self-assessment. " + rng.choice(DEVELOPMENT)}
    return {"sections": {str(section.id): part() for section in cycle.sections}, "overall": overall}


def seed_demo_reviews(cycle: Cycle, today: date) -> None:
    """Publish an assignment and write reviews in every state: none, draft, submitted, both submitted."""
    lead = _demo_user(LEAD_EMAIL)
    assignment_services.generate_proposal(lead, cycle)
    assignment_services.publish(lead, cycle)
    cycle.assignments_published_at = _at(today - timedelta(days=2))
    by_reviewed: dict[int, list] = {}
    for assignment in cycle_assignments(cycle, AssignmentState.PUBLISHED):
        submission = find_submission(cycle, assignment.reviewed)
        if submission is not None and submission.is_signed_off:
            by_reviewed.setdefault(assignment.reviewed_id, []).append(assignment)
    # Reviewed authorities in turn: both reviews submitted (so their letters are composed) for five,
    # then one submitted and one draft, then one draft; the others' reviewers have not started.
    plans = [("submit", "submit")] * 5 + [("submit", "draft"), ("draft",)]
    for plan, assignments in zip(plans, by_reviewed.values(), strict=False):
        for step, assignment in zip(plan, assignments, strict=False):
            director = _demo_user(f"director.{slug(assignment.reviewer.name)}@{DEMO_DOMAIN}")
            content = demo_review_content(cycle, f"{assignment.reviewer.name}-{assignment.reviewed.name}")
            if step == "draft":
                content["overall"] = {
                    "ratings": {},
                    "strengths": "",
                    "development": "",
                    "questions": [],
                    "summary": "",
                }
                review_services.save_draft(director, assignment, content, 0)
            else:
                review_services.submit(director, assignment, content, 0)
    db.session.flush()


DEMO_RESPONSE = """We thank our peers for a careful reading. What we will do:

- **Evidence of impact:** our quality assurance framework will report on children's outcomes, not only
  on compliance, from April.
- **Length:** next year's self-assessment will be half the length, with a one-page summary.
- **Care leavers' views:** we will ask our care leavers' forum to judge our support and publish the results.
"""


def seed_demo_letters(cycle: Cycle) -> None:
    """The composed letters in every state: composed, edited and approved, released, read, responded."""
    lead = _demo_user(LEAD_EMAIL)
    letters = db.session.scalars(
        sa.select(Letter).where(Letter.cycle_id == cycle.id).order_by(Letter.id)
    ).all()
    states = ["composed", "approved", "released", "read", "responded"]
    for state, letter in zip(states, letters, strict=False):
        if state == "composed":
            continue
        director = _demo_user(f"director.{slug(letter.authority.name)}@{DEMO_DOMAIN}")
        edited = letter.body.replace(
            "\n", f"\n\nThank you for the openness of {letter.authority.name}'s self-assessment.\n", 1
        )
        letter_services.save_text(lead, letter, edited, letter.current_version.number)
        letter_services.approve(lead, letter)
        if state == "approved":
            continue
        letter_services.release(lead, letter)
        if state in ("read", "responded"):
            letter_services.record_read(director, letter)
        if state == "responded":
            letter_services.respond(director, letter, acknowledged=True, response=DEMO_RESPONSE)
    db.session.flush()

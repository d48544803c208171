"""Two people doing the same thing at the same instant: one wins, the other gets a clear answer and
keeps what it typed, and emails and audit events go out once.

Each test runs two requests in two threads, each with its own app context and database session. Both
read what they need first; at its first write or row lock each waits for the other, then both go on.
SQLite lets one writer in at a time, so a real race needs PostgreSQL: these run in CI's PostgreSQL pass.
"""

import io
import os
import threading

import pytest
import sqlalchemy as sa
from markupsafe import escape

from peerchallenge.accounts.models import User
from peerchallenge.actions.models import PackFile
from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.audit.models import AuditEvent
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, utcnow
from peerchallenge.letters import files as letter_files
from peerchallenge.letters.models import FileKind, Letter, LetterFile, LetterRead, LetterState, LetterVersion
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.page_cache import DataStamp
from peerchallenge.reviews import services as review_services
from peerchallenge.reviews.models import Review, ReviewState
from peerchallenge.submissions.models import Submission, SubmissionState, SubmissionVersion
from peerchallenge.submissions.queries import find_submission
from peerchallenge.themes.models import ThemesPaper
from tests.actions.builders import released_letter
from tests.conftest import DEMO_PASSWORD
from tests.scenarios import (
    NEWCOMER_EMAIL,
    open_cycle,
    page_url,
    review_content,
    self_assessment_md,
    submit,
    submit_both,
    upload,
)

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="two writers at the same instant need PostgreSQL; SQLite lets one writer in at a time",
)

WRITES = ("INSERT", "UPDATE", "DELETE")


def at_once(*actions) -> list:
    """Run the actions in threads of their own; each waits for the others at its first write or lock."""
    barrier = threading.Barrier(len(actions), timeout=20)
    racing = threading.local()

    def wait_for_the_others(connection, cursor, statement, parameters, context, executemany):
        if getattr(racing, "waiting", False):
            text = statement.lstrip().upper()
            if text.startswith(WRITES) or "FOR UPDATE" in text or "FOR NO KEY UPDATE" in text:
                racing.waiting = False
                barrier.wait()

    results: list = [None] * len(actions)

    def run(index, action):
        racing.waiting = True
        try:
            results[index] = action()
        except Exception as error:  # reported by the assertions below
            results[index] = error

    sa.event.listen(db.engine, "before_cursor_execute", wait_for_the_others)
    try:
        threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", wait_for_the_others)
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


def demo_client(app, email: str):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
    return client


def post(client, path, data=None):
    return lambda: client.post(path, data=data or {})


def events(kind: str) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.kind == kind))


def emails(kind: str) -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxEmail.id)).where(OutboxEmail.kind == kind))


def statuses(responses) -> list[int]:
    return sorted(response.status_code for response in responses)


# The same text saved twice at once


def test_two_saves_of_one_section_keep_the_losers_text(world, sign_in):
    cycle = open_cycle(world)
    contributor, director = sign_in(world.contributor), sign_in(world.director)
    assert upload(contributor, cycle, world.authority, self_assessment_md(), "sa.md").status_code == 302
    url = page_url(cycle, world.authority) + "/sections/1/edit"

    texts = ["The contributor's words", "The director's words"]

    responses = at_once(
        post(contributor, url, {"markdown": texts[0], "base_version": 1}),
        post(director, url, {"markdown": texts[1], "base_version": 1}),
    )

    assert statuses(responses) == [302, 409]
    loser = next(index for index, response in enumerate(responses) if response.status_code == 409)
    page = responses[loser].get_data(as_text=True)
    assert "Someone saved a new version" in page
    assert escape(texts[loser]) in page  # kept in the box to save again
    assert texts[1 - loser].split("'")[0] in page  # the winner's text, rendered, to compare
    db.session.expire_all()
    numbers = db.session.scalars(sa.select(SubmissionVersion.number).order_by(SubmissionVersion.number))
    assert list(numbers) == [1, 2]
    assert events("submission_edited") == 1


def test_two_saves_of_one_letter_keep_the_losers_text(reviewing, world, sign_in):
    letter = submit_both(reviewing)
    lead, admin = sign_in(reviewing.lead), sign_in(world.admin)
    url = f"/letters/{letter.id}"

    texts = ["The lead's letter", "The admin's letter"]

    responses = at_once(
        post(lead, url, {"body": texts[0], "base_version": 1}),
        post(admin, url, {"body": texts[1], "base_version": 1}),
    )

    assert statuses(responses) == [302, 409]
    loser = next(index for index, response in enumerate(responses) if response.status_code == 409)
    page = responses[loser].get_data(as_text=True)
    assert "Nothing you typed has been lost" in page
    assert escape(texts[loser]) in page
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(LetterVersion.id))) == 2
    assert events("letter_edited") == 1


def test_the_same_new_user_added_twice_at_once_is_one_user(world, sign_in):
    lead, admin = sign_in(world.lead), sign_in(world.admin)
    url = f"/regions/{world.region.id}/users/new"
    form = {
        "name": "Nia Newcomer",
        "email": NEWCOMER_EMAIL,
        "role": "contributor",
        "authority": world.sibling.id,
    }

    responses = at_once(post(lead, url, form), post(admin, url, form))

    assert statuses(responses) == [302, 409]
    page = next(response for response in responses if response.status_code == 409).get_data(as_text=True)
    assert "A user with this email address already exists" in page
    assert "Nia Newcomer" in page  # the form comes back as typed
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == NEWCOMER_EMAIL)) == 1
    assert events("user_added") == 1


# Changes of state happen once


def test_a_letter_released_by_two_people_at_once_is_released_once(reviewing, world, sign_in):
    letter = submit_both(reviewing)
    lead, admin = sign_in(reviewing.lead), sign_in(world.admin)
    assert lead.post(f"/letters/{letter.id}/approve").status_code == 302

    at_once(post(lead, f"/letters/{letter.id}/release"), post(admin, f"/letters/{letter.id}/release"))

    db.session.expire_all()
    assert db.session.get(Letter, letter.id).state == LetterState.RELEASED
    assert events("letter_released") == 1
    readers = 2  # the reviewed authority's director and contributor
    assert emails("letter_released") == readers


def test_release_all_and_one_release_at_once_release_each_letter_once(reviewing, world, sign_in):
    letter = submit_both(reviewing)
    lead, admin = sign_in(reviewing.lead), sign_in(world.admin)
    assert lead.post(f"/letters/{letter.id}/approve").status_code == 302

    at_once(
        post(lead, f"/cycles/{reviewing.cycle.id}/letters/release"),
        post(admin, f"/letters/{letter.id}/release"),
    )

    assert events("letter_released") == 1
    assert emails("letter_released") == 2


def test_a_letter_approved_twice_at_once_is_approved_once(reviewing, world, sign_in):
    letter = submit_both(reviewing)
    lead, admin = sign_in(reviewing.lead), sign_in(world.admin)

    at_once(post(lead, f"/letters/{letter.id}/approve"), post(admin, f"/letters/{letter.id}/approve"))

    assert events("letter_approved") == 1


def test_a_letter_acknowledged_by_two_people_at_once_is_acknowledged_once(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    assert lead.post(f"/letters/{letter.id}/approve").status_code == 302
    assert lead.post(f"/letters/{letter.id}/release").status_code == 302
    director, contributor = sign_in(reviewing.reviewed_director), sign_in(reviewing.reviewed_contributor)
    url = f"/letters/{letter.id}/response"

    at_once(
        post(director, url, {"acknowledged": "y", "response": "We will act."}),
        post(contributor, url, {"acknowledged": "y", "response": "We will act."}),
    )

    assert events("letter_acknowledged") == 1
    assert events("letter_responded") == 1
    assert emails("letter_responded") == 1  # the region's lead, told once


def test_the_same_missing_letter_file_asked_for_twice_at_once_is_rendered_once(
    reviewing, world, sign_in, monkeypatch
):
    letter = submit_both(reviewing)  # composed, not approved: the version has no files yet
    lead, admin = sign_in(reviewing.lead), sign_in(world.admin)
    rendered = []
    render = letter_files.RENDERERS[FileKind.PDF]

    def counted(details):
        rendered.append(details.title)
        return render(details)

    monkeypatch.setitem(letter_files.RENDERERS, FileKind.PDF, counted)
    url = f"/letters/{letter.id}/letter.pdf"

    responses = at_once(lambda: lead.get(url), lambda: admin.get(url))

    assert statuses(responses) == [200, 200]
    assert responses[0].data == responses[1].data and responses[0].data.startswith(b"%PDF")
    assert len(rendered) == 1  # the second request waited for the first one's file
    assert db.session.scalar(sa.select(sa.func.count(LetterFile.id))) == 1
    assert events("letter_downloaded") == 2


def test_the_same_pack_asked_for_twice_at_once_is_made_once(world, sign_in):
    letter = released_letter(world)  # released, with no pack made yet
    director, lead = sign_in(world.director), sign_in(world.lead)
    url = f"/letters/{letter.id}/pack.docx"

    responses = at_once(lambda: director.get(url), lambda: lead.get(url))

    assert statuses(responses) == [200, 200]
    assert responses[0].data == responses[1].data and responses[0].data.startswith(b"PK")
    # One row: a second pack made beside the first would have broken the one-pack-a-letter constraint.
    assert db.session.scalar(sa.select(sa.func.count(PackFile.id))) == 1
    assert events("pack_downloaded") == 2


def test_the_same_themes_paper_asked_for_twice_at_once_is_made_once(demo, demo_app):
    lead, admin = (
        demo_client(demo_app, email) for email in ("lead.eastern@demo.example", "admin@demo.example")
    )
    url = f"/cycles/{demo.cycle.id}/themes.docx"

    responses = at_once(lambda: lead.get(url), lambda: admin.get(url))

    assert statuses(responses) == [200, 200]
    assert responses[0].data == responses[1].data and responses[0].data.startswith(b"PK")
    assert db.session.scalar(sa.select(sa.func.count(ThemesPaper.id))) == 1
    assert events("themes_exported") == 2


def test_while_a_file_is_made_rows_that_refer_to_its_record_can_still_be_added(world):
    """A file is made under its record's row lock, taken FOR NO KEY UPDATE: another transaction can add a row
    referring to the record meanwhile (its foreign key takes a key share), where FOR UPDATE would hold it up
    until the file was made (here it would give up after its lock timeout)."""
    letter = released_letter(world)
    added = []

    def render() -> bytes:
        # Made while this session holds the letter's lock: another connection records a read of the letter.
        with db.engine.connect() as other:
            other.execute(sa.text("SET lock_timeout = '2s'"))
            other.execute(
                sa.insert(LetterRead).values(letter_id=letter.id, user_id=world.director.id, read_at=utcnow())
            )
            other.commit()
        added.append(letter.id)
        return b"the file"

    kept = letter_files.current_file(
        letter_files.letter_details(letter),
        render,
        letter,
        sa.select(PackFile).where(PackFile.letter_id == letter.id),
        lambda sha256, data: PackFile(letter=letter, source_sha256=sha256, data=data),
    )
    db.session.commit()

    assert added == [letter.id] and kept.data == b"the file"
    assert db.session.scalar(sa.select(sa.func.count(LetterRead.id)).where(LetterRead.letter_id == letter.id))


def test_assignments_published_twice_at_once_are_published_once(six, world, sign_in):
    assignment_services.generate_proposal(six.lead, six.cycle)
    db.session.commit()
    lead, admin = sign_in(six.lead), sign_in(world.admin)
    url = f"/cycles/{six.cycle.id}/assignments/publish"

    at_once(post(lead, url), post(admin, url))

    assert events("assignment_published") == 1
    published_emails = emails("assignments_published")
    db.session.expire_all()
    assert published_emails == len(six.directors)  # one to each reviewing authority's director
    assert db.session.scalar(
        sa.select(sa.func.count(Assignment.id)).where(Assignment.state == AssignmentState.PUBLISHED)
    ) == 2 * len(six.authorities)


def test_a_self_assessment_signed_off_twice_at_once_is_signed_off_once(world, sign_in):
    cycle = open_cycle(world)
    assert (
        upload(sign_in(world.contributor), cycle, world.authority, self_assessment_md(), "sa.md").status_code
        == 302
    )
    first, second = sign_in(world.director), sign_in(world.director)
    url = page_url(cycle, world.authority) + "/sign-off"

    at_once(post(first, url), post(second, url))

    assert events("submission_signed_off") == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(Submission.state)) == SubmissionState.SIGNED_OFF


def test_a_review_submitted_twice_at_once_is_submitted_once(app, reviewing):
    assignment_id, director_id = reviewing.assignment.id, reviewing.reviewer_director.id

    def submit_review():
        with app.app_context():
            assignment = db.session.get(Assignment, assignment_id)
            try:
                review_services.submit(
                    db.session.get(User, director_id), assignment, review_content(assignment.cycle), 0
                )
            except ServiceError:  # changed meanwhile, or already submitted: either way, not twice
                db.session.rollback()
                return "refused"
            db.session.commit()
            return "submitted"

    assert sorted(at_once(submit_review, submit_review)) == ["refused", "submitted"]
    assert events("review_submitted") == 1
    assert emails("review_submitted") == 1
    assert db.session.scalar(sa.select(Review.state)) == ReviewState.SUBMITTED


def test_the_last_two_reviews_submitted_at_once_compose_the_letter_once(app, reviewing):
    r = reviewing
    pairs = [(r.assignment.id, r.reviewer_director.id), (r.co_assignment.id, r.co_director.id)]

    def submit_review(assignment_id, director_id):
        def action():
            with app.app_context():
                assignment = db.session.get(Assignment, assignment_id)
                submit(assignment, db.session.get(User, director_id), review_content(assignment.cycle))

        return action

    at_once(*(submit_review(*pair) for pair in pairs))

    assert events("letter_composed") == 1
    assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 1
    submission = find_submission(r.cycle, r.assignment.reviewed)
    assert submission is not None


def upload_now(client, url: str, data: bytes):
    return lambda: client.post(
        url, data={"file": (io.BytesIO(data), "sa.md")}, content_type="multipart/form-data"
    )


@pytest.mark.parametrize("first_upload", [True, False])
def test_two_uploads_at_once_are_two_versions_or_a_clear_refusal(world, sign_in, first_upload):
    cycle = open_cycle(world)
    contributor, director = sign_in(world.contributor), sign_in(world.director)
    url = page_url(cycle, world.authority)
    if not first_upload:
        assert upload(contributor, cycle, world.authority, self_assessment_md(), "sa.md").status_code == 302

    responses = at_once(
        upload_now(contributor, url + "/upload", self_assessment_md(extra="One")),
        upload_now(director, url + "/upload", self_assessment_md(extra="Two")),
    )

    db.session.expire_all()
    saved = db.session.scalar(sa.select(sa.func.count(SubmissionVersion.id)))
    if first_upload:
        # Nothing to lock yet: the database lets one first upload in, and the other is told.
        assert statuses(responses) == [302, 400]
        page = next(response for response in responses if response.status_code == 400).get_data(as_text=True)
        assert "Someone else uploaded this self-assessment at the same moment" in page
        assert saved == 1
    else:
        assert statuses(responses) == [302, 302]
        assert saved == 3
    assert events("submission_uploaded") == saved


# Kept pages (peerchallenge/page_cache.py)


def test_two_writes_at_once_each_raise_the_data_stamp_and_show_on_kept_pages(world, sign_in):
    """Both commits take the stamp's row in turn: neither raise is lost, so neither change hides behind a page
    kept before it."""
    director, lead = sign_in(world.director), sign_in(world.lead)
    for client in (director, lead):
        for _ in range(3):
            client.get("/account")  # kept from the second view on
    before = db.session.scalar(sa.select(DataStamp.value))
    db.session.rollback()

    responses = at_once(
        post(director, "/account/address", {"salutation": "Dr Director"}),
        post(lead, "/account/address", {"salutation": "Lee the Lead"}),
    )

    assert statuses(responses) == [302, 302]
    assert db.session.scalar(sa.select(DataStamp.value)) == before + 2
    director.get("/account")  # the message flashed after saving
    lead.get("/account")
    assert "Dear Dr Director," in director.get("/account").get_data(as_text=True)
    assert "Dear Lee the Lead," in lead.get("/account").get_data(as_text=True)

"""Letters through the service and the routes: composing, editing, versions, approval, release, reading,
downloads and responses, and who may see what."""

import io
import re

import docx
import pypdf
import pytest
import sqlalchemy as sa

from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles.models import CycleState
from peerchallenge.extensions import db
from peerchallenge.letters.models import Letter, LetterRead, LetterState, VersionSource
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.reviews import services as review_services
from peerchallenge.reviews.models import Review
from tests.scenarios import approve_and_release, letter_of, move_to, review_content, submit, submit_both

# Composing


def test_no_letter_until_every_review_is_submitted(reviewing):
    submit(reviewing.assignment, reviewing.reviewer_director, review_content(reviewing.cycle))
    assert letter_of(reviewing) is None


def test_the_last_review_composes_the_letter_with_both_peers_and_their_agreement(reviewing):
    cycle = reviewing.cycle
    letter = submit_both(
        reviewing,
        first=review_content(cycle, strength="Strong multi-agency safeguarding partnership"),
        second=review_content(
            cycle,
            level=1,
            strength="strong multi agency safeguarding partnership.",
            question="How do you know?",
        ),
    )
    assert letter is not None and letter.state == LetterState.COMPOSED
    assert [version.source for version in letter.versions] == [VersionSource.COMPOSED]
    body = letter.body
    assert reviewing.assignment.reviewer.name in body and reviewing.co_assignment.reviewer.name in body
    assert reviewing.assignment.reviewed.name in body
    for section in cycle.sections:
        assert section.title in body
    # The ratings side by side (level 0 against level 1 on every scale), with no word on how far apart:
    # that is the lead's moderation aid, not the authority's to read.
    assert "Agreement" not in body and "apart" not in body and "more than one peer" not in body
    # In the annex the near-duplicate strength appears once a part, attributed to both peers; the letter
    # above it says it once, although every part makes it.
    letter_part, annex = body.lower().split("## annex: section by section")
    assert annex.count("multi-agency safeguarding partnership") == len(cycle.sections) + 1
    assert "multi agency safeguarding partnership" not in body.lower()
    both = f"({reviewing.assignment.reviewer.name}, {reviewing.co_assignment.reviewer.name})".lower()
    assert annex.count(f"multi-agency safeguarding partnership {both}") == len(cycle.sections) + 1
    strengths = letter_part.split("## strengths")[1].split("## areas for consideration")[0]
    assert strengths.count("- strong multi-agency safeguarding partnership\n") == 1
    assert "How do you know?" in body
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "letter_composed")) is not None


def test_an_anonymous_cycle_names_peer_1_and_peer_2_only(reviewing):
    reviewing.cycle.anonymous = True
    db.session.commit()
    letter = submit_both(reviewing)
    assert "Peer 1" in letter.body and "Peer 2" in letter.body
    assert reviewing.assignment.reviewer.name not in letter.body
    assert reviewing.co_assignment.reviewer.name not in letter.body


# Access


def test_before_release_the_authority_and_outsiders_see_nothing(reviewing, sign_in, world):
    letter = submit_both(reviewing)
    for user in (reviewing.reviewed_director, reviewing.reviewed_contributor, reviewing.reviewer_director):
        client = sign_in(user)
        for url in (
            f"/letters/{letter.id}/read",
            f"/letters/{letter.id}/letter.pdf",
            f"/letters/{letter.id}/letter.docx",
        ):
            assert client.get(url).status_code == 404, (user.email, url)
        assert client.get(f"/letters/{letter.id}").status_code == 403
    assert sign_in(world.other_lead).get(f"/letters/{letter.id}").status_code == 403
    assert sign_in(world.other_lead).get(f"/cycles/{reviewing.cycle.id}/letters").status_code == 403
    assert sign_in(reviewing.lead).get(f"/letters/{letter.id}").status_code == 200


def test_after_release_only_the_authority_its_peers_and_the_lead_read_it(reviewing, sign_in, world):
    letter = submit_both(reviewing)
    approve_and_release(sign_in(reviewing.lead), letter)
    urls = (
        f"/letters/{letter.id}/read",
        f"/letters/{letter.id}/letter.pdf",
        f"/letters/{letter.id}/letter.docx",
    )
    allowed = (
        reviewing.reviewed_director,
        reviewing.reviewed_contributor,
        reviewing.reviewer_director,
        reviewing.lead,
    )
    for user in allowed:
        client = sign_in(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user.email, url)
    # Someone from another authority of the region that did not review it, and another region's people.
    index = {a.id: n for n, a in enumerate(reviewing.six.authorities)}
    reviewers = {
        reviewing.assignment.reviewer_id,
        reviewing.co_assignment.reviewer_id,
        reviewing.assignment.reviewed_id,
    }
    outsider = next(
        reviewing.six.directors[index[a.id]] for a in reviewing.six.authorities if a.id not in reviewers
    )
    for user in (outsider, world.other_director, world.no_role):
        client = sign_in(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.email, url)
    assert sign_in(world.other_lead).get(urls[0]).status_code == 404


# Editing and versions


def test_each_save_is_a_version_and_a_stale_page_keeps_the_typed_text(reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    original = letter.body
    edited = original + "\nWe look forward to meeting you.\n"
    response = client.post(f"/letters/{letter.id}", data={"body": edited, "base_version": 1})
    assert response.status_code == 302
    stale = client.post(f"/letters/{letter.id}", data={"body": "My other tab's text", "base_version": 1})
    assert stale.status_code == 409
    assert "My other tab&#39;s text" in stale.get_data(as_text=True)
    letter = letter_of(reviewing)
    assert [v.source for v in letter.versions] == [VersionSource.COMPOSED, VersionSource.EDITED]
    assert letter.body.rstrip().endswith("We look forward to meeting you.")

    diff = client.get(f"/letters/{letter.id}/compare?from=1&to=2").get_data(as_text=True)
    assert "Added" in diff and "<ins>We look forward to meeting you.</ins>" in diff
    assert client.get(f"/letters/{letter.id}/compare?from=1&to=99").status_code == 404
    assert client.get(f"/letters/{letter.id}/compare?from=x&to=2").status_code == 200

    assert client.post(f"/letters/{letter.id}/versions/1/restore").status_code == 302
    letter = letter_of(reviewing)
    assert letter.current_version.number == 3 and letter.current_version.source == VersionSource.RESTORED
    assert letter.body == original
    assert len(letter.versions) == 3  # nothing lost


def test_an_unchanged_save_makes_no_version_and_junk_is_refused(reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    assert (
        client.post(f"/letters/{letter.id}", data={"body": letter.body, "base_version": 1}).status_code == 302
    )
    assert len(letter_of(reviewing).versions) == 1
    assert client.post(f"/letters/{letter.id}", data={"body": "", "base_version": 1}).status_code == 400
    assert client.post(f"/letters/{letter.id}", data={"body": "x", "base_version": "junk"}).status_code == 400
    assert (
        client.post(f"/letters/{letter.id}", data={"body": "x" * 100_001, "base_version": 1}).status_code
        == 400
    )
    assert len(letter_of(reviewing).versions) == 1


def test_an_expired_form_keeps_the_text(app, reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/letters/{letter.id}", data={"body": "Typed for an hour", "base_version": 1})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Typed for an hour" in page and "The page had expired" in page


def test_a_reopened_review_recomposes_an_unedited_letter(reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    assert client.post(f"/reviews/{reviewing.assignment.id}/reopen").status_code == 302
    page = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "It will then be composed again by itself" in page and "Keep my edited letter" not in page
    client.post(f"/letters/{letter.id}/approve")
    assert letter_of(reviewing).state == LetterState.COMPOSED  # not while a review is reopened
    submit(reviewing.assignment, reviewing.reviewer_director, review_content(reviewing.cycle, level=3))
    letter = letter_of(reviewing)
    assert [v.source for v in letter.versions] == [VersionSource.COMPOSED, VersionSource.RECOMPOSED]
    assert letter.reviews_changed_at is None
    assert letter.body != letter.versions[0].body  # the new ratings are in


def test_a_reopened_review_asks_before_replacing_edits(reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    client.post(f"/letters/{letter.id}", data={"body": "My careful edit", "base_version": 1})
    client.post(f"/letters/{letter.id}/approve")
    client.post(f"/reviews/{reviewing.assignment.id}/reopen")
    assert letter_of(reviewing).state == LetterState.COMPOSED  # approval withdrawn
    submit(reviewing.assignment, reviewing.reviewer_director, review_content(reviewing.cycle, level=3))
    letter = letter_of(reviewing)
    assert letter.body.strip() == "My careful edit"  # not replaced behind the lead's back
    assert letter.reviews_changed_at is not None
    page = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "Keep my edited letter" in page
    client.post(f"/letters/{letter.id}/approve")
    assert letter_of(reviewing).state == LetterState.COMPOSED  # refused until the lead decides
    confirm = client.get(f"/letters/{letter.id}/recompose").get_data(as_text=True)
    assert "Your edits will not be in the new version" in confirm
    assert client.post(f"/letters/{letter.id}/recompose").status_code == 302
    letter = letter_of(reviewing)
    assert letter.current_version.source == VersionSource.RECOMPOSED
    assert "Dear " in letter.body and "My careful edit" not in letter.body
    assert any(version.body.strip() == "My careful edit" for version in letter.versions)


def test_keeping_edits_clears_the_question(reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    client.post(f"/letters/{letter.id}", data={"body": "My careful edit", "base_version": 1})
    client.post(f"/reviews/{reviewing.assignment.id}/reopen")
    refused = client.post(f"/letters/{letter.id}/keep-edits", follow_redirects=True)
    assert "There is nothing to confirm" in refused.get_data(as_text=True)  # the review is not back yet
    submit(reviewing.assignment, reviewing.reviewer_director, review_content(reviewing.cycle, level=3))
    assert letter_of(reviewing).reviews_changed_at is not None
    client.post(f"/letters/{letter.id}/keep-edits")
    letter = letter_of(reviewing)
    assert letter.reviews_changed_at is None and letter.body.strip() == "My careful edit"


# Approval and release


def test_release_needs_approval_and_emails_the_authority(reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    client.post(f"/letters/{letter.id}/release")
    assert letter_of(reviewing).state == LetterState.COMPOSED
    approve_and_release(client, letter)
    letter = letter_of(reviewing)
    assert letter.state == LetterState.RELEASED and letter.released_at is not None
    recipients = set(
        db.session.scalars(sa.select(OutboxEmail.to_address).where(OutboxEmail.kind == "letter_released"))
    )
    assert recipients == {reviewing.reviewed_director.email, reviewing.reviewed_contributor.email}
    # A released letter can no longer be edited, restored or recomposed, nor its reviews reopened.
    assert (
        client.post(f"/letters/{letter.id}", data={"body": "late edit", "base_version": 1}).status_code == 409
    )
    client.post(f"/letters/{letter.id}/recompose")
    client.post(f"/reviews/{reviewing.assignment.id}/reopen")
    assert letter_of(reviewing).body != "late edit\n" and len(letter_of(reviewing).versions) == 1
    assert db.session.get(Review, review_services.find_review(reviewing.assignment).id).is_submitted


def test_release_all_releases_only_approved_letters(reviewing, sign_in):
    region6 = reviewing.six
    for assignment in db.session.scalars(
        sa.select(Assignment).where(
            Assignment.cycle_id == region6.cycle.id, Assignment.state == AssignmentState.PUBLISHED
        )
    ):
        index = region6.authorities.index(assignment.reviewer)
        submit(assignment, region6.directors[index], review_content(region6.cycle))
    letters = list(db.session.scalars(sa.select(Letter).order_by(Letter.id)))
    assert len(letters) == 6
    move_to(region6.cycle, reviewing.lead, CycleState.CONSOLIDATING)
    client = sign_in(reviewing.lead)
    for letter in letters[:4]:
        client.post(f"/letters/{letter.id}/approve")
    page = client.get(f"/cycles/{region6.cycle.id}/letters").get_data(as_text=True)
    assert "Release all approved letters (4)" in page
    released = client.post(f"/cycles/{region6.cycle.id}/letters/release", follow_redirects=True)
    assert "4 letters have been released" in released.get_data(as_text=True)
    db.session.expire_all()
    states = [db.session.get(Letter, letter.id).state for letter in letters]
    assert states.count(LetterState.RELEASED) == 4 and states.count(LetterState.COMPOSED) == 2


# Reading and responding


def test_first_reading_by_each_person_is_recorded_and_shown_to_the_lead(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    approve_and_release(lead, letter)
    director = sign_in(reviewing.reviewed_director)
    director.get(f"/letters/{letter.id}/read")
    director.get(f"/letters/{letter.id}/read")
    sign_in(reviewing.reviewer_director).get(f"/letters/{letter.id}/read")  # a peer is not a reader
    lead.get(f"/letters/{letter.id}/read")
    reads = list(db.session.scalars(sa.select(LetterRead)))
    assert [read.user_id for read in reads] == [reviewing.reviewed_director.id]
    page = lead.get(f"/letters/{letter.id}").get_data(as_text=True)
    readers = page[page.index('id="readers"') :]
    assert reviewing.reviewed_director.name in readers and "Not read yet" in readers


def test_the_authority_acknowledges_and_responds_and_the_lead_and_peers_see_it(reviewing, sign_in):
    letter = submit_both(reviewing)
    approve_and_release(sign_in(reviewing.lead), letter)
    contributor = sign_in(reviewing.reviewed_contributor)
    refused = contributor.post(f"/letters/{letter.id}/response", data={"response": "We will act."})
    assert refused.status_code == 400 and "acknowledge" in refused.get_data(as_text=True)
    assert "We will act." in refused.get_data(as_text=True)  # the text typed comes back
    response = contributor.post(
        f"/letters/{letter.id}/response",
        data={"acknowledged": "y", "response": "- **Early help**: we will audit.\n<script>alert(1)</script>"},
    )
    assert response.status_code == 302
    letter = letter_of(reviewing)
    assert letter.acknowledged_by_id == reviewing.reviewed_contributor.id and letter.responded_at is not None
    for user in (reviewing.lead, reviewing.reviewer_director, reviewing.co_director):
        page = sign_in(user).get(f"/letters/{letter.id}/read").get_data(as_text=True)
        assert "<strong>Early help</strong>: we will audit." in page
        assert "<script>alert(1)</script>" not in page
    assert (
        sign_in(reviewing.reviewer_director)
        .post(f"/letters/{letter.id}/response", data={"acknowledged": "y", "response": "Not ours"})
        .status_code
        == 403
    )
    assert "Received" in sign_in(reviewing.lead).get(f"/cycles/{reviewing.cycle.id}/letters").get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.kind == "letter_responded")) is not None


def test_downloads_are_a_real_pdf_and_a_structured_word_file(reviewing, sign_in):
    letter = submit_both(reviewing)
    approve_and_release(sign_in(reviewing.lead), letter)
    client = sign_in(reviewing.reviewed_director)
    pdf = client.get(f"/letters/{letter.id}/letter.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    text = re.sub(r"\s+", " ", text)
    for section in reviewing.cycle.sections:
        assert section.title in text
    word = client.get(f"/letters/{letter.id}/letter.docx")
    document = docx.Document(io.BytesIO(word.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for section in reviewing.cycle.sections:
        assert section.title in headings
    kinds = list(
        db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.kind == "letter_downloaded"))
    )
    assert sorted(details["format"] for details in kinds) == ["docx", "pdf"]


# The template


@pytest.mark.parametrize(
    "source",
    [
        "{{ config }}\n{{ sections }}{{ overall }}",
        "Dear {{ dcs_name }},\n{{ ''.__class__ }}\n{{ sections }}{{ overall }}",
        "{% include 'base.html' %}{{ sections }}{{ overall }}",
        "{{ sections }}{{ overall }}{% if %}",
    ],
)
def test_a_harmful_or_broken_template_is_refused_with_its_line(reviewing, sign_in, source):
    client = sign_in(reviewing.lead)
    url = f"/cycles/{reviewing.cycle.id}/letters/template"
    for action in ("preview", "save"):
        response = client.post(url, data={"template": source, action: "1"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert re.search(r"Line \d", page), page
        assert "SECRET_KEY" not in page and "&lt;class" not in page
    db.session.expire_all()
    assert reviewing.cycle.letter_template is None


def test_a_saved_template_is_used_for_letters_composed_after(reviewing, sign_in):
    client = sign_in(reviewing.lead)
    url = f"/cycles/{reviewing.cycle.id}/letters/template"
    source = (
        "# To {{ authority }}\n\nFrom {{ region }} ({{ peers }}).\n\n{{ strengths }}\n\n"
        "{{ areas_for_consideration }}\n\n{{ lines_of_enquiry }}\n"
    )
    preview = client.post(url, data={"template": source, "preview": "1"})
    assert preview.status_code == 200 and "To Example Council" in preview.get_data(as_text=True)
    assert client.post(url, data={"template": source, "save": "1"}).status_code == 302
    letter = submit_both(reviewing)
    assert letter.body.startswith(f"# To {reviewing.assignment.reviewed.name}")
    assert "Example Council" not in letter.body


def test_withdrawing_a_reviewer_holds_back_the_letters_it_reviewed(reviewing, sign_in):
    from peerchallenge.assignments import services as assignment_services

    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    client.post(f"/letters/{letter.id}/approve")
    db.session.expire_all()  # the approval was made by another session, the request's
    assignment_services.withdraw_authority(reviewing.lead, reviewing.cycle, reviewing.assignment.reviewer)
    db.session.commit()
    letter = letter_of(reviewing)
    assert letter.state == LetterState.COMPOSED  # approval withdrawn: a new reviewer has its review to write
    client.post(f"/letters/{letter.id}/approve")
    assert letter_of(reviewing).state == LetterState.COMPOSED
    assert "a new reviewer has been assigned" in client.get(f"/letters/{letter.id}").get_data(as_text=True)


def test_control_characters_are_dropped_and_a_blank_response_refused(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    lead.post(f"/letters/{letter.id}", data={"body": "Dear\x00 colleague\x07,\r\nthanks", "base_version": 1})
    assert letter_of(reviewing).body == "Dear colleague,\nthanks\n"
    approve_and_release(lead, letter)
    director = sign_in(reviewing.reviewed_director)
    director.post(
        f"/letters/{letter.id}/response", data={"acknowledged": "y", "response": "We\x00 will act."}
    )
    assert letter_of(reviewing).response == "We will act."
    blank = director.post(f"/letters/{letter.id}/response", data={"acknowledged": "y", "response": ""})
    assert blank.status_code == 400 and "Enter your response" in blank.get_data(as_text=True)
    same = director.post(
        f"/letters/{letter.id}/response", data={"acknowledged": "y", "response": "We will act."}
    )
    assert "Nothing had changed" in director.get(same.headers["Location"]).get_data(as_text=True)
    assert letter_of(reviewing).response == "We will act."


def test_peers_find_the_released_letters_of_authorities_they_reviewed(reviewing, sign_in):
    letter = submit_both(reviewing)
    reviewer = sign_in(reviewing.reviewer_director)
    name = reviewing.assignment.reviewed.name
    assert f"letter to {name}" not in reviewer.get("/letters").get_data(as_text=True)
    approve_and_release(sign_in(reviewing.lead), letter)
    page = reviewer.get("/letters").get_data(as_text=True)
    assert "Letters to authorities you reviewed" in page and f"/letters/{letter.id}/read" in page
    own = sign_in(reviewing.reviewed_director).get("/letters").get_data(as_text=True)
    assert f"/letters/{letter.id}/read" in own


def test_emails_link_to_the_page_in_full(app, reviewing, sign_in):
    letter = submit_both(reviewing)
    approve_and_release(sign_in(reviewing.lead), letter)
    base = app.config["PUBLIC_URL"]
    released = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.kind == "letter_released"))
    assert f"{base}/letters/{letter.id}/read" in released.body
    submitted = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.kind == "review_submitted"))
    assert f"{base}/reviews/" in submitted.body


def test_released_letters_refuse_changes_without_losing_the_text(reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    approve_and_release(client, letter)
    response = client.post(f"/letters/{letter.id}", data={"body": "My late thought", "base_version": 1})
    assert response.status_code == 409 and "My late thought" in response.get_data(as_text=True)
    for page in ("recompose", "release"):
        followed = client.get(f"/letters/{letter.id}/{page}", follow_redirects=True).get_data(as_text=True)
        assert "released" in followed and "Compose again and replace" not in followed
    message = client.post(f"/cycles/{reviewing.cycle.id}/letters/release", follow_redirects=True)
    assert "There are no approved letters to release" in message.get_data(as_text=True)

"""Structured peer reviews: drafts, submission, reopening, lateness, version conflicts, limits and access.

Setting up (publishing the assignment, signing off self-assessments) goes through the services, whose own
routes are tested in test_assignments and test_submissions; everything about reviews goes through the
routes, posting the review form as a browser would.
"""

import html
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.assignments.models import Delegation
from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles.models import CycleState
from peerchallenge.dates import uk_date
from peerchallenge.extensions import db, utcnow
from peerchallenge.inspections import services as inspection_services
from peerchallenge.inspections.framework import Grade, InspectionKind, JudgementArea, judgement_areas_on
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.reviews import content as review_content
from peerchallenge.reviews import services as review_services
from peerchallenge.reviews.models import ReviewState
from peerchallenge.submissions import services as submission_services
from peerchallenge.submissions.queries import find_submission
from tests import factories
from tests.scenarios import FAMILY_HELP, Reviewing, move_to, self_assessment_md, sign_off, stored_review

# Reading pages as a browser would.


class ReviewFormReader(HTMLParser):
    """The fields the review form would post: hidden inputs, checked radios and textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = False
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and "data-autosave" in attributes:
            self._in_form = self.found = True
        if not self._in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name and name != "action":
            if attributes.get("type") != "radio" or "checked" in attributes:
                self.fields[name] = attributes.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def review_form(page: str) -> dict[str, str]:
    reader = ReviewFormReader()
    reader.feed(page)
    assert reader.found, "the page has no review form"
    return reader.fields


def has_review_form(page: str) -> bool:
    reader = ReviewFormReader()
    reader.feed(page)
    return reader.found


def text(page: str) -> str:
    """The words of the page's main content, as a person reads them."""
    main = page[page.index("<main") : page.index("</main>")] if "<main" in page else page
    inline = re.sub(r"</?(a|span|strong|b|em)\b[^>]*>", "", main)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def between(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def prefixes(cycle) -> list[str]:
    return [f"s{section.id}" for section in cycle.sections] + ["overall"]


def ratings(cycle, parts: list[str] | None = None, level: int = 1) -> dict[str, str]:
    """A rating on every scale for the given parts (every section and overall by default)."""
    return {f"{part}-{scale.key}": str(level) for part in parts or prefixes(cycle) for scale in cycle.scales}


def section_ratings(cycle, sections, level: int = 1) -> dict[str, str]:
    """A rating on each given section's own scales, and on every scale overall."""
    return {f"s{section.id}-{scale.key}": str(level) for section in sections for scale in section.scales} | {
        f"overall-{scale.key}": str(level) for scale in cycle.scales
    }


def fill(client, url: str, changes: dict[str, str], action: str = "save", page: str | None = None):
    """Open the review page (or use one already open), change some fields and press a button.

    "Check and submit" leads to the check-your-answers page, whose button is then pressed too.
    """
    page = page if page is not None else client.get(url).get_data(as_text=True)
    fields = review_form(page) | changes
    response = client.post(url, data={**fields, "action": action})
    if action == "submit" and response.status_code == 302 and response.headers["Location"].endswith("/check"):
        return confirm(client, response.headers["Location"])
    return response


def confirm(client, check_url: str):
    """Press "Submit review" on the check-your-answers page, with the version it shows."""
    page = client.get(check_url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "the page has no submit button"
    return client.post(check_url, data={"version": version.group(1)})


def events(kind: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == kind)))


def emails(kind: str = "review_submitted") -> list[OutboxEmail]:
    return list(db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.kind == kind)))


def complete(r: Reviewing, strengths: str = "Good use of audit evidence.") -> dict[str, str]:
    first = f"s{r.cycle.sections[0].id}"
    return ratings(r.cycle) | {f"{first}-strengths": strengths, "overall-summary": "A clear, honest account."}


# Drafts and submission.


def test_a_draft_with_partial_content_is_saved_and_comes_back(reviewing, sign_in):
    r = reviewing
    client = sign_in(r.reviewer_director)
    page = client.get(r.url).get_data(as_text=True)
    words = text(page)
    assert "Review of Anyshire" in words and "40 words (600 suggested)" in words  # beside the self-assessment
    assert (
        "Judgements rest on several kinds of current evidence" in words
    )  # the scale's definitions are shown
    assert review_form(page)["version"] == "0"

    early_help = next(section for section in r.cycle.sections if section.title == FAMILY_HELP)
    prefix = f"s{early_help.id}"
    response = fill(
        client,
        r.url,
        {
            f"{prefix}-evidence": "0",
            f"{prefix}-strengths": "Re-referrals fell to 12%.",
            f"{prefix}-questions": "How do you know?\r\n\r\n  What will you do next?  \r\n",
            "overall-summary": "Promising.",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(r.url)

    page = client.get(r.url).get_data(as_text=True)
    assert "Your draft has been saved." in text(page)
    form = review_form(page)
    assert form[f"{prefix}-evidence"] == "0" and f"{prefix}-brevity" not in form
    assert form[f"{prefix}-strengths"] == "Re-referrals fell to 12%."
    assert form[f"{prefix}-questions"] == "How do you know?\nWhat will you do next?"
    assert form["overall-summary"] == "Promising." and form["version"] == "1"

    review = stored_review(r.assignment)
    assert review.state == ReviewState.DRAFT and review.version == 1 and review.submitted_at is None
    saved = review.content["sections"][str(early_help.id)]
    assert saved["ratings"] == {"evidence": 0}
    assert saved["questions"] == ["How do you know?", "What will you do next?"]
    assert review.updated_by_id == r.reviewer_director.id
    assert [event.details["version"] for event in events("review_saved")] == [1]
    assert events("review_submitted") == [] and emails() == []
    assert "Draft" in text(sign_in(r.lead).get(f"/cycles/{r.cycle.id}/reviews").get_data(as_text=True))


def missing_list(page: str) -> list[str]:
    items = between(page, 'id="missing-ratings"', "</ul>")
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", items, re.S)]


def missing_links(page: str) -> list[str]:
    items = between(page, 'id="missing-ratings"', "</ul>")
    return re.findall(r'<a href="#([^"]+)"', items)


def test_submitting_without_the_overall_ratings_saves_the_draft_and_lists_what_is_missing(reviewing, sign_in):
    r = reviewing
    first, second, *_rest = r.cycle.sections
    changes = {f"s{first.id}-{scale.key}": "1" for scale in first.scales} | {
        f"s{second.id}-evidence": "2",
        f"s{second.id}-development": "Say what changed for children.",
        "overall-evidence": "1",
    }
    response = fill(sign_in(r.reviewer_director), r.url, changes, action="submit")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give every rating before you submit" in text(page) and "Your draft has been saved" in text(page)
    # Section ratings are optional by default: only the overall ones are missing.
    assert missing_list(page) == ["Overall: Brevity and focus, Self-knowledge, Plans"]
    assert page.count("Choose a level") == 3  # beside each missing rating
    form = review_form(page)
    assert form[f"s{second.id}-evidence"] == "2"
    assert form[f"s{second.id}-development"] == "Say what changed for children."

    review = stored_review(r.assignment)
    assert review.state == ReviewState.DRAFT and review.submitted_at is None
    assert review.content["sections"][str(second.id)]["development"] == "Say what changed for children."
    assert form["version"] == str(review.version)  # so the next save from this page is accepted
    assert events("review_submitted") == [] and emails() == []


def test_a_review_with_only_the_overall_ratings_is_submitted(reviewing, sign_in):
    r = reviewing
    overall = {f"overall-{scale.key}": "0" for scale in r.cycle.scales}
    response = fill(sign_in(r.reviewer_director), r.url, overall | {"overall-summary": "Clear."}, "submit")
    assert response.status_code == 302
    review = stored_review(r.assignment)
    assert review.is_submitted
    assert all(part["ratings"] == {} for part in review.content["sections"].values())


def test_a_cycle_that_requires_section_ratings_lists_each_sections_own_scales(reviewing, sign_in):
    r = reviewing
    r.cycle.section_ratings_required = True
    db.session.commit()
    headline, progress, family_help, *_rest, plans = r.cycle.sections
    overall = {f"overall-{scale.key}": "0" for scale in r.cycle.scales}
    changes = (
        overall | section_ratings(r.cycle, r.cycle.sections[3:-1]) | {f"s{family_help.id}-evidence": "0"}
    )
    response = fill(sign_in(r.reviewer_director), r.url, changes, action="submit")

    assert response.status_code == 400
    assert missing_list(response.get_data(as_text=True)) == [
        f"{headline.title}: Brevity and focus, Self-knowledge",
        f"{progress.title}: Evidence strength, Self-knowledge",
        f"{family_help.title}: Brevity and focus, Self-knowledge",
        f"{plans.title}: Brevity and focus, Plans",
    ]
    assert not stored_review(r.assignment).is_submitted

    everything = section_ratings(r.cycle, r.cycle.sections)
    assert fill(sign_in(r.reviewer_director), r.url, everything, action="submit").status_code == 302
    assert stored_review(r.assignment).is_submitted


def test_a_section_is_shown_and_saved_with_its_own_scales_only(reviewing, sign_in):
    r = reviewing
    headline, plans = r.cycle.sections[0], r.cycle.sections[-1]
    client = sign_in(r.reviewer_director)
    form = review_form(client.get(r.url).get_data(as_text=True))
    assert not any(name.startswith(f"s{headline.id}-evidence") for name in form)
    page = client.get(r.url).get_data(as_text=True)
    assert f'name="s{headline.id}-brevity"' in page and f'name="s{headline.id}-evidence"' not in page
    assert f'name="s{plans.id}-plans"' in page and f'name="s{plans.id}-self_knowledge"' not in page
    assert "Evidence strength: Overall" in text(page) and "Plans: Overall" in text(page)

    # A rating posted on a scale the section is not rated on is not kept.
    fill(client, r.url, {f"s{headline.id}-evidence": "0", f"s{headline.id}-brevity": "1"})
    assert stored_review(r.assignment).content["sections"][str(headline.id)]["ratings"] == {"brevity": 1}


def test_an_optional_section_the_self_assessment_left_out_is_not_included_and_needs_no_rating(
    published, sign_in
):
    six = published.six
    send = next(section for section in six.cycle.sections if section.optional)
    submission_services.upload_version(
        six.contributors[0], six.cycle, six.authorities[0], "sa.md", self_assessment_md(omit=(send.title,))
    )
    submission_services.sign_off(six.directors[0], find_submission(six.cycle, six.authorities[0]))
    db.session.commit()
    r = published
    r.cycle.section_ratings_required = True
    move_to(r.cycle, r.lead, CycleState.REVIEWING)

    client = sign_in(r.reviewer_director)
    page = client.get(r.url).get_data(as_text=True)
    section_html = between(page, f'id="section-{send.id}"', "</section>")
    assert "Not included" in text(section_html) and 'type="radio"' not in section_html

    others = [section for section in r.cycle.sections if section.id != send.id]
    assert fill(client, r.url, section_ratings(r.cycle, others), action="submit").status_code == 302
    review = stored_review(r.assignment)
    assert review.is_submitted and review.content["sections"][str(send.id)]["ratings"] == {}


def test_submitting_a_complete_review_makes_it_read_only_and_tells_the_lead(reviewing, sign_in):
    r = reviewing
    client = sign_in(r.reviewer_director)
    response = fill(client, r.url, complete(r, "Strong use of audit."), action="submit")
    assert response.status_code == 302

    page = client.get(r.url).get_data(as_text=True)
    words = text(page)
    assert "Your review of Anyshire has been submitted." in words
    assert "Submitted by" in words and "can no longer be changed" in words and "Late" not in words
    assert "Strong use of audit." in words and "Sufficient" in words and "Not rated" not in words
    assert not has_review_form(page) and "<textarea" not in page

    review = stored_review(r.assignment)
    assert review.state == ReviewState.SUBMITTED
    assert review.submitted_by_id == r.reviewer_director.id
    assert utcnow() - timedelta(minutes=1) < review.submitted_at <= utcnow()
    assert not review.is_late
    (event,) = events("review_submitted")
    assert event.actor_id == r.reviewer_director.id and event.details["assignment_id"] == r.assignment.id
    assert event.details["late"] is False
    (email,) = emails()
    assert email.to_address == r.lead.email and "Anyshire" in email.subject

    lead_page = text(sign_in(r.lead).get(f"/cycles/{r.cycle.id}/reviews").get_data(as_text=True))
    assert "1 of 12 submitted" in lead_page and "Submitted" in lead_page


def test_a_submitted_review_cannot_be_submitted_or_changed_again(reviewing, sign_in):
    r = reviewing
    client = sign_in(r.reviewer_director)
    form_page = client.get(r.url).get_data(as_text=True)  # a second tab, still showing the form
    fill(client, r.url, complete(r, "First words."), action="submit")
    before = stored_review(r.assignment)
    snapshot = (before.version, before.submitted_at, before.content)

    for action in ("submit", "save"):
        response = fill(client, r.url, complete(r, "Second words."), action=action, page=form_page)
        assert response.status_code == 409
        assert "can no longer be changed" in text(response.get_data(as_text=True))
    autosave = client.post(r.url + "/autosave", data={"version": str(before.version), "overall-summary": "x"})
    assert autosave.status_code == 409 and "submitted" in autosave.get_json()["message"]

    after = stored_review(r.assignment)
    assert (after.version, after.submitted_at, after.content) == snapshot
    assert after.state == ReviewState.SUBMITTED
    assert len(events("review_submitted")) == 1 and len(emails()) == 1


def test_the_lead_reopens_a_submitted_review_and_the_reviewer_submits_again(reviewing, sign_in):
    r = reviewing
    reviewer = sign_in(r.reviewer_director)
    fill(reviewer, r.url, complete(r, "First words."), action="submit")
    assert reviewer.get(r.url + "/reopen").status_code == 403
    assert reviewer.post(r.url + "/reopen").status_code == 403
    assert stored_review(r.assignment).is_submitted

    lead = sign_in(r.lead)
    assert "Reopen for changes" in text(lead.get(r.url).get_data(as_text=True))
    confirm = lead.get(r.url + "/reopen")
    assert confirm.status_code == 200
    assert f"Reopen {r.reviewer_name}'s review of Anyshire?" in text(confirm.get_data(as_text=True))
    assert stored_review(r.assignment).is_submitted  # asking is not doing
    response = lead.post(r.url + "/reopen")
    assert response.status_code == 302
    assert "The review has been reopened" in text(
        lead.get(response.headers["Location"]).get_data(as_text=True)
    )

    review = stored_review(r.assignment)
    assert (
        review.state == ReviewState.DRAFT and review.submitted_at is None and review.submitted_by_id is None
    )
    assert [event.actor_id for event in events("review_reopened")] == [r.lead.id]
    again = lead.post(r.url + "/reopen")  # reopening a draft changes nothing
    assert "This review is not submitted" in text(lead.get(again.headers["Location"]).get_data(as_text=True))
    assert len(events("review_reopened")) == 1

    page = reviewer.get(r.url).get_data(as_text=True)
    first = f"s{r.cycle.sections[0].id}"
    assert review_form(page)[f"{first}-strengths"] == "First words."
    assert fill(reviewer, r.url, {f"{first}-strengths": "Second words."}, "submit", page).status_code == 302
    review = stored_review(r.assignment)
    assert review.is_submitted and review.content["sections"][first[1:]]["strengths"] == "Second words."
    assert len(events("review_submitted")) == 2 and len(emails()) == 2


def test_a_late_review_is_accepted_and_marked_late(reviewing, sign_in):
    r = reviewing
    today = date.today()
    r.cycle.opens_on, r.cycle.submissions_due_on = today - timedelta(days=60), today - timedelta(days=30)
    r.cycle.reviews_due_on = today - timedelta(days=1)
    db.session.commit()

    client = sign_in(r.reviewer_director)
    assert fill(client, r.url, complete(r), action="submit").status_code == 302
    review = stored_review(r.assignment)
    assert review.is_submitted and review.is_late
    assert events("review_submitted")[0].details["late"] is True
    assert "(late)" in emails()[0].body
    assert "Late" in text(client.get(r.url).get_data(as_text=True))
    lead = sign_in(r.lead)
    assert "Submitted late" in text(lead.get(f"/cycles/{r.cycle.id}/reviews").get_data(as_text=True))
    assert "Late" in text(lead.get(r.url).get_data(as_text=True))


def test_a_review_submitted_on_its_due_day_is_not_late(reviewing, sign_in):
    r = reviewing
    r.cycle.reviews_due_on = date.today()  # the deadline lasts all day, UK time
    db.session.commit()
    fill(sign_in(r.reviewer_director), r.url, complete(r), action="submit")
    review = stored_review(r.assignment)
    assert review.is_submitted and not review.is_late


def test_two_tabs_saving_the_same_review_do_not_overwrite_silently(reviewing, sign_in):
    r = reviewing
    section_id = r.cycle.sections[0].id
    strengths = f"s{section_id}-strengths"
    tab_a = sign_in(r.reviewer_director)
    tab_b = sign_in(r.reviewer_director)
    fill(tab_a, r.url, {strengths: "Opening words."})
    page_a = tab_a.get(r.url).get_data(as_text=True)
    page_b = tab_b.get(r.url).get_data(as_text=True)
    assert review_form(page_a)["version"] == review_form(page_b)["version"] == "1"

    assert fill(tab_a, r.url, {strengths: "Tab A's words."}, page=page_a).status_code == 302
    response = fill(
        tab_b, r.url, {strengths: "Tab B's words.", "overall-summary": "B's summary."}, page=page_b
    )

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This review changed while you were editing it" in text(page)
    assert r.reviewer_director.name in text(page) and "Nothing has been saved from this page" in text(page)
    theirs = text(between(page, 'id="their-version"', "</details>"))
    assert "Tab A's words." in theirs and "Tab B's words." not in theirs
    form = review_form(page)
    assert form[strengths] == "Tab B's words." and form["overall-summary"] == "B's summary."
    assert form["version"] == "2"  # the page now carries the version it was compared with

    review = stored_review(r.assignment)
    assert (
        review.version == 2 and review.content["sections"][str(section_id)]["strengths"] == "Tab A's words."
    )
    assert review.content["overall"]["summary"] == ""
    assert len(events("review_saved")) == 2

    assert fill(tab_b, r.url, {}, page=page).status_code == 302  # tab B keeps its own text
    review = stored_review(r.assignment)
    assert review.version == 3 and review.content["overall"]["summary"] == "B's summary."
    assert review.content["sections"][str(section_id)]["strengths"] == "Tab B's words."


def test_a_stale_submission_is_refused_too(reviewing, sign_in):
    r = reviewing
    tab_a, tab_b = sign_in(r.reviewer_director), sign_in(r.reviewer_director)
    page_b = tab_b.get(r.url).get_data(as_text=True)
    fill(tab_a, r.url, {"overall-summary": "A"})
    response = fill(tab_b, r.url, complete(r), action="submit", page=page_b)
    assert response.status_code == 409 and "changed while you were editing" in text(
        response.get_data(as_text=True)
    )
    review = stored_review(r.assignment)
    assert not review.is_submitted and review.content["overall"]["summary"] == "A"
    assert events("review_submitted") == []


# Limits and forged input.


@pytest.mark.parametrize(
    ("part", "field", "typed", "message"),
    [
        ("first", "strengths", "x" * 4001, "Strengths must be 4,000 characters or fewer"),
        (
            "overall",
            "development",
            "y" * 4001,
            "Overall: areas for development must be 4,000 characters or fewer",
        ),
        ("overall", "summary", "z" * 6001, "Overall: the summary must be 6,000 characters or fewer"),
        (
            "first",
            "questions",
            "\n".join(f"Question {n}?" for n in range(21)),
            "at most 20 challenge questions",
        ),
        ("overall", "questions", "q" * 1001, "up to 1,000 characters each"),
    ],
    ids=["strengths", "development", "summary", "21-questions", "long-question"],
)
@pytest.mark.parametrize("action", ["save", "submit"])
def test_text_over_its_limit_gets_a_clear_message_and_comes_back(
    reviewing, sign_in, part, field, typed, message, action
):
    r = reviewing
    name = f"{'overall' if part == 'overall' else f's{r.cycle.sections[0].id}'}-{field}"
    client = sign_in(r.reviewer_director)
    fill(client, r.url, {"overall-summary": "Kept."})

    response = fill(client, r.url, complete(r) | {name: typed}, action=action)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in text(page) and message.lower() in text(page).lower()
    assert f'href="#{name}"' in page  # the message links to the field
    assert review_form(page)[name] == typed
    review = stored_review(r.assignment)
    assert review.version == 1 and review.content["overall"]["summary"] == "Kept." and not review.is_submitted


def test_text_at_its_limit_is_accepted(reviewing, sign_in):
    r = reviewing
    first = f"s{r.cycle.sections[0].id}"
    at_limit = complete(r) | {
        f"{first}-strengths": "a" * 3998 + "\r\nb",  # a browser sends CRLF for a line break: one character
        "overall-summary": "s" * 6000,
        f"{first}-questions": "\n".join(f"Question {n}?" for n in range(20)),
    }
    assert fill(sign_in(r.reviewer_director), r.url, at_limit, action="submit").status_code == 302
    review = stored_review(r.assignment)
    saved = review.content["sections"][first[1:]]
    assert review.is_submitted and len(saved["strengths"]) == 4000 and len(saved["questions"]) == 20


@pytest.mark.parametrize(
    "forged",
    ["99", "-1", "abc", "1.5", "²", "9" * 5000],
    ids=["99", "-1", "abc", "1.5", "superscript", "huge"],
)
def test_a_forged_rating_gets_a_clear_message_not_an_error(reviewing, sign_in, forged):
    r = reviewing
    early_help = next(section for section in r.cycle.sections if section.title == FAMILY_HELP)
    client = sign_in(r.reviewer_director)
    response = fill(client, r.url, {f"s{early_help.id}-evidence": forged, "overall-summary": "Typed."})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"{FAMILY_HELP}: choose one of the evidence strength levels" in text(page)
    assert review_form(page)["overall-summary"] == "Typed."
    autosave = client.post(r.url + "/autosave", data={"version": "0", f"s{early_help.id}-evidence": forged})
    assert autosave.status_code == 400 and "evidence strength levels" in autosave.get_json()["message"]
    assert stored_review(r.assignment) is None


# Autosave.


def test_autosave_saves_a_draft_and_answers_with_the_new_version(reviewing, sign_in):
    r = reviewing
    client = sign_in(r.reviewer_director)
    url = r.url + "/autosave"
    first = client.post(url, data={"version": "0", "overall-summary": "Typing..."})
    assert first.status_code == 200 and first.get_json()["version"] == 1 and first.get_json()["saved_at"]
    second = client.post(url, data={"version": "1", "overall-summary": "Typing more."})
    assert second.status_code == 200 and second.get_json()["version"] == 2
    review = stored_review(r.assignment)
    assert review.version == 2 and review.content["overall"]["summary"] == "Typing more."
    assert review.state == ReviewState.DRAFT and len(events("review_saved")) == 2

    stale = client.post(url, data={"version": "1", "overall-summary": "From an old tab."})
    assert stale.status_code == 409 and "changed this review" in stale.get_json()["message"]
    too_long = client.post(url, data={"version": "2", "overall-summary": "x" * 6001})
    assert too_long.status_code == 400 and "6,000 characters" in too_long.get_json()["message"]
    assert client.post(url, data={"overall-summary": "No version"}).status_code == 400
    review = stored_review(r.assignment)
    assert review.version == 2 and review.content["overall"]["summary"] == "Typing more."
    # The page opened now carries the version autosave reached.
    assert review_form(client.get(r.url).get_data(as_text=True))["version"] == "2"


# Before sign-off, and "Your reviews".


def test_the_review_waits_for_the_self_assessment_to_be_signed_off(published, sign_in):
    r = published
    move_to(r.cycle, r.lead, CycleState.REVIEWING)  # the lead started reviews with Anyshire late
    client = sign_in(r.reviewer_director)
    response = client.get(r.url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/reviews")
    assert "Anyshire's self-assessment has not been signed off yet." in text(
        client.get("/reviews").get_data(as_text=True)
    )
    assert client.post(r.url, data={"version": "0", "overall-summary": "Early"}).status_code == 302
    autosave = client.post(r.url + "/autosave", data={"version": "0", "overall-summary": "Early"})
    assert autosave.status_code == 409 and "not been signed off" in autosave.get_json()["message"]
    assert stored_review(r.assignment) is None


def test_the_services_refuse_a_review_of_an_unsigned_self_assessment(published):
    """The rule lives in the service, so the command line and any other caller get it too."""
    r = published
    move_to(r.cycle, r.lead, CycleState.REVIEWING)
    for action in (review_services.save_draft, review_services.submit):
        with pytest.raises(
            review_services.NotSignedOff, match="Anyshire's self-assessment has not been signed"
        ):
            action(r.reviewer_director, r.assignment, {"overall-summary": "Early"}, 0)
    db.session.rollback()
    assert stored_review(r.assignment) is None


def review_rows(page: str) -> dict[str, str]:
    """Each row of the reviews table, by the self-assessment's authority."""
    body = between(page, '<tbody class="govuk-table__body">', "</tbody>")
    rows = [text(row) for row in re.findall(r"<tr.*?</tr>", body, re.S)]
    return {row.split()[0]: row for row in rows}


def test_your_reviews_lists_each_self_assessment_with_its_state_and_due_date(published, sign_in):
    r = published
    client = sign_in(r.reviewer_director)
    due = uk_date(r.cycle.reviews_due_on)

    def rows():
        return review_rows(client.get("/reviews").get_data(as_text=True))

    listed = rows()
    assert len(listed) == 2 and "Anyshire" in listed
    (other,) = set(listed) - {"Anyshire"}
    assert all("Waiting for sign-off" in row and due in row for row in listed.values())
    assert f'href="{r.url}"' not in client.get("/reviews").get_data(as_text=True)  # nothing to open yet

    move_to(r.cycle, r.lead, CycleState.REVIEWING)  # every self-assessment late
    submission_services.reopen_for(r.lead, r.cycle, r.six.authorities[0])  # Anyshire may still sign off
    sign_off(r.six, [r.six.authorities[0]])
    listed = rows()
    assert "Not started" in listed["Anyshire"] and "Waiting for sign-off" in listed[other]
    fill(client, r.url, {"overall-summary": "Started."})
    assert "Draft" in rows()["Anyshire"]
    fill(client, r.url, complete(r), action="submit")
    assert "Submitted" in rows()["Anyshire"] and due in rows()["Anyshire"]

    nothing = text(sign_in(r.lead).get("/reviews").get_data(as_text=True))
    assert "You have no reviews to do" in nothing


# Who sees what.

# "check" is the check-your-answers page: a writer with an incomplete review is sent back to the form.
WRITES = {"page": 200, "save": 302, "autosave": 200, "check": 302, "list": 403, "reopen": 403}
READS = {"page": 200, "save": 403, "autosave": 403, "check": 403, "list": 200, "reopen": 200}
REFUSED = {"page": 403, "save": 403, "autosave": 403, "check": 403, "list": 403, "reopen": 403}
SIGN_IN_FIRST = {"page": 302, "save": 302, "autosave": 302, "check": 302, "list": 302, "reopen": 302}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("reviewer_director", WRITES),
        ("delegate", WRITES),  # a contributor the reviewing director nominated
        ("reviewer_contributor", REFUSED),  # not nominated
        ("co_reviewer", REFUSED),
        ("reviewed_director", REFUSED),
        ("reviewed_contributor", REFUSED),
        ("lead", READS),
        ("other_lead", REFUSED),
        ("admin", READS),
        ("no_role", REFUSED),
        ("anonymous", SIGN_IN_FIRST),
    ],
)
def test_who_can_write_read_and_reopen_a_review(reviewing, world, sign_in, app, who, expected):
    r = reviewing
    fill(sign_in(r.reviewer_director), r.url, {"overall-summary": "Draft words."})
    users = {
        "reviewer_director": r.reviewer_director,
        "delegate": r.reviewer_contributor,
        "reviewer_contributor": r.reviewer_contributor,
        "co_reviewer": r.co_director,
        "reviewed_director": r.reviewed_director,
        "reviewed_contributor": r.reviewed_contributor,
        "lead": r.lead,
        "other_lead": world.other_lead,
        "admin": world.admin,
        "no_role": world.no_role,
    }
    if who == "delegate":
        nominated = sign_in(r.reviewer_director).post(
            f"/authorities/{r.assignment.reviewer_id}/delegates", data={"delegate": r.reviewer_contributor.id}
        )
        assert nominated.status_code == 302
    client = sign_in(users[who]) if who in users else app.test_client()

    page = client.get(r.url)
    save = client.post(r.url, data={"version": "1", "action": "save", "overall-summary": f"Saved by {who}"})
    autosave = client.post(r.url + "/autosave", data={"version": "2" if save.status_code == 302 else "1"})
    actual = {
        "page": page.status_code,
        "save": save.status_code,
        "autosave": autosave.status_code,
        "check": client.get(r.url + "/check").status_code,
        "list": client.get(f"/cycles/{r.cycle.id}/reviews").status_code,
        "reopen": client.get(r.url + "/reopen").status_code,
    }
    assert actual == expected

    review = stored_review(r.assignment)
    writes = expected is WRITES
    assert review.version == (3 if writes else 1)
    if page.status_code == 200:
        assert has_review_form(page.get_data(as_text=True)) == writes
        assert "Draft words." in text(page.get_data(as_text=True))
    if page.status_code == 302:
        assert "/sign-in" in page.headers["Location"]


def test_a_delegate_drafts_and_the_director_sees_who_saved_it(reviewing, sign_in):
    r = reviewing
    director = sign_in(r.reviewer_director)
    director.post(
        f"/authorities/{r.assignment.reviewer_id}/delegates", data={"delegate": r.reviewer_contributor.id}
    )
    delegate = sign_in(r.reviewer_contributor)
    assert "Anyshire" in review_rows(delegate.get("/reviews").get_data(as_text=True))
    assert fill(delegate, r.url, {"overall-summary": "Drafted by the deputy."}).status_code == 302
    assert f"Draft last saved by {r.reviewer_contributor.name}" in text(
        director.get(r.url).get_data(as_text=True)
    )


def test_the_reviewed_authority_sees_no_link_to_its_reviews(reviewing, sign_in):
    r = reviewing
    fill(sign_in(r.reviewer_director), r.url, complete(r), action="submit")
    for person in (r.reviewed_director, r.reviewed_contributor):
        client = sign_in(person)
        for page in ("/", "/reviews"):
            assert f'href="{r.url}"' not in client.get(page).get_data(as_text=True)


def test_the_co_reviewer_sees_the_other_review_only_after_submitting_its_own(reviewing, sign_in):
    r = reviewing
    reviewer, co = sign_in(r.reviewer_director), sign_in(r.co_director)
    fill(reviewer, r.url, complete(r, "Marker from the first reviewer."), action="submit")

    assert co.get(r.url).status_code == 403
    assert "Marker from the first reviewer" not in co.get(r.co_url).get_data(as_text=True)
    fill(co, r.co_url, {"overall-summary": "Co draft."})
    assert "Marker from the first reviewer" not in co.get(r.co_url).get_data(as_text=True)

    fill(co, r.co_url, complete(r, "Marker from the co-reviewer."), action="submit")
    words = text(co.get(r.co_url).get_data(as_text=True))
    assert "Marker from the first reviewer." in words and f"{r.reviewer_name}'s review" in words
    assert co.get(r.url).status_code == 403  # still not the other's page itself
    assert "Marker from the co-reviewer." in text(reviewer.get(r.url).get_data(as_text=True))


def test_a_co_reviewers_draft_is_never_shown(reviewing, sign_in):
    r = reviewing
    fill(sign_in(r.reviewer_director), r.url, complete(r, "Draft marker, not submitted."))
    co = sign_in(r.co_director)
    fill(co, r.co_url, complete(r), action="submit")
    assert "Draft marker" not in co.get(r.co_url).get_data(as_text=True)


def test_co_reviews_stay_hidden_when_the_cycle_shows_them_only_in_the_letter(reviewing, sign_in):
    r = reviewing
    r.cycle.co_reviews_visible_after_submission = False
    db.session.commit()
    reviewer, co = sign_in(r.reviewer_director), sign_in(r.co_director)
    fill(reviewer, r.url, complete(r, "First marker."), action="submit")
    fill(co, r.co_url, complete(r, "Second marker."), action="submit")
    assert "Second marker" not in reviewer.get(r.url).get_data(as_text=True)
    assert "First marker" not in co.get(r.co_url).get_data(as_text=True)


def test_in_an_anonymous_cycle_the_co_review_is_shown_without_its_authority(reviewing, sign_in):
    r = reviewing
    r.cycle.anonymous = True
    db.session.commit()
    fill(sign_in(r.reviewer_director), r.url, complete(r, "First marker."), action="submit")
    co = sign_in(r.co_director)
    fill(co, r.co_url, complete(r), action="submit")
    words = text(co.get(r.co_url).get_data(as_text=True))
    assert "First marker." in words and "The other peer's review" in words and r.reviewer_name not in words


def test_the_leads_list_shows_every_review_and_its_state(reviewing, sign_in):
    r = reviewing
    fill(sign_in(r.reviewer_director), r.url, complete(r), action="submit")
    fill(sign_in(r.co_director), r.co_url, {"overall-summary": "Started."})
    page = sign_in(r.lead).get(f"/cycles/{r.cycle.id}/reviews").get_data(as_text=True)
    rows = [text(row) for row in re.findall(r"<tr.*?</tr>", between(page, "<tbody", "</tbody>"), re.S)]
    assert len(rows) == 12 and "1 of 12 submitted" in text(page)
    anyshire = [row for row in rows if row.startswith("Anyshire")]
    assert sorted(anyshire) == sorted(
        [
            f"Anyshire {r.reviewer_name}'s review of Anyshire Submitted",
            f"Anyshire {r.co_assignment.reviewer.name}'s review of Anyshire Draft",
        ]
    )
    assert sum("Not started" in row for row in rows) == 10


# The contents list, check your answers, and who submits.


def contents(page: str) -> dict[str, str]:
    """The contents list: each part's title and the state its tag shows."""
    listed = between(page, 'id="review-contents"', "</nav>")
    items = re.findall(r'<li class="govuk-task-list__item.*?</li>', listed, re.S)
    found = {}
    for item in items:
        title = text(re.search(r"<a [^>]*>(.*?)</a>", item, re.S).group(1))
        found[title] = text(re.search(r'<strong class="govuk-tag[^"]*">(.*?)</strong>', item, re.S).group(1))
    return found


def test_the_contents_list_shows_each_parts_state_and_links_to_it(reviewing, sign_in):
    r = reviewing
    client = sign_in(r.reviewer_director)
    first, second, third, *_ = r.cycle.sections
    page = client.get(r.url).get_data(as_text=True)
    assert set(contents(page).values()) == {"Not started"}
    assert f'href="#section-{first.id}"' in between(page, 'id="review-contents"', "</nav>")
    assert list(contents(page)) == [section.title for section in r.cycle.sections] + ["Overall"]

    fill(
        client,
        r.url,
        ratings(r.cycle, [f"s{first.id}"])
        | {f"s{first.id}-strengths": "Audit shows impact.", f"s{second.id}-questions": "How do you know?"}
        | {f"s{third.id}-development": "Say what changed."},
    )
    states = contents(client.get(r.url).get_data(as_text=True))
    # Section ratings are optional by default: written text is enough for a section to be done.
    assert (states[first.title], states[second.title], states[third.title]) == (
        "Done",
        "In progress",
        "Done",
    )
    assert states["Overall"] == "Not started"


def test_each_missing_rating_links_to_its_field(reviewing, sign_in):
    r = reviewing
    r.cycle.section_ratings_required = True  # so that missing section ratings are listed too
    db.session.commit()
    first, second, *_ = r.cycle.sections
    changes = ratings(r.cycle, [f"s{first.id}"]) | {f"s{second.id}-evidence": "1"}
    response = fill(sign_in(r.reviewer_director), r.url, changes, action="submit")
    page = response.get_data(as_text=True)
    links = missing_links(page)
    second_scale = next(scale.key for scale in second.scales if scale.key != "evidence")
    assert links[0] == f"s{second.id}-{second_scale}" and links[-1] == f"overall-{r.cycle.scales[0].key}"
    for link in links:
        assert f'id="{link}"' in page  # each goes to a real field


def test_the_review_form_shows_the_authoritys_inspection_beside_its_own_grades(reviewing, sign_in):
    r = reviewing
    grades = {area: Grade.GOOD.value for area in judgement_areas_on(date(2024, 3, 1))}
    grades[JudgementArea.CARE_LEAVERS] = Grade.REQUIRES_IMPROVEMENT.value
    inspection_services.add_inspection(
        r.reviewed_director,
        r.assignment.reviewed,
        kind=InspectionKind.ILACS_STANDARD.value,
        inspected_on=date(2024, 3, 1),
        grades=grades,
        areas_for_improvement=["The quality of pathway plans."],
    )
    db.session.commit()
    words = text(sign_in(r.reviewer_director).get(r.url).get_data(as_text=True))
    assert "Own grades and inspections" in words and "The quality of pathway plans." in words
    assert "The experiences and progress of care leavers Not graded Requires improvement to be good" in words


def test_check_your_answers_lists_only_each_sections_own_scales(reviewing, sign_in):
    r = reviewing
    client = sign_in(r.reviewer_director)
    page = client.get(r.url).get_data(as_text=True)
    client.post(r.url, data={**review_form(page), **complete(r, "Checked."), "action": "submit"})
    page = client.get(f"/reviews/{r.assignment.id}/check").get_data(as_text=True)
    family_help = next(section for section in r.cycle.sections if section.title == FAMILY_HELP)
    shown = text(between(page, f'id="check-section-{family_help.id}"', "</dl>"))
    assert "Evidence strength" in shown and "Plans" not in shown  # family help is not rated on plans


def test_check_your_answers_shows_the_review_and_links_back_to_each_field(reviewing, sign_in):
    r = reviewing
    client = sign_in(r.reviewer_director)
    first = r.cycle.sections[0]
    page = client.get(r.url).get_data(as_text=True)
    response = client.post(
        r.url, data={**review_form(page), **complete(r, "Audit marker."), "action": "submit"}
    )
    check_url = f"/reviews/{r.assignment.id}/check"
    assert response.status_code == 302 and response.headers["Location"].endswith(check_url)
    assert not stored_review(r.assignment).is_submitted  # checking is not submitting

    page = client.get(check_url).get_data(as_text=True)
    words = text(page)
    assert "Check your review of Anyshire" in words and "Audit marker." in words
    scale = first.scales[0]  # the headline summary is rated on its own scales
    level = scale.levels[1].label
    assert f"{scale.name} {level} Change {scale.name}: {first.title}" in words
    assert f'href="{r.url}#s{first.id}-strengths"' in page and f'href="{r.url}#overall-summary"' in page

    assert confirm(client, check_url).status_code == 302
    review = stored_review(r.assignment)
    assert review.is_submitted and review.submitted_for_id is None  # the director submitted it
    assert client.get(check_url).headers["Location"].endswith(r.url)  # nothing left to check


def test_submitting_from_a_check_page_that_another_tab_overtook_is_refused(reviewing, sign_in):
    r = reviewing
    client, other_tab = sign_in(r.reviewer_director), sign_in(r.reviewer_director)
    page = client.get(r.url).get_data(as_text=True)
    client.post(r.url, data={**review_form(page), **complete(r, "Checked."), "action": "submit"})
    check_url = f"/reviews/{r.assignment.id}/check"
    checked = client.get(check_url).get_data(as_text=True)
    fill(other_tab, r.url, {"overall-summary": "Changed in the other tab."})

    version = re.search(r'name="version" value="(\d+)"', checked).group(1)
    response = client.post(check_url, data={"version": version})
    assert response.status_code == 409 and "changed while you were editing" in text(
        response.get_data(as_text=True)
    )
    review = stored_review(r.assignment)
    assert not review.is_submitted and review.content["overall"]["summary"] == "Changed in the other tab."


def nominate(director, r: Reviewing, *, may_submit: bool) -> None:
    data = {"delegate": r.reviewer_contributor.id} | ({"may_submit": "y"} if may_submit else {})
    assert director.post(f"/authorities/{r.assignment.reviewer_id}/delegates", data=data).status_code == 302


def test_with_two_directors_a_review_is_submitted_for_the_one_who_let_the_delegate_submit(reviewing, sign_in):
    r = reviewing
    second = factories.make_user((Role.DIRECTOR, r.assignment.reviewer), name="Second Director")
    db.session.commit()
    nominate(sign_in(second), r, may_submit=True)
    assert fill(sign_in(r.reviewer_contributor), r.url, complete(r), action="submit").status_code == 302
    assert stored_review(r.assignment).submitted_for_id == second.id


def test_a_delegate_without_permission_cannot_submit_and_marks_the_review_ready(reviewing, sign_in):
    r = reviewing
    director = sign_in(r.reviewer_director)
    nominate(director, r, may_submit=False)
    delegate = sign_in(r.reviewer_contributor)
    page = delegate.get(r.url).get_data(as_text=True)
    assert "Mark ready for your director" in page and "Check and submit" not in page
    assert f"{r.reviewer_director.name} submits this review" in text(page)

    # Forged: the check page's button, posted by the delegate.
    fill(delegate, r.url, complete(r))
    refused = delegate.post(f"/reviews/{r.assignment.id}/check", data={"version": "1"})
    assert refused.status_code == 403
    assert f"Only {r.assignment.reviewer.name}&#39;s director can submit" in refused.get_data(as_text=True)
    assert not stored_review(r.assignment).is_submitted and events("review_submitted") == []
    with pytest.raises(review_services.NotAllowedToSubmit):
        review_services.submit(r.reviewer_contributor, r.assignment, complete_content(r), 1)
    db.session.rollback()

    assert fill(delegate, r.url, {}, action="ready").status_code == 302
    review = stored_review(r.assignment)
    assert review.is_ready and review.ready_by_id == r.reviewer_contributor.id and not review.is_submitted
    (email,) = emails("review_ready")
    assert email.to_user_id == r.reviewer_director.id and r.url in email.body
    assert events("review_marked_ready")
    home = text(director.get("/").get_data(as_text=True))
    assert (
        f"Submit your review of Anyshire's self-assessment: marked ready by {r.reviewer_contributor.name}"
        in home
    )
    assert f"Marked ready by {r.reviewer_contributor.name}" in text(
        director.get(r.url).get_data(as_text=True)
    )

    assert fill(director, r.url, {}, action="submit").status_code == 302
    review = stored_review(r.assignment)
    assert review.is_submitted and review.submitted_by_id == r.reviewer_director.id
    assert review.submitted_for_id is None and emails("review_submitted_for_you") == []


def complete_content(r: Reviewing) -> dict:
    values, errors = review_content.read_form(
        complete(r),
        review_services.template_parts(r.cycle),
        review_services.scales(r.cycle),
    )
    assert not errors
    return values


def test_a_delegate_the_director_lets_submit_submits_on_their_behalf_and_the_director_is_told(
    reviewing, sign_in
):
    r = reviewing
    director = sign_in(r.reviewer_director)
    nominate(director, r, may_submit=True)
    delegate = sign_in(r.reviewer_contributor)
    assert "Check and submit" in delegate.get(r.url).get_data(as_text=True)
    assert fill(delegate, r.url, complete(r), action="submit").status_code == 302

    review = stored_review(r.assignment)
    assert review.is_submitted and review.submitted_by_id == r.reviewer_contributor.id
    assert review.submitted_for_id == r.reviewer_director.id
    (event,) = events("review_submitted")
    assert event.details["submitted_for"] == r.reviewer_director.name
    assert f"by {r.reviewer_contributor.name} for {r.reviewer_director.name}" in event.summary
    (told,) = emails("review_submitted_for_you")
    assert told.to_user_id == r.reviewer_director.id and r.reviewer_contributor.name in told.body
    shown = text(director.get(r.url).get_data(as_text=True))
    assert f"by {r.reviewer_contributor.name} on behalf of {r.reviewer_director.name}" in shown
    lead_page = text(sign_in(r.lead).get(r.url).get_data(as_text=True))
    assert f"on behalf of {r.reviewer_director.name}" in lead_page


def test_the_director_changes_whether_a_delegate_may_submit_from_the_list(reviewing, sign_in):
    r = reviewing
    director = sign_in(r.reviewer_director)
    nominate(director, r, may_submit=True)
    delegation = db.session.scalar(sa.select(Delegation))
    assert delegation.may_submit
    listing = f"/authorities/{r.assignment.reviewer_id}/delegates"
    assert "drafts and submits reviews" in text(director.get(listing).get_data(as_text=True))
    change = f"{listing}/{delegation.id}/submitting"
    assert sign_in(r.reviewer_contributor).post(change, data={"may_submit": "no"}).status_code == 403
    assert director.post(change, data={"may_submit": "no"}).status_code == 302
    db.session.expire_all()
    assert not delegation.may_submit and events("delegate_changed")
    assert "drafts reviews, you submit them" in text(director.get(listing).get_data(as_text=True))

    delegate = sign_in(r.reviewer_contributor)
    fill(delegate, r.url, complete(r))
    assert delegate.post(f"/reviews/{r.assignment.id}/check", data={"version": "1"}).status_code == 403
    assert not stored_review(r.assignment).is_submitted


def test_the_review_form_shows_each_sections_guidance_beside_it(reviewing, sign_in):
    r = reviewing
    page = sign_in(r.reviewer_director).get(r.url).get_data(as_text=True)
    assert page.count("Guidance for authors") == len(r.cycle.sections)
    for section in r.cycle.sections:
        heading = page.index(f'id="section-{section.id}-heading"')
        guidance = page.index("Guidance for authors", heading)
        assert guidance < page.find('id="section-', heading + 1) or page.find('id="section-', heading + 1) < 0
        assert str(section.guidance_html) in page

"""Defects found in review, each held by a test: access after a role is removed, reviewers and drafts,
junk input that once gave a 500, and transitions that must be refused."""

import io
from datetime import date

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import AssignmentState
from peerchallenge.extensions import db
from peerchallenge.reviews import services as review_services
from peerchallenge.submissions.models import SectionText
from peerchallenge.submissions.queries import find_submission
from tests.scenarios import cycle_form, self_assessment_md


def test_a_removed_contributor_loses_the_delegated_reviews(reviewing, sign_in):
    r = reviewing
    director, contributor = r.reviewer_director, r.reviewer_contributor
    sign_in(director).post(
        f"/authorities/{r.assignment.reviewer_id}/delegates", data={"delegate": contributor.id}
    )
    assert sign_in(contributor).get(r.url).status_code == 200
    grant = next(g for g in contributor.grants if g.authority_id == r.assignment.reviewer_id)
    sign_in(r.lead).post(f"/users/{contributor.id}/roles/{grant.id}/remove")
    assert sign_in(contributor).get(r.url).status_code == 403


def test_reviewers_see_only_the_signed_off_version(reviewing, sign_in):
    r = reviewing
    contributor = r.reviewed_contributor
    sign_in(r.lead).post(
        f"/cycles/{r.cycle.id}/authorities/{r.assignment.reviewed_id}/self-assessment/reopen"
    )
    sign_in(contributor).post(
        f"/cycles/{r.cycle.id}/authorities/{r.assignment.reviewed_id}/self-assessment/upload",
        data={"file": (io.BytesIO(self_assessment_md()), "v2.md")},
        content_type="multipart/form-data",
    )
    sign_in(r.reviewed_director).post(
        f"/cycles/{r.cycle.id}/authorities/{r.assignment.reviewed_id}/self-assessment/sign-off"
    )
    reviewer = sign_in(r.reviewer_director)
    url = f"/cycles/{r.cycle.id}/authorities/{r.assignment.reviewed_id}/self-assessment"
    assert reviewer.get(url).status_code == 200
    assert reviewer.get(url + "?version=1").status_code == 404
    assert reviewer.get(url + "/versions/1/original").status_code == 404
    assert reviewer.get(url + "/versions/2/original").status_code == 200
    assert sign_in(contributor).get(url + "?version=1").status_code == 200


def test_a_self_assessment_cannot_be_reopened_once_reviews_have_started(reviewing, sign_in):
    r = reviewing
    review_services.save_draft(r.reviewer_director, r.assignment, {"sections": {}, "overall": {}}, 0)
    db.session.commit()
    lead = sign_in(r.lead)
    response = lead.post(
        f"/cycles/{r.cycle.id}/authorities/{r.assignment.reviewed_id}/self-assessment/reopen"
    )
    page = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot be reopened" in page
    db.session.expire_all()
    assert find_submission(r.cycle, r.assignment.reviewed).is_signed_off


def test_a_review_of_a_replaced_assignment_cannot_be_reopened(reviewing, sign_in):
    r = reviewing
    review_services.save_draft(r.reviewer_director, r.assignment, {"sections": {}, "overall": {}}, 0)
    assignment_services.withdraw_authority(r.lead, r.cycle, r.assignment.reviewer)
    db.session.commit()
    db.session.expire_all()
    assert r.assignment.state == AssignmentState.REPLACED
    lead = sign_in(r.lead)
    assert lead.get(f"/reviews/{r.assignment.id}/reopen").status_code == 404
    page = lead.get(f"/reviews/{r.assignment.id}")
    assert page.status_code == 200 and "This pairing was replaced" in page.get_data(as_text=True)
    reviewer = sign_in(r.reviewer_director)
    assert reviewer.get(f"/reviews/{r.assignment.id}").status_code == 403
    assert reviewer.post(f"/reviews/{r.assignment.id}/autosave").status_code == 403


def test_junk_numbers_in_the_adjust_form_are_a_400(six, sign_in):
    lead = sign_in(six.lead)
    lead.post(f"/cycles/{six.cycle.id}/assignments/generate")
    for junk in ("²", "9" * 5000, "-1"):
        form = MultiDict([("action", "save"), (f"reviewers-{six.authorities[0].id}", junk)])
        assert lead.post(f"/cycles/{six.cycle.id}/assignments/adjust", data=form).status_code == 400
        assert lead.post(f"/cycles/{six.cycle.id}/assignments/check", data=form).status_code == 400


def test_a_long_unmatched_heading_is_kept_shortened(six, sign_in):
    document = self_assessment_md(extra="\n# " + "Not a template heading " * 30 + "\n\nSome text.\n")
    response = sign_in(six.contributors[0]).post(
        f"/cycles/{six.cycle.id}/authorities/{six.authorities[0].id}/self-assessment/upload",
        data={"file": (io.BytesIO(document), "long.md")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    headings = db.session.scalars(
        sa.select(SectionText.heading).where(SectionText.heading.is_not(None))
    ).all()
    assert any(len(heading) == 500 for heading in headings)


def test_far_future_dates_are_refused_with_a_message(six, sign_in):
    lead = sign_in(six.lead)
    response = lead.post(
        f"/cycles/{six.cycle.id}/edit",
        data=cycle_form(
            submissions_due_on=date(9999, 12, 31),
            reviews_due_on=date(9999, 12, 31),
            letters_due_on=date(9999, 12, 31),
        ),
    )
    assert response.status_code == 400
    assert "between the years 2000 and 2100" in response.get_data(as_text=True)
    assert lead.get(f"/cycles/{six.cycle.id}").status_code == 200

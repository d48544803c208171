"""The assignment workflow (conflicts, generate, adjust, publish, withdraw), delegation, reviewer access."""

import io
from collections import Counter

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from peerchallenge.assignments.models import Assignment, AssignmentState, Conflict, Delegation
from peerchallenge.extensions import db
from peerchallenge.mail.models import OutboxEmail
from tests.scenarios import current_pairs, open_cycle, self_assessment_md


def assert_hard_rules(pairs, authority_ids, k=2):
    assert all(reviewer != reviewed for reviewer, reviewed in pairs)
    assert Counter(reviewer for reviewer, _ in pairs) == {a: k for a in authority_ids}
    assert Counter(reviewed for _, reviewed in pairs) == {a: k for a in authority_ids}


def generate(client, cycle):
    return client.post(f"/cycles/{cycle.id}/assignments/generate")


def test_lead_generates_a_valid_proposal_and_sees_table_matrix_and_counts(six, sign_in):
    client = sign_in(six.lead)
    assert "Generate an assignment" in client.get(f"/cycles/{six.cycle.id}/assignments").get_data(
        as_text=True
    )
    assert generate(client, six.cycle).status_code == 302
    pairs = current_pairs(six.cycle)
    assert_hard_rules(pairs, {a.id for a in six.authorities})
    assert not {(b, a) for a, b in pairs} & pairs  # no reciprocal pairs
    page = client.get(f"/cycles/{six.cycle.id}/assignments").get_data(as_text=True)
    assert 'id="assignment-table"' in page and 'id="assignment-matrix"' in page
    assert "Every rule is kept" in page and "Proposed" in page
    assert page.count("reviews Dale") == 2  # the matrix marks Dale's two reviewers


def test_regenerating_uses_another_seed_and_stays_valid(six, sign_in):
    client = sign_in(six.lead)
    generate(client, six.cycle)
    generate(client, six.cycle)
    db.session.expire_all()
    assert six.cycle.assignment_seed == 2
    assert_hard_rules(current_pairs(six.cycle), {a.id for a in six.authorities})


def test_conflicts_declared_by_lead_and_director_are_respected(six, sign_in):
    lead = sign_in(six.lead)
    a, b, c = six.authorities[:3]
    response = lead.post(
        f"/regions/{six.region.id}/conflicts",
        data={"first": a.id, "other": b.id, "reason": "Interim director covers both"},
    )
    assert response.status_code == 302
    director = sign_in(six.directors[2])
    assert director.get(f"/authorities/{c.id}/conflicts").status_code == 200
    assert director.get(f"/authorities/{a.id}/conflicts").status_code == 403
    response = director.post(
        f"/authorities/{c.id}/conflicts", data={"other": a.id, "reason": "Joint commissioning"}
    )
    assert response.status_code == 302
    duplicate = director.post(f"/authorities/{c.id}/conflicts", data={"other": a.id, "reason": "Again"})
    assert duplicate.status_code == 400 and "already recorded" in duplicate.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Conflict.id))) == 2

    for _ in range(3):
        generate(lead, six.cycle)
        pairs = current_pairs(six.cycle)
        assert_hard_rules(pairs, {x.id for x in six.authorities})
        for x, y in ((a, b), (a, c)):
            assert (x.id, y.id) not in pairs and (y.id, x.id) not in pairs

    conflict = db.session.scalar(sa.select(Conflict).where(Conflict.reason == "Joint commissioning"))
    assert director.post(f"/conflicts/{conflict.id}/remove").status_code == 403
    assert "Remove the conflict" in lead.get(f"/conflicts/{conflict.id}/remove").get_data(as_text=True)
    lead.post(f"/conflicts/{conflict.id}/remove")
    assert db.session.scalar(sa.select(sa.func.count(Conflict.id))) == 1


def test_conflict_form_junk_gets_messages(six, sign_in):
    lead = sign_in(six.lead)
    response = lead.post(
        f"/regions/{six.region.id}/conflicts", data={"first": "0", "other": "abc", "reason": ""}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Select the first authority" in page and "Enter the reason" in page
    same = lead.post(
        f"/regions/{six.region.id}/conflicts",
        data={"first": six.authorities[0].id, "other": six.authorities[0].id, "reason": "x"},
    )
    assert same.status_code == 400 and "two different authorities" in same.get_data(as_text=True)


def test_no_valid_assignment_is_explained_in_words(world, sign_in):
    cycle = open_cycle(world)  # Region A has only two authorities; two peers each needs three
    client = sign_in(world.lead)
    response = generate(client, cycle)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "There is a problem" in page and "2" in page and "authorities" in page
    assert current_pairs(cycle) == set()


def adjust_form(six, pairs, action):
    data = [("action", action)]
    for reviewed in six.authorities:
        for reviewer_id, reviewed_id in sorted(pairs):
            if reviewed_id == reviewed.id:
                data.append((f"reviewers-{reviewed.id}", str(reviewer_id)))
    return MultiDict(data)


def test_adjusting_checks_rules_live_and_refuses_hard_breaks(six, sign_in):
    client = sign_in(six.lead)
    generate(client, six.cycle)
    pairs = current_pairs(six.cycle)
    first = sorted(pairs)[0]
    broken = (pairs - {first}) | {(first[1], first[1])}  # an authority reviewing itself
    checked = client.post(f"/cycles/{six.cycle.id}/assignments/check", data=adjust_form(six, broken, "check"))
    assert checked.status_code == 200 and "cannot be saved" in checked.get_data(as_text=True)
    saved = client.post(f"/cycles/{six.cycle.id}/assignments/adjust", data=adjust_form(six, broken, "save"))
    assert saved.status_code == 400 and "was not saved" in saved.get_data(as_text=True)
    assert current_pairs(six.cycle) == pairs

    # A valid hand change: reverse every pair (still k in and k out, no self-review).
    reversed_pairs = {(reviewed, reviewer) for reviewer, reviewed in pairs}
    ok = client.post(
        f"/cycles/{six.cycle.id}/assignments/adjust", data=adjust_form(six, reversed_pairs, "save")
    )
    assert ok.status_code == 302
    assert current_pairs(six.cycle) == reversed_pairs


def test_adjust_with_a_forged_authority_is_refused(six, sign_in):
    client = sign_in(six.lead)
    generate(client, six.cycle)
    forged = MultiDict([("action", "save"), (f"reviewers-{six.authorities[0].id}", "999999")])
    assert client.post(f"/cycles/{six.cycle.id}/assignments/adjust", data=forged).status_code == 400


def sign_off_all(six, sign_in):
    for authority, contributor, director in zip(
        six.authorities, six.contributors, six.directors, strict=True
    ):
        sign_in(contributor).post(
            f"/cycles/{six.cycle.id}/authorities/{authority.id}/self-assessment/upload",
            data={"file": (io.BytesIO(self_assessment_md()), "sa.md")},
            content_type="multipart/form-data",
        )
        sign_in(director).post(f"/cycles/{six.cycle.id}/authorities/{authority.id}/self-assessment/sign-off")


def test_publishing_shows_reviewers_their_work_and_emails_them(six, sign_in):
    lead = sign_in(six.lead)
    generate(lead, six.cycle)
    pairs = current_pairs(six.cycle)
    director = six.directors[0]
    assert "Self-assessments you review" not in sign_in(director).get("/").get_data(as_text=True)
    assert "Publish the assignment?" in lead.get(f"/cycles/{six.cycle.id}/assignments/publish").get_data(
        as_text=True
    )
    lead.post(f"/cycles/{six.cycle.id}/assignments/publish")
    assert current_pairs(six.cycle, AssignmentState.PUBLISHED) == pairs
    emails = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.kind == "assignments_published")
    ).all()
    assert {email.to_address for email in emails} == {d.email for d in six.directors}

    reviewed_ids = {reviewed for reviewer, reviewed in pairs if reviewer == six.authorities[0].id}
    not_reviewed = next(a for a in six.authorities[1:] if a.id not in reviewed_ids)
    home = sign_in(director).get("/").get_data(as_text=True)
    assert "Self-assessments you review" in home and "Waiting for sign-off" in home

    sign_off_all(six, sign_in)
    client = sign_in(director)
    assert "Ready to read" in client.get("/").get_data(as_text=True)
    for reviewed_id in reviewed_ids:
        assert (
            client.get(f"/cycles/{six.cycle.id}/authorities/{reviewed_id}/self-assessment").status_code == 200
        )
    assert (
        client.get(f"/cycles/{six.cycle.id}/authorities/{not_reviewed.id}/self-assessment").status_code == 403
    )
    # Published means fixed: no regenerating, no adjusting.
    generate(lead, six.cycle)
    assert current_pairs(six.cycle, AssignmentState.PUBLISHED) == pairs
    assert current_pairs(six.cycle) == set()


def test_reviewers_cannot_read_before_sign_off(six, sign_in):
    lead = sign_in(six.lead)
    generate(lead, six.cycle)
    lead.post(f"/cycles/{six.cycle.id}/assignments/publish")
    reviewer_id, reviewed_id = sorted(current_pairs(six.cycle, AssignmentState.PUBLISHED))[0]
    director = six.directors[[a.id for a in six.authorities].index(reviewer_id)]
    contributor = six.contributors[[a.id for a in six.authorities].index(reviewed_id)]
    url = f"/cycles/{six.cycle.id}/authorities/{reviewed_id}/self-assessment"
    sign_in(contributor).post(
        url + "/upload",
        data={"file": (io.BytesIO(self_assessment_md()), "sa.md")},
        content_type="multipart/form-data",
    )
    assert sign_in(director).get(url).status_code == 403


def test_withdrawing_an_authority_reassigns_with_the_rules_kept_and_history_kept(six, sign_in):
    lead = sign_in(six.lead)
    generate(lead, six.cycle)
    lead.post(f"/cycles/{six.cycle.id}/assignments/publish")
    before = current_pairs(six.cycle, AssignmentState.PUBLISHED)
    gone = six.authorities[5]
    preview = lead.get(f"/cycles/{six.cycle.id}/assignments/withdraw/{gone.id}").get_data(as_text=True)
    assert "Withdraw Fenland" in preview and "What would change" in preview
    assert current_pairs(six.cycle, AssignmentState.PUBLISHED) == before  # the preview saved nothing
    assert lead.post(f"/cycles/{six.cycle.id}/assignments/withdraw/{gone.id}").status_code == 302
    after = current_pairs(six.cycle, AssignmentState.PUBLISHED)
    assert_hard_rules(after, {a.id for a in six.authorities[:5]})
    replaced = db.session.scalars(
        sa.select(Assignment).where(Assignment.state == AssignmentState.REPLACED)
    ).all()
    assert {(r.reviewer_id, r.reviewed_id) for r in replaced} == before - after
    assert all(gone.id not in pair for pair in after)
    assert db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.kind == "assignments_changed"))
    assert "Replaced reviews" in lead.get(f"/cycles/{six.cycle.id}/assignments").get_data(as_text=True)


def test_director_nominates_a_contributor_who_then_sees_the_reviews(six, sign_in):
    lead = sign_in(six.lead)
    generate(lead, six.cycle)
    lead.post(f"/cycles/{six.cycle.id}/assignments/publish")
    authority, director, contributor = six.authorities[0], six.directors[0], six.contributors[0]
    assert sign_in(contributor).get(f"/authorities/{authority.id}/delegates").status_code == 403
    client = sign_in(director)
    other_contributor = six.contributors[1]
    refused = client.post(f"/authorities/{authority.id}/delegates", data={"delegate": other_contributor.id})
    assert refused.status_code == 400
    assert (
        client.post(f"/authorities/{authority.id}/delegates", data={"delegate": contributor.id}).status_code
        == 302
    )
    assert db.session.scalar(sa.select(Delegation).where(Delegation.delegate_id == contributor.id))
    assert "Self-assessments you review" in sign_in(contributor).get("/").get_data(as_text=True)
    delegation = db.session.scalar(sa.select(Delegation))
    client.post(f"/authorities/{authority.id}/delegates/{delegation.id}/remove")
    assert "Self-assessments you review" not in sign_in(contributor).get("/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["director", "contributor", "other_lead", "no_role"])
def test_only_the_lead_runs_the_assignment(six, world, sign_in, who):
    client = sign_in(getattr(world, who))
    cycle = six.cycle
    for url in (
        f"/cycles/{cycle.id}/assignments",
        f"/cycles/{cycle.id}/assignments/adjust",
        f"/cycles/{cycle.id}/assignments/publish",
        f"/regions/{six.region.id}/conflicts",
    ):
        assert client.get(url).status_code == 403
    assert generate(client, cycle).status_code == 403
    assert current_pairs(cycle) == set()

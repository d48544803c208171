"""A moderator saving or submitting from two tabs at the same instant: one change, one audit event, one email;
the other tab is told plainly. Two writers at once need PostgreSQL (see tests/test_concurrent_writes.py)."""

import os

import pytest
from markupsafe import escape

from peerchallenge.extensions import db
from tests.test_concurrent_writes import at_once, emails, events, post, statuses

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="two writers at the same instant need PostgreSQL; SQLite lets one writer in at a time",
)


def test_two_saves_of_the_same_comments_keep_the_losers_text(moderated, sign_in):
    row = moderated.rows()[0]
    moderator = moderated.moderator_of(row)
    first, second = sign_in(moderator), sign_in(moderator)
    texts = ["The first tab's comment", "The second tab's comment"]
    url = f"/moderation/{row.id}"

    responses = at_once(
        post(first, url, {"evidence_comment": texts[0], "data_comment": "Data", "base_version": 0}),
        post(second, url, {"evidence_comment": texts[1], "data_comment": "Data", "base_version": 0}),
    )

    assert statuses(responses) == [302, 409]
    loser = next(index for index, response in enumerate(responses) if response.status_code == 409)
    assert escape(texts[loser]) in responses[loser].get_data(as_text=True)
    db.session.expire_all()
    assert row.version == 1 and row.evidence_comment == texts[1 - loser]
    assert events("moderation_saved") == 1


def test_two_submits_at_once_submit_once(moderated, sign_in):
    row = moderated.rows()[0]
    moderator = moderated.moderator_of(row)
    client = sign_in(moderator)
    assert (
        client.post(
            f"/moderation/{row.id}", data={"evidence_comment": "E", "data_comment": "D", "base_version": 0}
        ).status_code
        == 302
    )
    other = sign_in(moderator)

    responses = at_once(
        post(client, f"/moderation/{row.id}/submit"), post(other, f"/moderation/{row.id}/submit")
    )

    assert statuses(responses) == [302, 302]  # both go back to the page; one says it was already submitted
    assert events("moderation_submitted") == 1
    assert emails("moderation_submitted") == 1

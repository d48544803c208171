"""The pagination shared by the audit log and the outbox, and links built from patterns."""

import pytest
from flask import url_for

from peerchallenge.routing import UrlPatterns, pagination


def _href(number: int) -> str:
    return f"/list?page={number}"


def test_a_single_page_needs_no_pagination():
    assert pagination(1, 1, _href) is None


def test_the_first_last_and_nearby_pages_are_linked_with_an_ellipsis_for_each_gap():
    links = pagination(5, 9, _href)
    assert links is not None
    assert links["items"] == [
        {"number": 1, "href": "/list?page=1", "current": False},
        {"ellipsis": True},
        {"number": 4, "href": "/list?page=4", "current": False},
        {"number": 5, "href": "/list?page=5", "current": True},
        {"number": 6, "href": "/list?page=6", "current": False},
        {"ellipsis": True},
        {"number": 9, "href": "/list?page=9", "current": False},
    ]
    assert links["previous"] == {"href": "/list?page=4"}
    assert links["next"] == {"href": "/list?page=6"}


def test_the_first_page_has_no_previous_and_the_last_no_next():
    first, last = pagination(1, 3, _href), pagination(3, 3, _href)
    assert first is not None and last is not None
    assert first["previous"] is None and last["next"] is None


@pytest.mark.parametrize("pages", range(2, 13))
def test_two_nearby_pages_list_what_the_outbox_listed_before(pages):
    """The outbox's own loop, kept here: every page within two of this one, an ellipsis three away."""
    for page in range(1, pages + 1):
        expected: list[dict] = []
        for number in range(1, pages + 1):
            if number in (1, pages) or abs(number - page) <= 2:
                expected.append({"number": number, "href": _href(number), "current": number == page})
            elif abs(number - page) == 3:
                expected.append({"ellipsis": True})
        links = pagination(page, pages, _href, nearby=2)
        assert links is not None
        assert links["items"] == expected


def test_url_patterns_give_what_url_for_gives_and_none_without_an_endpoint(app):
    links = UrlPatterns()
    with app.test_request_context():
        for endpoint, values in [
            ("submissions.view", {"cycle_id": 3, "authority_id": 41}),
            ("submissions.view", {"cycle_id": 12, "authority_id": 7}),
            ("letters.letter", {"letter_id": 2_147_483_647}),
            ("monitoring.dashboard", {"cycle_id": 5, "show": "overdue"}),
            ("core.home", {}),
        ]:
            assert links(endpoint, **values) == url_for(endpoint, **values)
        assert links(None) is None

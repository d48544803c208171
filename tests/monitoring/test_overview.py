"""The regional overview: consolidating the peers' evidence ratings, the authorities x sections table (words
first, colour second), and the region's counts per rating."""

from html.parser import HTMLParser

import pytest

from peerchallenge.extensions import db
from peerchallenge.monitoring.overview import Consolidated, consolidate, shade
from peerchallenge.monitoring.routes import uk_today
from tests.monitoring.builders import make_cycle, rated_cycle


@pytest.mark.parametrize(
    ("positions", "expected"),
    [
        ([], Consolidated(None, False, 0)),
        ([1], Consolidated(1, False, 1)),
        ([1, 1], Consolidated(1, False, 2)),
        ([0, 2], Consolidated(2, True, 2)),  # two peers who differ: the weaker
        ([2, 0], Consolidated(2, True, 2)),
        ([0, 1, 3], Consolidated(1, True, 3)),  # three: the middle one
        ([0, 0, 3, 3], Consolidated(3, True, 4)),  # a tie between the middle two: the weaker
        ([3, 0, 0], Consolidated(0, True, 3)),
    ],
)
def test_the_peers_ratings_consolidate_to_the_median_ties_to_the_weaker(positions, expected):
    assert consolidate(positions) == expected


@pytest.mark.parametrize(
    ("index", "levels", "expected"),
    [
        (0, 4, 5),
        (1, 4, 4),
        (2, 4, 2),
        (3, 4, 1),
        (0, 5, 5),
        (2, 5, 3),
        (4, 5, 1),
        (0, 1, 5),
        (0, 2, 5),
        (1, 2, 1),
    ],
)
def test_the_strongest_level_is_the_darkest_shade_and_the_weakest_the_lightest(index, levels, expected):
    assert shade(index, levels) == expected


class TableReader(HTMLParser):
    """Each table on the page: its caption, and its rows as (header, [(cell text, cell classes)])."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list] = {}
        self._caption = None
        self._in_caption = False
        self._rows = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("th", "td") and self._rows is not None:
            self._cell = ["", attrs.get("class", ""), attrs.get("scope")]

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            self._rows[-1].append((self._cell[0].strip(), self._cell[1], self._cell[2]))
            self._cell = None
        elif tag == "table":
            self.tables[self._caption.strip()] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell[0] += data


def read_tables(html: str) -> dict[str, list]:
    reader = TableReader()
    reader.feed(html)
    return reader.tables


def test_the_overview_shows_each_authoritys_consolidated_evidence_per_section_in_words_and_colour(
    world, sign_in
):
    cycle = rated_cycle(world, anonymous=False)
    sections = [section.title for section in cycle.sections]

    response = sign_in(world.lead).get(f"/cycles/{cycle.id}/overview")

    assert response.status_code == 200
    tables = read_tables(response.get_data(as_text=True))
    header, *rows = tables["Evidence strength by authority and section"]
    assert [text for text, _classes, _scope in header] == ["Authority", *sections, "Overall"]
    assert {scope for _text, _classes, scope in header} == {"col"}
    by_name = {row[0][0]: row[1:] for row in rows}
    assert all(row[0][2] == "row" for row in rows)
    assert list(by_name) == ["Alpha", "Beta", "Cedar"]
    alpha, beta, cedar = by_name["Alpha"], by_name["Beta"], by_name["Cedar"]
    # Strong from one peer, Limited from the other: Limited, and said to differ.
    assert [text for text, _c, _s in alpha] == ["Limited (peers differ)"] * len(sections) + ["Sufficient"]
    assert "app-strength--2" in alpha[0][1] and "app-strength--4" in alpha[-1][1]
    # Beta has one submitted review (the other is a draft), which rated two sections.
    assert [text for text, _c, _s in beta[:3]] == ["Sufficient", "Not evidenced", "Not rated yet"]
    assert "app-strength--1" in beta[1][1] and "app-strength--none" in beta[2][1]
    assert {text for text, _c, _s in cedar} == {"Not rated yet"}


def test_the_regions_counts_per_rating_cover_sections_and_overall_of_submitted_reviews(world, sign_in):
    cycle = rated_cycle(world, anonymous=False)
    sections = len(cycle.sections)

    page = sign_in(world.lead).get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)

    tables = read_tables(page)
    evidence = [[text for text, _c, _s in row] for row in tables["Evidence strength"]]
    assert evidence == [
        ["Rating", "Sections", "Overall"],
        ["Strong", str(sections), "0"],
        ["Sufficient", "1", "3"],
        ["Limited", str(sections), "0"],
        ["Not evidenced", "1", "0"],
        ["Total", str(2 * sections + 2), "3"],
    ]
    brevity = {row[0][0]: row[1][0] for row in tables["Brevity and focus"][1:]}
    assert brevity == {
        "Concise": "0",
        "Mostly concise": str(2 * sections + 2),
        "Substantial business as usual": "0",
        "Overlong": "0",
        "Total": str(2 * sections + 2),
    }
    assert "From 3 submitted reviews" in page


def test_a_cycle_without_reviews_has_an_overview_of_nothing_rated(world, sign_in):
    cycle = make_cycle(world.lead, world.region, uk_today())
    db.session.commit()

    page = sign_in(world.admin).get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)

    rows = read_tables(page)["Evidence strength by authority and section"][1:]
    assert {text for row in rows for text, _c, _s in row[1:]} == {"Not rated yet"}
    assert "From 0 submitted reviews" in page

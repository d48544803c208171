"""The regional overview: consolidating the peers' evidence ratings, the authorities x sections table (words
first, colour second), and the region's counts per rating."""

from html.parser import HTMLParser

import pytest

from peerchallenge.extensions import db
from peerchallenge.monitoring.overview import (
    Consolidated,
    cell,
    consolidate,
    cycle_ratings,
    regional_overview,
    shade,
)
from peerchallenge.monitoring.routes import uk_today
from peerchallenge.submissions.queries import find_submission
from tests.monitoring.builders import evidence_sections, make_cycle, rated_cycle
from tests.scenarios import review_content, submit_both


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
    ("positions", "expected"),
    [
        ([], Consolidated(None, False, 0)),
        ([2], Consolidated(2, False, 1)),
        ([2, 2], Consolidated(2, False, 2)),
        ([2, 3], Consolidated(None, True, 2)),  # Over-optimistic and Over-cautious: no middle, no weaker
        ([0, 3], Consolidated(None, True, 2)),
        ([1, 1, 2], Consolidated(None, True, 3)),  # no median: two of three is not agreement
    ],
)
def test_on_a_scale_that_is_not_ordered_peers_agree_only_on_the_same_level(positions, expected):
    assert consolidate(positions, ordered=False) == expected


@pytest.mark.parametrize(
    ("result", "submitted", "expected", "words", "shaded"),
    [
        (Consolidated(0, False, 2), 2, 2, "Strong", True),
        (Consolidated(1, True, 2), 2, 2, "Sufficient (peers differ)", True),
        (Consolidated(0, False, 1), 1, 2, "Strong (1 of 2 reviews)", False),  # never shown as final
        (Consolidated(1, True, 2), 2, 3, "Sufficient (peers differ; 2 of 3 reviews)", False),
        (Consolidated(None, True, 2), 2, 2, "Peers differ", False),
        (Consolidated(None, False, 0), 1, 2, "Not rated yet", False),
    ],
)
def test_a_cell_says_when_it_rests_on_only_some_of_the_reviews(result, submitted, expected, words, shaded):
    labels, shades = {0: "Strong", 1: "Sufficient"}, {0: 5, 1: 4}
    shown = cell(result, labels, shades, submitted, expected)
    assert shown.label == words
    assert (shown.shade is not None) is shaded


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
    # The headline summary and the plans are not rated on evidence strength, so they have no column.
    sections = [section.title for section in evidence_sections(cycle)]
    assert len(sections) == len(cycle.sections) - 2

    response = sign_in(world.lead).get(f"/cycles/{cycle.id}/overview")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    tables = read_tables(page)
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
    # Beta has one submitted review of two (the other is a draft): its ratings are marked as partial and
    # not coloured as a final result.
    assert [text for text, _c, _s in beta[:3]] == [
        "Sufficient (1 of 2 reviews)",
        "Not evidenced (1 of 2 reviews)",
        "Not rated yet",
    ]
    assert all("app-strength--none" in classes for _t, classes, _s in beta)
    assert beta[-1][0] == "Sufficient (1 of 2 reviews)"
    assert {text for text, _c, _s in cedar} == {"Not rated yet"}
    assert "1 of 2 reviews" in page and "not coloured" in page


def test_the_regions_counts_per_rating_cover_sections_and_overall_of_submitted_reviews(world, sign_in):
    cycle = rated_cycle(world, anonymous=False)
    rated = evidence_sections(cycle)
    sections = len(rated)
    # Brevity is counted only where a section is rated on it: not on progress since last year.
    brief = [section for section in rated if "brevity" in section.scale_keys]

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
    beta_brevity = sum("brevity" in section.scale_keys for section in rated[:2])
    brevity = {row[0][0]: row[1][0] for row in tables["Brevity and focus"][1:]}
    assert brevity == {
        "Concise": "0",
        "Mostly concise": str(2 * len(brief) + beta_brevity),
        "Substantial business as usual": "0",
        "Overlong": "0",
        "Total": str(2 * len(brief) + beta_brevity),
    }
    overall_counts = {row[0][0]: row[2][0] for row in tables["Brevity and focus"][1:]}
    assert overall_counts["Mostly concise"] == "3"
    assert "From 3 submitted reviews" in page


def test_on_a_scale_that_is_not_ordered_the_overview_has_no_median_and_no_colours(world, sign_in):
    cycle = rated_cycle(world, anonymous=False)
    evidence = next(scale for scale in cycle.scales if scale.key == "evidence")
    evidence.ordered = False
    db.session.commit()

    page = sign_in(world.lead).get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)

    rows = read_tables(page)["Evidence strength by authority and section"][1:]
    alpha = next(row[1:] for row in rows if row[0][0] == "Alpha")
    assert [text for text, _c, _s in alpha[:-1]] == ["Peers differ"] * (len(alpha) - 1)
    assert alpha[-1][0] == "Sufficient"
    assert all("app-strength--none" in classes for _t, classes, _s in alpha)
    assert "Colour key" not in page and '"Peers differ"' in page


def test_a_cycle_without_reviews_has_an_overview_of_nothing_rated(world, sign_in):
    cycle = make_cycle(world.lead, world.region, uk_today())
    db.session.commit()

    page = sign_in(world.admin).get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)

    rows = read_tables(page)["Evidence strength by authority and section"][1:]
    assert {text for row in rows for text, _c, _s in row[1:]} == {"Not rated yet"}
    assert "From 0 submitted reviews" in page


def test_a_section_left_out_is_not_included_and_one_nobody_rated_is_not_rated(reviewing):
    r = reviewing
    cycle = r.cycle
    send = next(section for section in cycle.sections if section.optional)
    version = find_submission(cycle, r.assignment.reviewed).current_version
    left_out = next(text for text in version.sections if text.template_section_id == send.id)
    left_out.markdown, left_out.word_count = "", 0  # the authority wrote nothing under it
    overall_only = review_content(cycle)
    overall_only["sections"] = {}  # section ratings are optional: only the overall part is rated
    submit_both(r, first=overall_only, second=overall_only)

    overview = regional_overview(cycle, cycle_ratings(cycle))
    [(_authority, cells)] = [row for row in overview.rows if row[0].id == r.assignment.reviewed_id]
    by_part = {part: found.label for part, found in zip(overview.parts, cells, strict=True)}
    assert by_part[send.title] == "Not included"
    assert by_part.pop("Overall") == "Strong"
    assert {label for part, label in by_part.items() if part != send.title} == {"Not rated"}
    others = [cells for authority, cells in overview.rows if authority.id != r.assignment.reviewed_id]
    assert {found.label for cells in others for found in cells} == {"Not rated yet"}  # no reviews in yet

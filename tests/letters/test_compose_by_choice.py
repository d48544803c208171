"""Composing a letter by choice: the service's first choice of points, the lead's page to tick, order and
reword them and write the headline, and what the letter and its files then say. Through the app and
database."""

import html
import io

import docx
import pypdf
import sqlalchemy as sa

from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db
from peerchallenge.letters import services
from peerchallenge.letters.choice import PointKind
from peerchallenge.letters.models import FileKind, LetterPoint, VersionSource
from tests.scenarios import letter_of, submit, submit_both


def content(cycle, peer: str, *, level: int = 0, summary: str = "") -> dict:
    """A complete review in which every section has its own strength, area and question from this peer."""

    def part(title: str, scales) -> dict:
        return {
            "ratings": {
                scale.key: scale.levels[min(level, len(scale.levels) - 1)].position for scale in scales
            },
            "strengths": f"{peer} saw a strength in {title.lower()}.",
            "development": f"{peer} would like sharper plans for {title.lower()}.",
            "questions": [f"How will {title.lower()} change for children, asks {peer}?"],
        }

    return {
        "sections": {str(section.id): part(section.title, section.scales) for section in cycle.sections},
        "overall": {**part("the whole", cycle.scales), "summary": summary or f"{peer}'s summary."},
    }


def composed(reviewing):
    cycle = reviewing.cycle
    return submit_both(
        reviewing,
        first=content(cycle, "Suffolk", level=0),
        second=content(cycle, "Essex", level=1, summary="Candid, but long."),
    )


def rows(letter):
    composed_, ranked = services.candidates_for(letter)
    return services.compose_rows(letter, composed_, ranked)[1]


def form_data(letter, page_rows, ticks, *, headline="Our headline.", base_version=None) -> dict:
    """The compose form as posted: `ticks` maps a kind to {row index: (order, text)} for the ticked rows."""
    data = {
        "headline": headline,
        "base_version": letter.current_version.number if base_version is None else base_version,
    }
    for kind in PointKind:
        for index, row in enumerate(page_rows[kind]):
            prefix = f"{kind.value}-{index}-"
            data[prefix + "key"] = row.key or ""
            order, text = ticks.get(kind, {}).get(index, (None, row.text))
            data[prefix + "text"] = text
            data[prefix + "order"] = "" if order is None else str(order)
            if index in ticks.get(kind, {}):
                data[prefix + "include"] = "y"
    return data


def section(body: str, heading: str) -> str:
    """The text under a level-2 heading of the letter, up to the next one."""
    return body.split(f"## {heading}\n")[1].split("\n## ")[0].strip()


def test_the_service_chooses_points_from_different_sections_and_writes_a_headline(reviewing):
    letter = composed(reviewing)
    chosen = {kind: [p for p in letter.points if p.kind == kind] for kind in PointKind}
    assert [len(chosen[kind]) for kind in PointKind] == [5, 5, 6]
    for kind in PointKind:
        assert len({point.section for point in chosen[kind]}) == len(chosen[kind])  # one a section
    assert chosen[PointKind.STRENGTH][0].section == "Overall"  # the whole first
    for kind in PointKind:  # each peer in turn, not all from the first
        assert {point.sources for point in chosen[kind]} == {
            reviewing.assignment.reviewer.name,
            reviewing.co_assignment.reviewer.name,
        }
    assert letter.points_chosen_at is None
    body = letter.body
    assert section(body, "Strengths").count("- ") == 5
    assert "1. How will the whole change for children" in section(body, "Key lines of enquiry")
    # The peers differ on every overall rating: the first headline says nothing of it (the lead decides).
    assert "## Our overall view" not in body and "differ" not in body.split("## Annex")[0]
    # The points in the letter carry no attribution; the annex keeps it.
    attribution = f"({reviewing.assignment.reviewer.name})"
    assert attribution not in body.split("## Annex")[0] and attribution in body.split("## Annex")[1]


def test_the_lead_sees_every_point_with_who_made_it_and_where_the_ratings_differ(reviewing, sign_in):
    letter = composed(reviewing)
    page = sign_in(reviewing.lead).get(f"/letters/{letter.id}/compose")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "Where the peers' ratings differ" in text and "One level apart" in text
    suffolk, essex = reviewing.assignment.reviewer.name, reviewing.co_assignment.reviewer.name
    assert f"{suffolk}: Strong" in text and f"{essex}: Sufficient" in text
    for section_ in reviewing.cycle.sections:
        assert f"Suffolk saw a strength in {section_.title.lower()}." in text
    assert text.count('type="checkbox"') == sum(len(found) for found in rows(letter).values())
    assert text.count("checked") == 16  # the service's choice: 5 + 5 + 6
    assert text.count("your own point") == 6  # two blank rows of each kind


def test_ticking_ordering_and_rewording_makes_a_new_version(reviewing, sign_in):
    letter = composed(reviewing)
    page_rows = rows(letter)
    client = sign_in(reviewing.lead)
    strengths = page_rows[PointKind.STRENGTH]
    own = len(strengths) - 1  # a blank row
    ticks = {
        PointKind.STRENGTH: {
            3: (2, strengths[3].text),
            7: (1, "Reworded: the audit programme is strong."),
            own: (3, "Our own strength."),
        },
        PointKind.CONSIDERATION: {0: (None, page_rows[PointKind.CONSIDERATION][0].text)},
        PointKind.ENQUIRY: {index: (None, page_rows[PointKind.ENQUIRY][index].text) for index in range(5)},
    }
    response = client.post(
        f"/letters/{letter.id}/compose",
        data=form_data(
            letter, page_rows, ticks, headline="A candid self-assessment.\n\nIt could be shorter."
        ),
    )
    assert response.status_code == 302
    letter = letter_of(reviewing)
    assert letter.current_version.source == VersionSource.CHOSEN and letter.points_chosen_at is not None
    body = letter.body
    assert section(body, "Strengths") == (
        f"- Reworded: the audit programme is strong.\n- {strengths[3].text}\n- Our own strength."
    )
    assert section(body, "Our overall view") == "A candid self-assessment.\n\nIt could be shorter."
    assert section(body, "Areas for consideration").count("- ") == 1
    assert strengths[7].text in body.split("## Annex")[1]  # the annex keeps the peers' own words
    # What the lead chose stays chosen: the page shows it ticked, in order, in the lead's words.
    again = html.unescape(client.get(f"/letters/{letter.id}/compose").get_data(as_text=True))
    assert again.index("Reworded: the audit programme") < again.index("Our own strength.")
    stored = db.session.scalars(sa.select(LetterPoint).where(LetterPoint.letter_id == letter.id)).all()
    own_point = next(point for point in stored if point.text == "Our own strength.")
    assert own_point.candidate_key is None and own_point.sources == ""
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "letter_points_chosen"))


def test_advice_when_a_list_is_outside_what_two_pages_hold(reviewing, sign_in):
    letter = composed(reviewing)
    page_rows = rows(letter)
    client = sign_in(reviewing.lead)
    ticks = {PointKind.STRENGTH: {0: (None, page_rows[PointKind.STRENGTH][0].text)}}
    response = client.post(
        f"/letters/{letter.id}/compose", data=form_data(letter, page_rows, ticks), follow_redirects=True
    )
    text = html.unescape(response.get_data(as_text=True))
    assert "The letter has 1 strength: letters read best with three to five." in text
    assert "The letter has 0 areas for consideration: letters read best with three to five." in text
    assert "The letter has 0 key lines of enquiry: letters read best with five or six." in text
    body = letter_of(reviewing).body
    assert "No areas for consideration were noted." in section(body, "Areas for consideration")


def test_refusals_keep_the_lead_s_choices_and_save_nothing(reviewing, sign_in):
    letter = composed(reviewing)
    page_rows = rows(letter)
    client = sign_in(reviewing.lead)
    url = f"/letters/{letter.id}/compose"
    first = page_rows[PointKind.STRENGTH][0].text
    cases = [
        ({}, "Choose at least one point for the letter."),
        ({PointKind.STRENGTH: {0: (None, "")}}, "Write the wording of strength 1, or untick it"),
        ({PointKind.STRENGTH: {0: ("first", first)}}, "Enter an order from 1 to 99"),
        ({PointKind.STRENGTH: {0: (0, first)}}, "Enter an order from 1 to 99"),
        ({PointKind.STRENGTH: {0: (None, "x" * 1001)}}, "The wording must be 1,000 characters or fewer"),
        (
            {
                PointKind.STRENGTH: {
                    index: (None, row.text) for index, row in enumerate(page_rows[PointKind.STRENGTH][:11])
                }
            },
            "Choose at most 10 strengths",
        ),
    ]
    for ticks, message in cases:
        response = client.post(url, data=form_data(letter, page_rows, ticks, headline="Kept headline"))
        text = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400, message
        assert message in text and "Kept headline" in text
    long_headline = form_data(
        letter, page_rows, {PointKind.STRENGTH: {0: (None, first)}}, headline="x" * 3001
    )
    assert client.post(url, data=long_headline).status_code == 400
    assert len(letter_of(reviewing).versions) == 1


def test_a_second_tab_s_save_is_not_overwritten(reviewing, sign_in):
    letter = composed(reviewing)
    page_rows = rows(letter)
    client = sign_in(reviewing.lead)
    url = f"/letters/{letter.id}/compose"
    ticks = {PointKind.STRENGTH: {0: (None, "From the first tab.")}}
    assert client.post(url, data=form_data(letter, page_rows, ticks)).status_code == 302
    stale = form_data(
        letter, page_rows, {PointKind.STRENGTH: {0: (None, "From the second tab.")}}, base_version=1
    )
    response = client.post(url, data=stale)
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert "From the second tab." in text and "was saved after you opened this page" in text
    assert "From the first tab." in letter_of(reviewing).body


def test_junk_rows_and_field_names_are_a_4xx_or_ignored_never_a_500(reviewing, sign_in):
    letter = composed(reviewing)
    client = sign_in(reviewing.lead)
    url = f"/letters/{letter.id}/compose"
    base = {"headline": "h", "base_version": 1}
    junk = {"strength-99999999-include": "y", "strength-99999999-text": "far away", "strength-x-text": "x"}
    response = client.post(url, data={**base, **junk})
    assert response.status_code == 302  # the rows are read in order, whatever their numbers
    assert "- far away" in letter_of(reviewing).body
    base["base_version"] = 2
    assert (
        client.post(
            url, data={**base, "strength-0-key": "k" * 41, "strength-0-include": "y", "strength-0-text": "t"}
        ).status_code
        == 400
    )
    flood = {f"strength-{index}-include": "y" for index in range(400)}
    flood.update({f"strength-{index}-text": "t" for index in range(400)})
    assert client.post(url, data={**base, **flood}).status_code == 400
    assert client.post(url, data={"headline": "h", "base_version": "junk"}).status_code == 400


def test_reviewers_text_reaches_the_letter_and_its_files_as_plain_text(reviewing, sign_in):
    letter = composed(reviewing)
    page_rows = rows(letter)
    client = sign_in(reviewing.lead)
    hostile = '## Heading <script>alert(1)</script> #set text(red) #import "x.typ" ]) } ${'
    ticks = {
        PointKind.STRENGTH: {0: (None, hostile)},
        PointKind.ENQUIRY: {0: (None, "1. [link](javascript:x)")},
    }
    data = form_data(letter, page_rows, ticks, headline="# Not a heading\n\n<b>bold?</b> | a | table |\n---")
    assert client.post(f"/letters/{letter.id}/compose", data=data).status_code == 302
    letter = letter_of(reviewing)
    rendered = str(letter.body_rendered)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    letter_part = rendered.split("<h2>Annex")[0]
    assert "<h1>" not in letter_part and "<table>" not in letter_part and 'href="javascript' not in rendered
    assert rendered.count("<h2>") == letter.body.split("## Annex")[0].count("\n## ") + 1
    pdf = pypdf.PdfReader(io.BytesIO(services.download(reviewing.lead, letter, FileKind.PDF)))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    assert "#set text(red) #import" in text and "<script>alert(1)</script>" in text
    assert "# Not a heading" in text
    word = docx.Document(io.BytesIO(services.download(reviewing.lead, letter, FileKind.DOCX)))
    paragraphs = [paragraph.text for paragraph in word.paragraphs]
    assert hostile in paragraphs and "# Not a heading" in paragraphs
    assert "[link](javascript:x)" in " ".join(paragraphs)


def test_a_review_changed_after_the_lead_chose_keeps_the_lead_s_points(reviewing, sign_in):
    from peerchallenge.reviews import services as review_services

    letter = composed(reviewing)
    page_rows = rows(letter)
    client = sign_in(reviewing.lead)
    ticks = {PointKind.STRENGTH: {0: (None, "The lead's own words.")}}
    assert (
        client.post(f"/letters/{letter.id}/compose", data=form_data(letter, page_rows, ticks)).status_code
        == 302
    )
    review_services.reopen(reviewing.lead, review_services.find_review(reviewing.assignment))
    db.session.commit()
    submit(reviewing.assignment, reviewing.reviewer_director, content(reviewing.cycle, "Norfolk"))
    letter = letter_of(reviewing)
    assert letter.current_version.source == VersionSource.RECOMPOSED
    assert section(letter.body, "Strengths") == "- The lead's own words."
    assert "Norfolk saw a strength" in letter.body.split("## Annex")[1]


def test_only_the_lead_composes_and_not_after_release(reviewing, sign_in):
    letter = composed(reviewing)
    for person in (reviewing.reviewed_director, reviewing.reviewer_director):
        assert sign_in(person).get(f"/letters/{letter.id}/compose").status_code == 403
    client = sign_in(reviewing.lead)
    client.post(f"/letters/{letter.id}/approve")
    client.post(f"/letters/{letter.id}/release")
    response = client.get(f"/letters/{letter.id}/compose", follow_redirects=True)
    assert "released and can no longer be changed" in html.unescape(response.get_data(as_text=True))


def test_the_cycle_can_leave_the_annex_out(reviewing):
    reviewing.cycle.letter_annex = False
    db.session.commit()
    letter = composed(reviewing)
    assert "## Annex" not in letter.body
    assert letter.body.rstrip().endswith(
        reviewing.co_director.name
        + ", Director of Children's Services, "
        + reviewing.co_assignment.reviewer.name
    )


def test_the_lead_switches_the_annex_on_the_cycle(world, sign_in, cycle):
    from tests.scenarios import cycle_form

    lead = sign_in(world.lead)
    form = cycle_form()
    assert lead.post(f"/cycles/{cycle.id}/edit", data=form).status_code == 302  # the box left unticked
    db.session.refresh(cycle)
    assert cycle.letter_annex is False
    assert "Annex to each letter</dt>" in lead.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    form["letter_annex"] = "y"
    assert lead.post(f"/cycles/{cycle.id}/edit", data=form).status_code == 302
    db.session.refresh(cycle)
    assert cycle.letter_annex is True


def test_the_first_headline_says_what_the_peers_agree_on_in_sentences(reviewing):
    cycle = reviewing.cycle
    letter = submit_both(
        reviewing, first=content(cycle, "Suffolk", level=0), second=content(cycle, "Essex", level=0)
    )
    headline = section(letter.body, "Our overall view")
    assert headline.startswith(
        "We rated your self-assessment's evidence strength as strong: judgements rest on"
    )
    assert (
        "We rated your self-assessment's self-knowledge as accurate: the judgements match the evidence."
        in (headline)
    )
    assert "We rated your self-assessment's plans as SMART: each priority has an owner" in headline


def test_going_back_to_a_version_brings_back_the_points_it_was_made_from(reviewing, sign_in):
    letter = composed(reviewing)
    client = sign_in(reviewing.lead)
    url = f"/letters/{letter.id}/compose"
    for words in ("Choice A.", "Choice B."):
        letter = letter_of(reviewing)
        data = form_data(
            letter, rows(letter), {PointKind.STRENGTH: {0: (None, words)}}, headline=f"H {words}"
        )
        assert client.post(url, data=data).status_code == 302
    assert client.post(f"/letters/{letter.id}/versions/2/restore").status_code == 302
    letter = letter_of(reviewing)
    assert letter.current_version.source == VersionSource.RESTORED
    assert letter.headline == "H Choice A." and [p.text for p in letter.points] == ["Choice A."]
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert "Choice A." in page and "Choice B." not in page
    # The page says the text is not the points' own, and that composing makes a new version.
    assert f"The current text, version {letter.current_version.number}, is restored" in page


def test_composing_by_choice_after_a_hand_edit_says_what_it_replaces(reviewing, sign_in):
    letter = composed(reviewing)
    client = sign_in(reviewing.lead)
    client.post(f"/letters/{letter.id}", data={"body": letter.body + "\nMY HAND EDIT\n", "base_version": 1})
    page = html.unescape(client.get(f"/letters/{letter.id}/compose").get_data(as_text=True))
    assert "The current text, version 2, is edited by" in page and "stays in the history" in page


def test_a_template_from_before_chosen_points_is_refused_with_a_way_forward(reviewing, sign_in):
    letter = composed(reviewing)
    reviewing.cycle.letter_template = "Dear {{ salutation }},\n\n{{ sections }}\n\n{{ overall }}\n"
    db.session.commit()
    client = sign_in(reviewing.lead)
    url = f"/letters/{letter.id}/compose"
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert "written before letters were composed from chosen points" in page
    data = form_data(letter, rows(letter), {PointKind.STRENGTH: {0: (None, "Kept.")}})
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "Add {{ strengths }}, {{ areas_for_consideration }} and {{ lines_of_enquiry }}" in html.unescape(
        response.get_data(as_text=True)
    )
    assert letter_of(reviewing).points_chosen_at is None


def test_an_error_names_the_point_it_is_about(reviewing, sign_in):
    letter = composed(reviewing)
    page_rows = rows(letter)
    data = form_data(
        letter, page_rows, {PointKind.STRENGTH: {2: (None, "")}, PointKind.ENQUIRY: {0: (None, " ")}}
    )
    response = sign_in(reviewing.lead).post(f"/letters/{letter.id}/compose", data=data)
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert '<a href="#strength-2-text">Write the wording of strength 3, or untick it</a>' in text
    assert '<a href="#enquiry-0-text">Write the wording of key line of enquiry 1, or untick it</a>' in text


def ticked(letter) -> tuple[str, dict]:
    """The headline and the words of the rows the compose page shows ticked, kind by kind."""
    composed_, ranked = services.candidates_for(letter)
    headline, page_rows = services.compose_rows(letter, composed_, ranked)
    return headline, {kind: [row.text for row in page_rows[kind] if row.include] for kind in PointKind}


def test_the_letter_s_points_are_what_the_compose_page_shows_ticked_before_and_after_choosing(
    reviewing, sign_in
):
    letter = composed(reviewing)
    assert letter.points_chosen_at is None
    first = services.letter_points(letter)
    assert first == ticked(letter) and all(first[1].values())  # the service's first choice

    page_rows = rows(letter)
    ticks = {
        PointKind.STRENGTH: {2: (1, "Reworded strength."), 0: (2, page_rows[PointKind.STRENGTH][0].text)},
        PointKind.ENQUIRY: {1: (None, page_rows[PointKind.ENQUIRY][1].text)},
    }
    client = sign_in(reviewing.lead)
    response = client.post(f"/letters/{letter.id}/compose", data=form_data(letter, page_rows, ticks))
    assert response.status_code == 302
    letter = letter_of(reviewing)
    chosen = services.letter_points(letter)
    assert chosen == ticked(letter)
    assert chosen == (
        "Our headline.",
        {
            PointKind.STRENGTH: ["Reworded strength.", page_rows[PointKind.STRENGTH][0].text],
            PointKind.CONSIDERATION: [],
            PointKind.ENQUIRY: [page_rows[PointKind.ENQUIRY][1].text],
        },
    )

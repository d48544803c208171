"""The themes report on the demo: who sees it and with which names, tagging again, closed cycles keeping their
tags, corrections to asks and offers, the downloads, and statements that do not grow with the authorities."""

import io

import pytest
import sqlalchemy as sa
from docx import Document

from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.cycles.queries import previous_cycle
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority, Region
from peerchallenge.submissions.models import SectionText
from peerchallenge.themes import queries, services
from peerchallenge.themes.models import AskKind, AskOffer, CycleThemes, ThemesPaper, ThemeTag
from tests.conftest import DEMO_PASSWORD


def signed_in(app, email: str):
    client = app.test_client()
    if email:
        response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
    return client


def user(email: str):
    from peerchallenge.accounts.models import User

    found = db.session.scalar(sa.select(User).where(User.email == email))
    assert found is not None
    return found


LEAD = "lead.eastern@demo.example"
ESSEX = "director.essex@demo.example"


@pytest.mark.parametrize(
    ("email", "status"),
    [
        (LEAD, 200),
        ("admin@demo.example", 200),
        (ESSEX, 200),  # a director of the region
        ("contributor.essex@demo.example", 404),  # the report is for the region's directors
        ("", 302),  # signed out: to the sign-in page
    ],
)
def test_who_sees_the_report(demo, demo_app, email, status):
    client = signed_in(demo_app, email)
    url = f"/cycles/{demo.cycle.id}/themes"
    assert client.get(url).status_code == status
    assert client.get(f"{url}/workforce").status_code == status
    assert client.get(f"{url}.csv").status_code == status


def test_a_lead_of_another_region_finds_nothing(demo, demo_app):
    other = db.session.scalar(sa.select(Region).where(Region.id != demo.region.id).order_by(Region.name))
    from peerchallenge.accounts.models import Role, RoleGrant
    from tests.factories import PASSWORD, make_user

    stranger = make_user((Role.LEAD, other), email="stranger@example.org")
    client = demo_app.test_client()
    client.post("/sign-in", data={"email": stranger.email, "password": PASSWORD})
    assert RoleGrant  # imported for the grant's table
    for url in (
        f"/cycles/{demo.cycle.id}/themes",
        f"/cycles/{demo.cycle.id}/themes.docx",
        f"/cycles/{demo.cycle.id}/themes/tag",
        f"/regions/{demo.region.id}/lexicon",
    ):
        assert client.get(url).status_code == 404, url


def test_the_demo_report_counts_quotes_compares_with_last_year_and_matches_asks(demo, demo_app):
    report = queries.themes_report(demo.cycle, named=True)
    assert report.tagged_at is not None and report.tag_count > 100
    assert report.previous is not None and report.previous_tagged  # last year's was tagged as it closed
    by_key = {theme.key: theme for theme in report.themes}
    assert by_key["help_and_protection"].strengths > 0 and by_key["help_and_protection"].quotes
    assert by_key["workforce"].change("strength") != ""
    assert report.matches, "the demo has asks that match offers"
    match = report.matches[0]
    assert match.ask_authority != match.offer_authority and match.themes
    # Every tag traces to its sentence and the term that earned it.
    tag = db.session.scalars(sa.select(ThemeTag).where(ThemeTag.cycle_id == demo.cycle.id)).first()
    assert (
        tag.term and tag.sentence and tag.origin.split(":")[0] in {"review", "letter_point", "section_text"}
    )


def test_directors_see_quotes_anonymised_unless_the_cycle_names_them(demo, demo_app):
    names = [authority.name for authority in demo.region.authorities]
    director_page = signed_in(demo_app, ESSEX).get(f"/cycles/{demo.cycle.id}/themes").get_data(as_text=True)
    lead_page = signed_in(demo_app, LEAD).get(f"/cycles/{demo.cycle.id}/themes").get_data(as_text=True)
    quotes = director_page.split('id="quotes"')[1].split('id="matches"')[0]
    assert "An authority," in quotes and not any(name in quotes for name in names)
    assert "Authority 1" in director_page and "Bedford Borough</th>" not in director_page
    assert any(name in lead_page.split('id="quotes"')[1] for name in names)

    lead = signed_in(demo_app, LEAD)
    lead.post(f"/cycles/{demo.cycle.id}/themes/quotes", data={"named": "y"})
    assert queries.cycle_themes_record(demo.cycle).quotes_named
    director_page = signed_in(demo_app, ESSEX).get(f"/cycles/{demo.cycle.id}/themes").get_data(as_text=True)
    assert any(name in director_page.split('id="quotes"')[1] for name in names)


def test_following_a_theme_shows_each_sentence_with_its_term(demo, demo_app):
    page = signed_in(demo_app, LEAD).get(f"/cycles/{demo.cycle.id}/themes/workforce").get_data(as_text=True)
    assert "<mark>" in page and "review:" in page
    assert signed_in(demo_app, LEAD).get(f"/cycles/{demo.cycle.id}/themes/nonsense").status_code == 404


def test_retagging_applies_the_regions_edited_lexicon_to_an_open_cycle(demo, demo_app):
    lead = user(LEAD)
    lexicon = services.region_lexicon(demo.region)
    services.update_theme_terms(lead, demo.region, "finance", "widget budget", lexicon.version)
    db.session.commit()
    before = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ThemeTag)
        .where(ThemeTag.cycle_id == demo.cycle.id, ThemeTag.theme == "finance")
    )
    client = signed_in(demo_app, LEAD)
    url = f"/cycles/{demo.cycle.id}/themes/tag"
    page = client.get(url).get_data(as_text=True)
    assert "Tag this cycle again" in page
    assert client.post(url, data={}).status_code == 302
    after = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ThemeTag)
        .where(ThemeTag.cycle_id == demo.cycle.id, ThemeTag.theme == "finance")
    )
    assert before > 0 and after < before
    # Last year's closed cycle keeps the tags it closed with.
    last_year = previous_cycle(demo.cycle)
    assert last_year is not None and last_year.state == CycleState.CLOSED
    kept = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ThemeTag)
        .where(ThemeTag.cycle_id == last_year.id, ThemeTag.theme == "finance")
    )
    with pytest.raises(ServiceError, match="closed"):
        services.tag_cycle(lead, last_year)
    assert client.get(f"/cycles/{last_year.id}/themes/tag").status_code == 302  # back to the report
    assert kept == db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ThemeTag)
        .where(ThemeTag.cycle_id == last_year.id, ThemeTag.theme == "finance")
    )


def test_an_edit_of_the_lexicon_is_checked(demo, demo_app):
    lead = user(LEAD)
    version = services.region_lexicon(demo.region).version
    with pytest.raises(ServiceError, match="only at the end"):
        services.update_theme_terms(lead, demo.region, "finance", "bud*get", version)
    with pytest.raises(ServiceError, match="at least one"):
        services.update_theme_terms(lead, demo.region, "finance", "\n\n", version)
    with pytest.raises(ServiceError, match="changed the lexicon"):
        services.update_theme_terms(lead, demo.region, "finance", "budget", version - 1)


def test_a_correction_stands_until_the_text_it_came_from_changes(demo, demo_app):
    lead = user(LEAD)
    item = db.session.scalars(
        sa.select(AskOffer).where(AskOffer.cycle_id == demo.cycle.id, AskOffer.origin.like("section_text:%"))
    ).first()
    assert item is not None
    authority = db.session.get(Authority, item.authority_id)
    director = user(f"director.{authority.name.lower().replace(' ', '-')}@demo.example")
    services.correct_ask_offer(director, item, "offer", "Our own words for it", ["finance"])
    db.session.commit()
    services.tag_cycle(lead, demo.cycle)
    db.session.commit()
    kept = db.session.get(AskOffer, item.id)
    assert kept is not None and kept.text == "Our own words for it" and kept.kind == AskKind.OFFER

    section = db.session.get(SectionText, int(item.origin.split(":")[1]))
    section.markdown += "\n\nAsk: help with something new about caseloads."
    db.session.commit()
    services.tag_cycle(lead, demo.cycle)
    db.session.commit()
    assert db.session.get(AskOffer, item.id) is None  # the text changed: read afresh
    texts = {found.text for found in queries.asks_offers(demo.cycle, authority.id)}
    assert "help with something new about caseloads." in texts


def test_an_authority_corrects_only_its_own_asks_and_offers(demo, demo_app):
    item = db.session.scalars(sa.select(AskOffer).where(AskOffer.cycle_id == demo.cycle.id)).first()
    owner = db.session.get(Authority, item.authority_id)
    slug = owner.name.lower().replace(" ", "-")
    own = signed_in(demo_app, f"director.{slug}@demo.example")
    page = own.get(f"/cycles/{demo.cycle.id}/asks-offers/{owner.id}")
    assert page.status_code == 200 and "Correct" in page.get_data(as_text=True)
    assert "What you ask or offer" in own.get(f"/asks-offers/{item.id}/edit").get_data(as_text=True)
    response = own.post(
        f"/asks-offers/{item.id}/edit",
        data={"kind": "ask", "text": "Help with caseloads", "themes": ["workforce"]},
    )
    assert response.status_code == 302
    assert db.session.get(AskOffer, item.id).themes == ["workforce"]
    other = next(authority for authority in demo.region.authorities if authority.id != owner.id)
    stranger = signed_in(demo_app, f"director.{other.name.lower().replace(' ', '-')}@demo.example")
    assert stranger.get(f"/asks-offers/{item.id}/edit").status_code == 404
    assert stranger.get(f"/cycles/{demo.cycle.id}/asks-offers/{owner.id}").status_code == 404
    assert signed_in(demo_app, LEAD).get(f"/cycles/{demo.cycle.id}/asks-offers/{owner.id}").status_code == 200


def test_the_downloads_are_audited_safe_and_carry_the_chart(demo, demo_app):
    client = signed_in(demo_app, LEAD)
    item = db.session.scalars(sa.select(AskOffer).where(AskOffer.cycle_id == demo.cycle.id)).first()
    item.text, item.kind, item.themes = '=HYPERLINK("http://x")', AskKind.ASK, ["sufficiency"]
    db.session.commit()
    csv_response = client.get(f"/cycles/{demo.cycle.id}/themes.csv")
    assert csv_response.content_type == "text/csv; charset=utf-8"  # the charset said once
    csv_text = csv_response.get_data(as_text=True)
    assert "Theme,Kind" in csv_text.splitlines()[0]
    assert "'=HYPERLINK" in csv_text and ',"=HYPERLINK' not in csv_text
    response = client.get(f"/cycles/{demo.cycle.id}/themes.docx")
    document = Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Themes by authority" in headings and "Asks matched to offers" in headings
    assert len(document.inline_shapes) == 1
    assert any(part.content_type == "image/png" for part in document.part.package.parts)
    events = db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.kind == "themes_exported")).all()
    assert len(events) == 2


NO_MATCHES = "No ask of one authority matches another's offer on the same theme."


def kept_paper(cycle) -> list[tuple[int, str, object]]:
    """The cycle's kept Word papers as (id, hash of what it prints, when it was made)."""
    db.session.expire_all()
    rows = db.session.scalars(sa.select(ThemesPaper).where(ThemesPaper.cycle_id == cycle.id))
    return [(row.id, row.source_sha256, row.rendered_at) for row in rows]


def test_the_word_paper_is_kept_and_made_again_in_place_when_what_it_prints_changes(demo, demo_app):
    url = f"/cycles/{demo.cycle.id}/themes.docx"
    lead, admin = signed_in(demo_app, LEAD), signed_in(demo_app, "admin@demo.example")
    first = lead.get(url)
    ((paper_id, made_from, made_at),) = kept_paper(demo.cycle)
    assert db.session.get(ThemesPaper, paper_id).data == first.data

    # Asked for again, by anyone who may: the kept paper, made nothing.
    assert lead.get(url).data == first.data and admin.get(url).data == first.data
    assert kept_paper(demo.cycle) == [(paper_id, made_from, made_at)]

    # The lead names the authorities in quotes: the next paper says so, from the same row made again.
    assert lead.post(f"/cycles/{demo.cycle.id}/themes/quotes", data={"named": "y"}).status_code == 302
    named = Document(io.BytesIO(lead.get(url).data))
    assert any("Quotes name their authorities." in paragraph.text for paragraph in named.paragraphs)
    ((same_id, named_hash, _),) = kept_paper(demo.cycle)
    assert same_id == paper_id and named_hash != made_from

    # Every ask and offer withdrawn: the paper matches none.
    for item in db.session.scalars(sa.select(AskOffer).where(AskOffer.cycle_id == demo.cycle.id)):
        item.withdrawn = True
    db.session.commit()
    paper = Document(io.BytesIO(lead.get(url).data))
    assert any(NO_MATCHES in paragraph.text for paragraph in paper.paragraphs)
    assert not any(NO_MATCHES in paragraph.text for paragraph in named.paragraphs)
    ((same_id, withdrawn_hash, _),) = kept_paper(demo.cycle)
    assert same_id == paper_id and withdrawn_hash not in (made_from, named_hash)

    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "themes_exported")).all()
    assert len(events) == 5


def test_statements_for_the_report_do_not_grow_with_the_authorities(demo, demo_app):
    def statements() -> int:
        counted = []
        listener = lambda conn, cursor, statement, *args: counted.append(statement)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/cycles/{cycle_id}/themes").status_code == 200
            assert client.get(f"/cycles/{cycle_id}/themes/send").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return counted

    client = signed_in(demo_app, LEAD)
    cycle_id = demo.cycle.id
    before = statements()
    # Six more authorities in the region, each with tags and asks.
    from tests.factories import make_authority

    taken = set(db.session.scalars(sa.select(Authority.dfe_code)))  # the demo holds real authorities' codes
    free = [code for code in (f"{number:03d}" for number in range(100, 1000)) if code not in taken]
    for number in range(6):
        authority = make_authority(demo.region, f"Extra {number}", dfe_code=free[number])
        db.session.add(
            ThemeTag(
                cycle_id=demo.cycle.id,
                authority_id=authority.id,
                theme="send",
                source="review_strength",
                stance="strength",
                section="",
                sentence="SEND is strong.",
                term="SEND",
                origin="review:0",
            )
        )
        db.session.add(
            AskOffer(
                cycle_id=demo.cycle.id,
                authority_id=authority.id,
                kind=AskKind.OFFER,
                text="SEND help",
                themes=["send"],
                origin="own",
            )
        )
    db.session.commit()
    after = statements()
    assert len(after) == len(before), "\n\n".join(after)


def test_a_cycle_closing_is_tagged_once_if_it_never_was(demo, demo_app):
    last_year = previous_cycle(demo.cycle)
    record = db.session.scalar(sa.select(CycleThemes).where(CycleThemes.cycle_id == last_year.id))
    assert record is not None and record.tagged_at is not None and record.tagged_by_id is not None
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.kind == "cycle_tagged", AuditEvent.summary.like("%as it closed"))
        )
        == 1
    )
    assert isinstance(last_year, Cycle)


def test_an_authoritys_own_areas_for_development_are_tagged_in_place_of_its_worries(demo, demo_app):
    norfolk = db.session.scalar(sa.select(Authority).where(Authority.name == "Norfolk"))
    area = "Not enough foster carers for teenagers, so too many are placed at a distance"
    services.tag_cycle(None, demo.cycle)
    worries = {"self_assessment_worry"}

    def norfolk_worries() -> list[tuple[str, str]]:
        return list(
            db.session.execute(
                sa.select(ThemeTag.section, ThemeTag.sentence).where(
                    ThemeTag.cycle_id == demo.cycle.id,
                    ThemeTag.authority_id == norfolk.id,
                    ThemeTag.source.in_(worries),
                )
            )
        )

    assert all(section != "Areas for development" for section, _ in norfolk_worries())
    from peerchallenge.datapack import services as datapack_services

    datapack_services.save_development_areas(
        user("contributor.norfolk@demo.example"), demo.cycle, norfolk, [area]
    )
    services.tag_cycle(None, demo.cycle)
    db.session.commit()
    assert {(section, sentence) for section, sentence in norfolk_worries()} == {
        ("Areas for development", area)
    }

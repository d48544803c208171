"""Each section's guidance shown to authors where they write, and the other headings that name a section."""

import pytest
import sqlalchemy as sa
from alembic import command

from peerchallenge.cycles.defaults import DEFAULT_TEMPLATE, FOUR_QUESTIONS
from peerchallenge.cycles.models import TemplateSection
from peerchallenge.extensions import db
from peerchallenge.sanitise import render_markdown
from peerchallenge.submissions.models import SubmissionVersion
from tests import factories
from tests.conftest import empty_tables
from tests.documents.builders import words
from tests.migrating import alembic_config
from tests.scenarios import open_cycle, page_url, upload

CARE_LEAVERS = "Care leavers"


def section_named(cycle, title: str) -> TemplateSection:
    return next(section for section in cycle.sections if section.title == title)


def test_every_default_section_has_its_own_guidance_in_the_frame_of_four_questions():
    guidance = [section.guidance for section in DEFAULT_TEMPLATE]
    assert len(set(guidance)) == len(guidance)
    for section in DEFAULT_TEMPLATE:
        assert "Cover in particular:" in section.guidance
        assert "children" in section.guidance.lower() or "care leavers" in section.guidance.lower()
        assert "Leave out" in section.guidance
        assert section.guidance.startswith(FOUR_QUESTIONS)
    care_leavers = next(section for section in DEFAULT_TEMPLATE if section.title == CARE_LEAVERS)
    for prompt in ("pathway plans", "staying close and staying put", "suitable accommodation", "local offer"):
        assert prompt in care_leavers.guidance


def test_a_new_cycle_copies_each_sections_guidance_and_other_headings(world):
    cycle = open_cycle(world, draft=True)
    family_help = section_named(cycle, "Family help, including early help")
    assert "Early help" in family_help.other_headings
    assert "family group decision-making" in family_help.guidance
    assert "<li>" in family_help.guidance_html and "<script" not in family_help.guidance_html
    assert family_help.rendered_guidance == family_help.guidance_html  # stored once, shown as stored


def test_the_upload_page_shows_each_sections_guidance_and_other_headings(world, cycle, sign_in):
    page = sign_in(world.contributor).get(page_url(cycle, world.authority) + "/upload").get_data(as_text=True)
    assert page.count("Guidance for this section") == len(cycle.sections)
    assert "staying close and staying put" in page
    assert "<li>What worries us?</li>" in page
    assert "Other headings that count: ‘Early help’" in page
    assert "for example ‘Headline summary and context’" in page


def test_the_section_edit_page_and_the_self_assessment_page_show_guidance_to_authors(world, cycle, sign_in):
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, f"## Care leavers\n\n{words(20)}\n".encode(), "sa.md")
    version = db.session.scalar(sa.select(SubmissionVersion))
    position = next(text.position for text in version.sections if text.template_section.title == CARE_LEAVERS)
    edit_page = client.get(page_url(cycle, world.authority) + f"/sections/{position}/edit").get_data(
        as_text=True
    )
    assert "Guidance for this section" in edit_page and "staying close and staying put" in edit_page
    page = client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert page.count("Guidance for this section") == len(cycle.sections)


def test_guidance_is_sanitised(world, sign_in):
    cycle = open_cycle(world, draft=True)
    section = section_named(cycle, CARE_LEAVERS)
    client = sign_in(world.lead)
    response = client.post(
        f"/cycles/{cycle.id}/sections/{section.id}/edit",
        data={
            "title": CARE_LEAVERS,
            "guidance": "- Say <script>alert(1)</script> [this](javascript:alert(2))",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    html = str(db.session.get(TemplateSection, section.id).guidance_html)
    assert "<script" not in html and "href" not in html and "<li>" in html
    assert "&lt;script&gt;" in html


def test_the_lead_changes_a_sections_other_headings_and_uploads_follow_them(world, sign_in):
    cycle = open_cycle(world, draft=True)
    workforce = section_named(cycle, "Workforce")
    client = sign_in(world.lead)
    form_page = client.get(f"/cycles/{cycle.id}/sections/{workforce.id}/edit").get_data(as_text=True)
    assert "Our workforce\nWorkforce development" in form_page
    response = client.post(
        f"/cycles/{cycle.id}/sections/{workforce.id}/edit",
        data={
            "title": "Workforce",
            "other_headings": "Staffing and   recruitment\n\n  staffing and recruitment\nOur people\n",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(TemplateSection, workforce.id).other_headings == [
        "Staffing and recruitment",
        "Our people",
    ]

    client.post(f"/cycles/{cycle.id}/open")
    author = sign_in(world.contributor)
    upload(author, cycle, world.authority, f"## Staffing and recruitment\n\n{words(12)}\n".encode(), "sa.md")
    version = db.session.scalar(sa.select(SubmissionVersion))
    found = [text for text in version.sections if text.found and text.template_section]
    assert [(text.template_section.title, text.heading) for text in found] == [
        ("Workforce", "Staffing and recruitment")
    ]


@pytest.mark.parametrize(
    ("other_headings", "message"),
    [
        ("\n".join(f"Heading {number}" for number in range(21)), "at most 20 other headings"),
        ("x" * 151, "150 characters or fewer"),
    ],
)
def test_too_many_or_too_long_other_headings_get_a_message(world, sign_in, other_headings, message):
    cycle = open_cycle(world, draft=True)
    workforce = section_named(cycle, "Workforce")
    response = sign_in(world.lead).post(
        f"/cycles/{cycle.id}/sections/{workforce.id}/edit",
        data={"title": "Workforce", "other_headings": other_headings},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TemplateSection, workforce.id).other_headings == list(
        next(section for section in DEFAULT_TEMPLATE if section.title == "Workforce").other_headings
    )


def test_the_migration_renders_the_guidance_of_existing_sections(migrations_app):
    command.upgrade(alembic_config(), "head")
    try:
        open_cycle(factories.make_world(), draft=True)
        db.session.remove()
        command.downgrade(alembic_config(), "0008")  # the columns go, the sections stay
        command.upgrade(alembic_config(), "head")
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT guidance, guidance_html, other_headings FROM template_sections")
            )
            rendered = list(rows)
        assert len(rendered) == len(DEFAULT_TEMPLATE)
        assert all(
            html == str(render_markdown(guidance)) and "<li>" in html for guidance, html, _ in rendered
        )
        assert {str(other) for _, _, other in rendered} == {"[]"}  # other headings start empty for old cycles
    finally:
        db.session.remove()
        empty_tables()

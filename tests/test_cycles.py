"""Cycles: creating one from the defaults, editing the template while a draft, opening it."""

from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles import services
from peerchallenge.cycles.defaults import DEFAULT_SCALES, DEFAULT_TEMPLATE
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from tests.scenarios import FAMILY_HELP, cycle_form, details


def make_cycle(world, **changes) -> Cycle:
    cycle = services.create_cycle(world.lead, world.region, **details(**changes))
    db.session.commit()
    return cycle


def test_new_cycle_copies_default_template_and_scales(world):
    cycle = make_cycle(world)
    assert cycle.state == CycleState.DRAFT
    assert [section.title for section in cycle.sections] == [s.title for s in DEFAULT_TEMPLATE]
    assert [section.position for section in cycle.sections] == list(range(len(DEFAULT_TEMPLATE)))
    assert cycle.sections[8].optional
    assert [scale.key for scale in cycle.scales] == [scale.key for scale in DEFAULT_SCALES]
    evidence = cycle.scales[0]
    assert [level.label for level in evidence.levels] == ["Strong", "Sufficient", "Limited", "Not evidenced"]
    assert "several kinds of current evidence" in evidence.levels[0].definition
    assert db.session.scalar(sa.select(AuditEvent.kind).where(AuditEvent.kind == "cycle_created"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"submissions_due_on": date(2026, 8, 1)}, "submissions_due_on"),
        ({"reviews_due_on": date(2026, 9, 15)}, "reviews_due_on"),
        ({"letters_due_on": date(2026, 10, 15)}, "letters_due_on"),
        ({"challenge_event_on": date(2026, 1, 1)}, "challenge_event_on"),
    ],
)
def test_dates_out_of_order_are_refused_on_the_right_field(world, changes, field):
    with pytest.raises(ServiceError) as refused:
        services.create_cycle(world.lead, world.region, **details(**changes))
    assert refused.value.field == field


def test_lead_creates_a_cycle_through_the_form(world, sign_in):
    client = sign_in(world.lead)
    assert client.get(f"/regions/{world.region.id}/cycles/new").status_code == 200
    response = client.post(f"/regions/{world.region.id}/cycles/new", data=cycle_form(title="Our cycle"))
    assert response.status_code == 302
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.title == "Our cycle"))
    assert cycle.region_id == world.region.id and cycle.peers_per_authority == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert FAMILY_HELP in page and "Open the cycle" in page


def test_cycle_form_with_junk_shows_errors_and_saves_nothing(world, sign_in):
    client = sign_in(world.lead)
    junk = [
        ("title", ""),
        ("year", "twenty"),
        ("peers_per_authority", "9"),
        ("opens_on", "31"),
        ("opens_on", "2"),
        ("opens_on", "2026"),
        ("submissions_due_on", "x"),
    ]
    response = client.post(f"/regions/{world.region.id}/cycles/new", data=MultiDict(junk))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a title" in page
    assert "Peers per authority must be between 1 and 4" in page
    assert "must be a real date" in page
    assert db.session.scalar(sa.select(sa.func.count(Cycle.id))) == 0


def test_dates_out_of_order_through_the_form(world, sign_in):
    client = sign_in(world.lead)
    response = client.post(
        f"/regions/{world.region.id}/cycles/new", data=cycle_form(reviews_due_on=date(2026, 9, 2))
    )
    assert "The date reviews are due must be on or after" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Cycle.id))) == 0


@pytest.mark.parametrize("who", ["other_lead", "director", "contributor"])
def test_only_the_regions_lead_or_admin_creates_and_manages_cycles(world, sign_in, who):
    cycle = make_cycle(world)
    client = sign_in(getattr(world, who))
    assert client.get(f"/regions/{world.region.id}/cycles/new").status_code == 403
    assert client.post(f"/regions/{world.region.id}/cycles/new", data=cycle_form()).status_code == 403
    assert client.get(f"/cycles/{cycle.id}").status_code == 403
    assert client.post(f"/cycles/{cycle.id}/open").status_code == 403
    assert sign_in(world.admin).get(f"/cycles/{cycle.id}").status_code == 200


def test_edit_move_add_and_remove_sections_while_draft(world, sign_in):
    cycle = make_cycle(world)
    client = sign_in(world.lead)
    first, second = cycle.sections[0], cycle.sections[1]
    assert client.post(f"/cycles/{cycle.id}/sections/{second.id}/move/up").status_code == 302
    db.session.expire_all()
    assert [s.title for s in cycle.sections][:2] == [second.title, first.title]

    response = client.post(
        f"/cycles/{cycle.id}/sections/{first.id}/edit",
        data={"title": "Context", "guidance": "Say who you are", "suggested_words": "300"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert first.title == "Context" and first.suggested_words == 300 and not first.optional

    client.post(f"/cycles/{cycle.id}/sections/new", data={"title": "Youth justice", "suggested_words": "400"})
    db.session.expire_all()
    assert cycle.sections[-1].title == "Youth justice"

    assert "Remove the section" in client.get(f"/cycles/{cycle.id}/sections/{first.id}/remove").get_data(
        as_text=True
    )
    client.post(f"/cycles/{cycle.id}/sections/{first.id}/remove")
    db.session.expire_all()
    titles = [s.title for s in cycle.sections]
    assert "Context" not in titles and len(titles) == len(DEFAULT_TEMPLATE)
    assert [s.position for s in cycle.sections] == list(range(len(titles)))


def test_opening_fixes_the_template(world, sign_in):
    cycle = make_cycle(world)
    client = sign_in(world.lead)
    assert "cannot be changed after this" in client.get(f"/cycles/{cycle.id}/open").get_data(as_text=True)
    client.post(f"/cycles/{cycle.id}/open")
    db.session.expire_all()
    assert cycle.state == CycleState.OPEN and cycle.opened_at is not None
    section = cycle.sections[0]
    client.post(f"/cycles/{cycle.id}/sections/{section.id}/edit", data={"title": "Changed"})
    db.session.expire_all()
    assert section.title != "Changed"
    with pytest.raises(ServiceError):
        services.move_section(world.lead, section, 1)
    with pytest.raises(ServiceError, match="already open"):
        services.open_cycle(world.lead, cycle)


def test_peers_fixed_once_open_but_dates_can_move(world):
    cycle = make_cycle(world)
    services.open_cycle(world.lead, cycle)
    with pytest.raises(ServiceError) as refused:
        services.update_cycle(world.lead, cycle, **details(peers_per_authority=3))
    assert refused.value.field == "peers_per_authority"
    services.update_cycle(world.lead, cycle, **details(letters_due_on=date(2026, 12, 20)))
    assert cycle.letters_due_on == date(2026, 12, 20)


def test_lead_home_lists_cycles(world, sign_in):
    make_cycle(world, title="Visible cycle")
    page = sign_in(world.lead).get("/").get_data(as_text=True)
    assert "Visible cycle" in page and "Create a cycle" in page
    assert "Visible cycle" not in sign_in(world.other_lead).get("/").get_data(as_text=True)

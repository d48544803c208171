"""The lead's rubric screen: scales, their levels, the scales of each section and whether section ratings are
required; editable while the cycle is a draft, read-only after."""

import html
import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles import services
from peerchallenge.cycles.defaults import DEFAULT_SCALES, DEFAULT_TEMPLATE
from peerchallenge.cycles.models import Cycle, RatingScale
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from tests.scenarios import details


def make_cycle(world) -> Cycle:
    taken = db.session.scalar(sa.select(sa.func.count(Cycle.id)).where(Cycle.region_id == world.region.id))
    title = f"Peer challenge {taken + 1}"  # titles are unique within a region
    cycle = services.create_cycle(world.lead, world.region, **details(title=title))
    db.session.commit()
    return cycle


def words(response) -> str:
    page = response.get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def kinds() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.kind).order_by(AuditEvent.id)))


def scale_named(cycle: Cycle, name: str) -> RatingScale:
    db.session.expire_all()
    return next(scale for scale in cycle.scales if scale.name == name)


def test_a_new_cycle_copies_which_scales_each_section_is_rated_on_and_which_are_ordered(world):
    cycle = make_cycle(world)
    # In the cycle's order of scales, whatever order the defaults name them in.
    assert [set(section.scale_keys) for section in cycle.sections] == [
        set(default.scales) for default in DEFAULT_TEMPLATE
    ]
    assert cycle.sections[-1].scale_keys == ("brevity", "plans")
    assert [scale.ordered for scale in cycle.scales] == [default.ordered for default in DEFAULT_SCALES]
    assert [scale.key for scale in cycle.scales if not scale.ordered] == ["self_knowledge"]
    assert cycle.section_ratings_required is False


def test_the_rubric_screen_shows_scales_levels_and_sections_and_is_reached_from_the_cycle(world, sign_in):
    cycle = make_cycle(world)
    client = sign_in(world.lead)
    assert f"/cycles/{cycle.id}/rubric" in client.get(f"/cycles/{cycle.id}").get_data(as_text=True)

    page = words(client.get(f"/cycles/{cycle.id}/rubric"))
    for label in ("Strong", "Sufficient", "Limited", "Not evidenced", "SMART", "Over-cautious"):
        assert label in page
    assert "Not ordered: peers agree only when they give the same level" in page
    assert "Headline summary and context Brevity and focus, Self-knowledge" in page
    assert "Plans, asks and offers Brevity and focus, Plans" in page
    assert "Overall Every scale" in page
    assert "Reviewers must rate every section before they submit" in page


def test_the_lead_adds_a_scale_with_levels_orders_them_and_applies_it_to_sections(world, sign_in):
    cycle = make_cycle(world)
    client = sign_in(world.lead)
    response = client.post(
        f"/cycles/{cycle.id}/scales/new", data={"name": "Children's voice", "question": "Is it heard?"}
    )
    assert response.status_code == 302
    voice = scale_named(cycle, "Children's voice")
    assert voice.key == "children_s_voice" and voice.ordered is False and voice.question == "Is it heard?"
    assert voice.position == len(DEFAULT_SCALES)

    for label in ("Heard throughout", "Absent", "Heard in places"):
        url = f"/cycles/{cycle.id}/scales/{voice.id}/levels/new"
        assert client.post(url, data={"label": label, "definition": f"{label}."}).status_code == 302
    voice = scale_named(cycle, "Children's voice")
    last = voice.levels[-1]
    assert client.post(f"/cycles/{cycle.id}/scales/{voice.id}/levels/{last.id}/move/up").status_code == 302
    voice = scale_named(cycle, "Children's voice")
    assert [level.label for level in voice.levels] == ["Heard throughout", "Heard in places", "Absent"]
    assert [level.position for level in voice.levels] == [0, 1, 2]

    edit = f"/cycles/{cycle.id}/scales/{voice.id}/edit"
    assert client.post(edit, data={"name": "Children's voice", "ordered": "y"}).status_code == 302
    assert scale_named(cycle, "Children's voice").ordered is True

    care_leavers = cycle.sections[5]
    chosen = MultiDict(
        [(f"section-{section.id}", str(scale.id)) for section in cycle.sections for scale in section.scales]
        + [(f"section-{care_leavers.id}", str(voice.id))]
    )
    assert client.post(f"/cycles/{cycle.id}/rubric/sections", data=chosen).status_code == 302
    db.session.expire_all()
    assert care_leavers.scale_keys == ("evidence", "brevity", "self_knowledge", "children_s_voice")
    assert cycle.sections[4].scale_keys == ("evidence", "brevity", "self_knowledge")
    assert kinds()[-1] == "rubric_section_scales_changed"
    assert {"rubric_scale_added", "rubric_level_added", "rubric_level_moved", "rubric_scale_updated"} <= set(
        kinds()
    )


def test_removing_a_level_or_a_scale_asks_first(world, sign_in):
    cycle = make_cycle(world)
    client = sign_in(world.lead)
    plans = scale_named(cycle, "Plans")
    partly = plans.levels[1]
    level_url = f"/cycles/{cycle.id}/scales/{plans.id}/levels/{partly.id}/remove"
    assert "Remove the level ‘Partly SMART’ from Plans?" in words(client.get(level_url))
    assert client.post(level_url).status_code == 302
    plans = scale_named(cycle, "Plans")
    assert [(level.label, level.position) for level in plans.levels] == [("SMART", 0), ("Not SMART", 1)]

    scale_url = f"/cycles/{cycle.id}/scales/{plans.id}/remove"
    assert "Remove the scale ‘Plans’?" in words(client.get(scale_url))
    assert client.post(scale_url).status_code == 302
    db.session.expire_all()
    assert "plans" not in [scale.key for scale in cycle.scales]
    assert cycle.sections[-1].scale_keys == ("brevity",)
    assert {"rubric_level_removed", "rubric_scale_removed"} <= set(kinds())


def test_the_lead_can_require_section_ratings(world, sign_in):
    cycle = make_cycle(world)
    client = sign_in(world.lead)
    assert (
        client.post(f"/cycles/{cycle.id}/rubric", data={"section_ratings_required": "y"}).status_code == 302
    )
    db.session.expire_all()
    assert cycle.section_ratings_required is True
    assert "Every section must be rated" in words(client.get(f"/cycles/{cycle.id}"))
    # An unticked box is not sent at all; the button is.
    assert client.post(f"/cycles/{cycle.id}/rubric", data={"submit": "Save"}).status_code == 302
    db.session.expire_all()
    assert cycle.section_ratings_required is False
    assert kinds().count("rubric_section_ratings_required") == 2


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("scales/new", {"name": ""}, "Enter the name of the scale"),
        ("scales/new", {"name": "evidence STRENGTH"}, "already has a scale called"),
        ("scales/new", {"name": "x" * 101}, "The name must be 100 characters or fewer"),
        ("scales/new", {"name": "Voice", "question": "q" * 301}, "300 characters or fewer"),
        ("scales/{scale}/levels/new", {"label": ""}, "Enter the level"),
        ("scales/{scale}/levels/new", {"label": "strong"}, "already has a level called"),
        ("scales/{scale}/levels/{level}/edit", {"label": "Limited"}, "already has a level called"),
        (
            "scales/{scale}/levels/new",
            {"label": "New", "definition": "d" * 1001},
            "1,000 characters or fewer",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_a_400_and_changes_nothing(world, sign_in, path, data, message):
    cycle = make_cycle(world)
    evidence = cycle.scales[0]
    url = f"/cycles/{cycle.id}/" + path.format(scale=evidence.id, level=evidence.levels[0].id)
    client = sign_in(world.lead)
    before = kinds()
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert message in words(response)
    db.session.expire_all()
    assert len(cycle.scales) == len(DEFAULT_SCALES) and len(cycle.scales[0].levels) == 4
    assert cycle.scales[0].levels[0].label == "Strong"
    assert kinds() == before


@pytest.mark.parametrize("forged", ["abc", "999999", "1.5"])
def test_a_forged_section_scale_is_refused_with_a_400(world, sign_in, forged):
    cycle = make_cycle(world)
    section = cycle.sections[0]
    response = sign_in(world.lead).post(
        f"/cycles/{cycle.id}/rubric/sections", data={f"section-{section.id}": forged}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert set(section.scale_keys) == set(DEFAULT_TEMPLATE[0].scales)


def test_a_scale_of_another_cycle_is_not_found(world, sign_in):
    cycle, other = make_cycle(world), make_cycle(world)
    client = sign_in(world.lead)
    foreign = other.scales[0]
    assert client.get(f"/cycles/{cycle.id}/scales/{foreign.id}/edit").status_code == 404
    assert client.post(f"/cycles/{cycle.id}/scales/{foreign.id}/remove").status_code == 404
    assert (
        client.get(
            f"/cycles/{cycle.id}/scales/{cycle.scales[0].id}/levels/{foreign.levels[0].id}/edit"
        ).status_code
        == 404
    )
    response = client.post(
        f"/cycles/{cycle.id}/rubric/sections", data={f"section-{cycle.sections[0].id}": str(foreign.id)}
    )
    assert response.status_code == 400 and "Choose only this cycle's sections and scales" in words(response)


def test_a_scale_is_never_keyed_like_a_review_text_field(world):
    cycle = make_cycle(world)
    strengths = services.add_scale(world.lead, cycle, name="Strengths", question="", ordered=True)
    again = services.add_scale(world.lead, cycle, name="Strengths!", question="", ordered=True)
    assert (strengths.key, again.key) == ("strengths_scale", "strengths_scale_2")


def test_a_cycle_opens_only_when_every_scale_has_two_levels(world):
    cycle = make_cycle(world)
    services.add_scale(world.lead, cycle, name="Voice", question="", ordered=False)
    with pytest.raises(ServiceError, match="Give the scale 'Voice' at least two levels"):
        services.open_cycle(world.lead, cycle)


def test_once_the_cycle_is_open_the_rubric_is_read_only(world, sign_in):
    cycle = make_cycle(world)
    services.open_cycle(world.lead, cycle)
    db.session.commit()
    client = sign_in(world.lead)
    evidence = cycle.scales[0]
    level = evidence.levels[0]

    page = client.get(f"/cycles/{cycle.id}/rubric")
    assert page.status_code == 200
    assert "The cycle is open, so its rubric can no longer be changed." in words(page)
    html = page.get_data(as_text=True)
    assert "/scales/new" not in html and "/remove" not in html and "/rubric/sections" not in html

    before = kinds()
    base = f"/cycles/{cycle.id}"
    attempts = [
        (f"{base}/rubric", {"section_ratings_required": "y"}),
        (f"{base}/rubric/sections", {f"section-{cycle.sections[0].id}": str(evidence.id)}),
        (f"{base}/scales/new", {"name": "Voice"}),
        (f"{base}/scales/{evidence.id}/edit", {"name": "Changed"}),
        (f"{base}/scales/{evidence.id}/levels/new", {"label": "New"}),
        (f"{base}/scales/{evidence.id}/levels/{level.id}/edit", {"label": "Changed"}),
    ]
    for url, data in attempts:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "The rubric can only be changed before the cycle opens" in words(response), url
    for url in (
        f"{base}/scales/{evidence.id}/remove",
        f"{base}/scales/{evidence.id}/levels/{level.id}/remove",
    ):
        client.post(url)
    client.post(f"{base}/scales/{evidence.id}/levels/{level.id}/move/down")

    db.session.expire_all()
    assert kinds() == before
    assert [scale.name for scale in cycle.scales] == [scale.name for scale in DEFAULT_SCALES]
    assert [level.label for level in cycle.scales[0].levels] == [
        "Strong",
        "Sufficient",
        "Limited",
        "Not evidenced",
    ]
    assert cycle.section_ratings_required is False
    assert set(cycle.sections[0].scale_keys) == set(DEFAULT_TEMPLATE[0].scales)


@pytest.mark.parametrize("who", ["other_lead", "director", "contributor", "no_role"])
def test_only_the_regions_lead_or_the_admin_reaches_the_rubric(world, sign_in, who):
    cycle = make_cycle(world)
    scale = cycle.scales[0]
    level = scale.levels[0]
    base = f"/cycles/{cycle.id}"
    client = sign_in(getattr(world, who))
    pages = [
        f"{base}/rubric",
        f"{base}/rubric/sections",
        f"{base}/scales/new",
        f"{base}/scales/{scale.id}/edit",
        f"{base}/scales/{scale.id}/remove",
        f"{base}/scales/{scale.id}/levels/new",
        f"{base}/scales/{scale.id}/levels/{level.id}/edit",
        f"{base}/scales/{scale.id}/levels/{level.id}/remove",
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={"name": "x", "label": "x"}).status_code == 403, url
    assert client.post(f"{base}/scales/{scale.id}/levels/{level.id}/move/down").status_code == 403
    db.session.expire_all()
    assert len(cycle.scales) == len(DEFAULT_SCALES) and cycle.scales[0].levels[0].label == "Strong"
    assert sign_in(world.admin).get(f"{base}/rubric").status_code == 200

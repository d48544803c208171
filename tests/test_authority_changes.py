"""Authorities added, renamed, merged and split by the admin, and what their successors inherit."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from peerchallenge.accounts.models import Role
from peerchallenge.assignments import services as assignment_services
from peerchallenge.assignments.models import AssignmentState
from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.models import CycleState
from peerchallenge.cycles.next_year import start_next_year
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db
from peerchallenge.regions import services
from peerchallenge.regions.models import AuthorityLink, ChangeKind
from peerchallenge.regions.queries import carried_on_by, predecessors
from peerchallenge.regions.services import NewAuthority
from tests import factories
from tests.scenarios import approve_and_release, current_pairs, date_form, publish, submit_both

DAY = date(2027, 4, 1)


def new(name: str, number: int) -> NewAuthority:
    return NewAuthority(name, f"{900 + number}", f"E0600{number:04d}", "Unitary authority")


def kinds() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.kind).order_by(AuditEvent.id)))


# The services


def test_a_merge_into_a_new_authority_ends_the_merged_and_links_them(world):
    merged = services.merge_authorities(
        world.admin, [world.authority, world.sibling], DAY, new=new("Alphabeta", 1)
    )
    db.session.commit()
    assert merged.region_id == world.region.id and merged.active_from == DAY
    assert world.authority.active_to == world.sibling.active_to == DAY - timedelta(days=1)
    assert not world.authority.is_active_on(DAY) and merged.is_active_on(DAY)
    links = db.session.scalars(sa.select(AuthorityLink)).all()
    assert {(link.predecessor_id, link.successor_id, link.kind) for link in links} == {
        (world.authority.id, merged.id, ChangeKind.MERGED),
        (world.sibling.id, merged.id, ChangeKind.MERGED),
    }
    assert [a.name for a in predecessors(merged)] == sorted([world.authority.name, world.sibling.name])
    assert kinds() == ["authority_added", "authorities_merged"]


def test_a_merge_into_one_of_them_keeps_it_going(world):
    third = factories.make_authority(world.region, "Delta")
    kept = services.merge_authorities(world.admin, [world.authority, third], DAY, continuing=world.authority)
    assert kept is world.authority and world.authority.active_to is None
    assert third.active_to == DAY - timedelta(days=1)
    assert predecessors(world.authority) == [third]


def test_a_split_ends_one_and_starts_each_successor(world):
    north, west = services.split_authority(
        world.admin, world.sibling, DAY, [new("North Beta", 1), new("West Beta", 2)]
    )
    assert world.sibling.active_to == DAY - timedelta(days=1)
    assert north.active_from == west.active_from == DAY
    assert predecessors(north) == predecessors(west) == [world.sibling]
    assert carried_on_by(world.region.id, {world.authority.id, north.id, west.id})[world.sibling.id] == {
        north.id,
        west.id,
    }
    assert kinds()[-1] == "authorities_split"


def test_lineage_runs_through_several_changes(world):
    first = services.merge_authorities(world.admin, [world.authority, world.sibling], DAY, new=new("AB", 1))
    later = DAY.replace(year=DAY.year + 1)
    east, west = services.split_authority(world.admin, first, later, [new("East", 2), new("West", 3)])
    assert [a.name for a in predecessors(east)] == ["AB", "Alpha", "Beta"]
    assert carried_on_by(world.region.id, {east.id, west.id})[world.authority.id] == {east.id, west.id}


def test_renaming_keeps_the_authority_and_is_audited(world):
    services.rename_authority(world.admin, world.authority, "  Alpha  Council ")
    assert world.authority.name == "Alpha Council"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "authority_renamed"))
    assert event.details["former_name"] == "Alpha" and event.authority_id == world.authority.id


def test_adding_an_authority_is_audited_with_its_start(world):
    added = services.add_authority(world.admin, world.region, new("Newtown", 5), DAY)
    assert (added.name, added.dfe_code, added.ons_code, added.active_from) == (
        "Newtown",
        "905",
        "E06000005",
        DAY,
    )
    assert kinds() == ["authority_added"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda w: services.merge_authorities(w.admin, [w.authority, w.authority], DAY, new=new("X", 1)),
            "Choose at least two authorities to merge",
        ),
        (
            lambda w: services.merge_authorities(
                w.admin, [w.authority, w.other_authority], DAY, new=new("X", 1)
            ),
            "The authorities must be in the same region",
        ),
        (
            lambda w: services.merge_authorities(
                w.admin, [w.authority, w.sibling], DAY, continuing=w.other_authority
            ),
            "The authority that carries on must be one of those merged",
        ),
        (
            lambda w: services.merge_authorities(w.admin, [w.authority, w.sibling], DAY),
            "Choose the authority that carries on, or enter a new one",
        ),
        (
            lambda w: services.merge_authorities(w.admin, [w.authority, w.sibling], None, new=new("X", 1)),
            "Enter the date the change takes effect",
        ),
        (
            lambda w: services.merge_authorities(
                w.admin, [w.authority, w.sibling], date(1999, 1, 1), new=new("X", 1)
            ),
            "The date must be between the years 2000 and 2100",
        ),
        (
            lambda w: services.split_authority(w.admin, w.authority, DAY, [new("Only", 1)]),
            "Enter at least two authorities to split it into",
        ),
        (
            lambda w: services.split_authority(w.admin, w.authority, DAY, [new("Twin", 1), new("twin", 2)]),
            "Give each new authority a different name",
        ),
        (
            lambda w: services.split_authority(w.admin, w.authority, DAY, [new("Beta", 1), new("Other", 2)]),
            "Beta is already the name of an authority in the region",
        ),
        (
            lambda w: services.rename_authority(w.admin, w.authority, "beta"),
            "Beta is already the name of an authority in the region",
        ),
        (lambda w: services.rename_authority(w.admin, w.authority, " "), "Enter the authority's name"),
        (
            lambda w: services.add_authority(w.admin, w.region, NewAuthority("New", "12", "E1", ""), DAY),
            "Enter the DfE code as 3 digits, like 940",
        ),
        (
            lambda w: services.add_authority(
                w.admin, w.region, NewAuthority("New", w.sibling.dfe_code, "E06000099", ""), DAY
            ),
            "Beta already has the DfE code",
        ),
        (
            lambda w: services.add_authority(w.lead, w.region, new("New", 1), DAY),
            "Only an administrator can change the region's authorities.",
        ),
    ],
)
def test_bad_changes_are_refused_plainly(world, change, message):
    with pytest.raises(ServiceError) as refused:
        change(world)
    assert refused.value.message.startswith(message)


def test_an_authority_cannot_end_twice_or_before_it_started(world):
    services.merge_authorities(world.admin, [world.authority, world.sibling], DAY, new=new("AB", 1))
    third = factories.make_authority(world.region, "Delta")
    with pytest.raises(ServiceError, match="Alpha had ended or not started by then"):
        services.merge_authorities(
            world.admin, [world.authority, third], DAY + timedelta(days=30), new=new("X", 2)
        )
    late = services.add_authority(world.admin, world.region, new("Late", 3), DAY)
    with pytest.raises(ServiceError, match="Late had ended or not started by then"):
        services.split_authority(world.admin, late, DAY, [new("L1", 4), new("L2", 5)])


# Pairing history through the lineage


def _last_year_closed(six):
    publish(six)
    six.cycle.state = CycleState.CLOSED
    db.session.commit()
    return current_pairs(six.cycle, AssignmentState.PUBLISHED)


def _next_year_open(six):
    cycle = start_next_year(six.lead, six.cycle)
    cycle.opens_on = date.today()
    cycle_services.open_cycle(six.lead, cycle)
    return cycle


def _mapped(pairs, carried):
    return {
        (reviewer, reviewed)
        for old_reviewer, old_reviewed in pairs
        for reviewer in carried[old_reviewer]
        for reviewed in carried[old_reviewed]
        if reviewer != reviewed
    }


@pytest.mark.parametrize("change", ["merge", "split"])
def test_successors_inherit_pairing_history_and_the_solver_avoids_it(six, world, change):
    last_pairs = _last_year_closed(six)
    authorities = six.authorities
    today = date.today()
    if change == "merge":
        successors = [services.merge_authorities(world.admin, authorities[4:], today, new=new("Eastfen", 1))]
        ended = authorities[4:]
    else:
        successors = services.split_authority(
            world.admin, authorities[5], today, [new("North Fenland", 1), new("South Fenland", 2)]
        )
        ended = authorities[5:]
    cycle = _next_year_open(six)
    current = [a for a in authorities if a not in ended] + successors
    assert {a.id for a in assignment_services.participants(cycle)} == {a.id for a in current}
    carried = carried_on_by(six.region.id, {a.id for a in current})
    inherited = _mapped(last_pairs, carried)
    successor_ids = {a.id for a in successors}
    assert any(successor_ids & set(pair) for pair in inherited)
    # A predecessor's pairing, proposed again for its successor, counts as repeated...
    by_id = {a.id: a for a in current}
    again = [(by_id[r], by_id[d]) for r, d in inherited if successor_ids & {r, d}]
    assert assignment_services.evaluate_pairs(cycle, again).repeated == len(again)
    # ...and the solver avoids every inherited pairing.
    solution = assignment_services.generate_proposal(six.lead, cycle)
    assert solution.repeated == 0
    assert current_pairs(cycle).isdisjoint(inherited)


# Letters


def test_the_successor_reads_its_predecessors_released_letter(reviewing, sign_in, world):
    letter = submit_both(reviewing)
    approve_and_release(sign_in(reviewing.lead), letter)
    merged = services.merge_authorities(
        world.admin,
        [reviewing.six.authorities[0], reviewing.six.authorities[3]],
        date.today(),
        new=new("Anyshire and Dale", 1),
    )
    db.session.commit()
    director = factories.make_user((Role.DIRECTOR, merged))
    client = sign_in(director)
    for url in (f"/letters/{letter.id}/read", f"/letters/{letter.id}/letter.pdf"):
        assert client.get(url).status_code == 200, url
    listed = client.get("/letters").get_data(as_text=True)
    assert (
        "Letters to the authorities yours carries on from" in listed
        and f"/letters/{letter.id}/read" in listed
    )
    # Reading it does not make it theirs to answer, nor count as the authority reading it.
    assert client.post(f"/letters/{letter.id}/respond", data={"acknowledged": "y"}).status_code in (403, 404)
    assert not letter.reads
    # Someone of an authority that carries on from nobody still cannot read it.
    stranger = factories.make_user((Role.DIRECTOR, reviewing.six.authorities[1]))
    reviewed_by = {reviewing.assignment.reviewer_id, reviewing.co_assignment.reviewer_id}
    if reviewing.six.authorities[1].id not in reviewed_by:
        assert sign_in(stranger).get(f"/letters/{letter.id}/read").status_code == 404


# The admin's screens


PAGES = [
    "/admin/regions/{region}/authorities",
    "/admin/regions/{region}/authorities/new",
    "/admin/regions/{region}/authorities/merge",
    "/admin/authorities/{authority}/rename",
    "/admin/authorities/{authority}/split",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("person", "status"),
    [("admin", 200), ("lead", 403), ("director", 403), ("no_role", 403), ("anonymous", 302)],
)
def test_only_admins_reach_the_authority_screens(world, client_for, page, person, status):
    url = page.format(region=world.region.id, authority=world.authority.id)
    assert client_for(person).get(url).status_code == status
    if status != 200 and not url.endswith("/authorities"):
        assert client_for(person).post(url, data={}).status_code in (status, 400 if status == 302 else status)


def test_missing_region_or_authority_is_404(world, client_for):
    admin = client_for("admin")
    assert admin.get("/admin/regions/999999/authorities").status_code == 404
    assert admin.get("/admin/authorities/999999/split").status_code == 404


def _post(client, url: str, data: dict, day_field: str | None, **kwargs):
    """Post a form with a UK date (three boxes sharing the field's name) and the other fields."""
    fields = [
        (key, str(item))
        for key, value in data.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return client.post(
        url, data=MultiDict(fields + (date_form(day_field, DAY) if day_field else [])), **kwargs
    )


def test_the_admin_merges_on_the_screen_and_sees_the_reorganisation(world, client_for):
    admin = client_for("admin")
    url = f"/admin/regions/{world.region.id}/authorities/merge"
    form = {"merging": [world.authority.id, world.sibling.id], "continuing": 0}
    new_one = {"new_name": "Alphabeta", "new_dfe_code": "950", "new_ons_code": "E06000950"}
    done = _post(admin, url, {**form, **new_one}, "effective_on", follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "The authorities have been merged into Alphabeta." in page
    assert "Ended 31 March 2027" in page and "Active from 1 April 2027" in page
    assert page.count("Merged") == 2


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("merge", {"merging": ["{a}"], "continuing": "{a}"}, "Choose at least two authorities to merge"),
        (
            "merge",
            {"merging": ["{a}", "{a}"], "continuing": "{a}"},
            "Choose at least two authorities to merge",
        ),
        (
            "split",
            {"successor_1_name": "Only", "successor_1_dfe_code": "951", "successor_1_ons_code": "E06000951"},
            "Enter at least two authorities to split it into",
        ),
        ("rename", {"name": "Beta"}, "Beta is already the name of an authority in the region"),
        (
            "new",
            {
                "name": "Beta",
                "dfe_code": "952",
                "ons_code": "E06000952",
                "authority_type": "Unitary authority",
            },
            "Beta is already the name of an authority in the region",
        ),
    ],
)
def test_the_screens_refuse_bad_changes_with_the_reason(world, client_for, url, data, message):
    paths = {
        "merge": f"/admin/regions/{world.region.id}/authorities/merge",
        "new": f"/admin/regions/{world.region.id}/authorities/new",
        "rename": f"/admin/authorities/{world.authority.id}/rename",
        "split": f"/admin/authorities/{world.authority.id}/split",
    }
    filled = {
        key: [v.format(a=world.authority.id) for v in value]
        if isinstance(value, list)
        else value.format(a=world.authority.id)
        for key, value in data.items()
    }
    day_field = {"rename": None, "new": "active_from"}.get(url, "effective_on")
    refused = _post(client_for("admin"), paths[url], filled, day_field)
    assert refused.status_code == 400
    assert message in refused.get_data(as_text=True).replace("&#39;", "'")
    db.session.expire_all()
    assert world.authority.active_to is None and world.authority.name == "Alpha"
    assert not db.session.scalars(sa.select(AuthorityLink)).all()

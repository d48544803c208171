"""The authorities loader and `flask authorities load`, and the demo region from `flask seed-demo`."""

import csv

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from peerchallenge.accounts.models import Role, RoleGrant, User
from peerchallenge.demo.seed import ADMIN_EMAIL, DEMO_REGION, GROUPS_REGION, LEAD_EMAIL, demo_accounts
from peerchallenge.extensions import db
from peerchallenge.regions.loader import (
    AUTHORITIES_CSV,
    EXPECTED_COLUMNS,
    AuthorityDataError,
    load_authorities,
    read_authorities,
)
from peerchallenge.regions.models import Authority, Region
from tests.conftest import DEMO_PASSWORD as SEEDED_PASSWORD
from tests.factories import EASTERN_AUTHORITIES

DEMO_PASSWORD = "demo password for the tests"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Seeding hashes two dozen passwords; a cheap hash keeps these tests quick and still checkable."""
    monkeypatch.setattr(
        "peerchallenge.accounts.models.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def original_records() -> list[dict]:
    with open(AUTHORITIES_CSV, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def write_csv(path, records: list[dict], columns=EXPECTED_COLUMNS):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    return path


# The loader


def test_the_list_has_all_153_authorities_in_the_9_regions():
    rows = read_authorities()
    assert len(rows) == 153
    assert len({row.region for row in rows}) == 9
    assert {row.name for row in rows if row.region == DEMO_REGION} == set(EASTERN_AUTHORITIES)


def test_loading_adds_every_region_and_authority(app):
    result = load_authorities(read_authorities())

    assert (result.regions_added, result.authorities_added) == (9, 153)
    assert (count(Region), count(Authority)) == (9, 153)
    eastern = db.session.scalar(sa.select(Region).where(Region.name == DEMO_REGION))
    assert {authority.name for authority in eastern.authorities} == set(EASTERN_AUTHORITIES)


def test_loading_twice_changes_nothing(app):
    load_authorities(read_authorities())
    db.session.commit()
    before = {a.dfe_code: (a.id, a.name, a.region_id) for a in db.session.scalars(sa.select(Authority))}

    result = load_authorities(read_authorities())
    db.session.commit()

    assert (result.regions_added, result.authorities_added, result.authorities_updated) == (0, 0, 0)
    assert result.authorities_unchanged == 153
    assert (count(Region), count(Authority)) == (9, 153)
    after = {a.dfe_code: (a.id, a.name, a.region_id) for a in db.session.scalars(sa.select(Authority))}
    assert after == before


def test_a_renamed_authority_is_updated_in_place(app, tmp_path):
    load_authorities(read_authorities())
    db.session.commit()
    records = original_records()
    renamed = records[0]
    old_id = db.session.scalar(sa.select(Authority.id).where(Authority.dfe_code == renamed["dfe_la_code"]))
    renamed["local_authority"] = "Renamed Borough Council"
    path = write_csv(tmp_path / "renamed.csv", records)

    result = load_authorities(read_authorities(path))
    db.session.commit()

    assert (result.authorities_added, result.authorities_updated, result.authorities_unchanged) == (0, 1, 152)
    assert count(Authority) == 153
    authority = db.session.scalar(sa.select(Authority).where(Authority.dfe_code == renamed["dfe_la_code"]))
    assert (authority.id, authority.name) == (old_id, "Renamed Borough Council")


def test_a_csv_missing_a_column_is_refused_with_the_column_named(tmp_path):
    columns = [column for column in EXPECTED_COLUMNS if column != "ons_code"]
    path = write_csv(tmp_path / "missing.csv", original_records(), columns)

    with pytest.raises(AuthorityDataError, match="missing the columns ons_code"):
        read_authorities(path)


@pytest.mark.parametrize("column", ["dfe_la_code", "ons_code"])
def test_a_csv_with_a_repeated_code_is_refused_with_the_code_named(tmp_path, column):
    records = original_records()
    records[1][column] = records[0][column]
    path = write_csv(tmp_path / "repeated.csv", records)

    with pytest.raises(AuthorityDataError) as error:
        read_authorities(path)

    message = str(error.value)
    assert f"repeated {column}" in message
    assert records[0][column] in message


def test_a_csv_with_an_empty_value_is_refused_with_the_line_named(tmp_path):
    records = original_records()
    records[4]["la_type"] = " "
    path = write_csv(tmp_path / "empty.csv", records)

    with pytest.raises(AuthorityDataError, match="line 6: every column needs a value"):
        read_authorities(path)


# flask authorities load


def test_load_command_prints_the_counts_each_time(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["authorities", "load"])
    second = runner.invoke(args=["authorities", "load"])

    assert first.exit_code == 0, first.output
    assert "153 authorities read: 153 added, 0 updated, 0 unchanged; 9 regions added." in first.output
    assert second.exit_code == 0, second.output
    assert "153 authorities read: 0 added, 0 updated, 153 unchanged; 0 regions added." in second.output
    assert (count(Region), count(Authority)) == (9, 153)


def test_load_command_refuses_a_malformed_file_and_loads_nothing(app, tmp_path):
    columns = [column for column in EXPECTED_COLUMNS if column != "la_type"]
    path = write_csv(tmp_path / "missing.csv", original_records(), columns)

    result = app.test_cli_runner().invoke(args=["authorities", "load", "--file", str(path)])

    assert result.exit_code == 1
    assert "missing the columns la_type" in result.output
    assert count(Authority) == 0


# flask seed-demo


def seed(app, *options, password=DEMO_PASSWORD):
    result = app.test_cli_runner().invoke(args=["seed-demo", *options], env={"DEMO_PASSWORD": password})
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_seed_demo_creates_the_eastern_region_and_its_people(app):
    result = seed(app)

    assert f"The password for every demo account is: {DEMO_PASSWORD}" in result.output
    assert LEAD_EMAIL in result.output
    eastern = db.session.scalar(sa.select(Region).where(Region.name == DEMO_REGION))
    assert {authority.name for authority in eastern.authorities} == set(EASTERN_AUTHORITIES)

    assert [(g.role, g.region_id, g.authority_id) for g in user(LEAD_EMAIL).grants] == [
        (Role.LEAD, eastern.id, None)
    ]
    assert [(g.role, g.region_id, g.authority_id) for g in user(ADMIN_EMAIL).grants] == [
        (Role.ADMIN, None, None)
    ]
    for authority in eastern.authorities:
        holders = db.session.execute(
            sa.select(RoleGrant.role, sa.func.count())
            .where(RoleGrant.authority_id == authority.id)
            .group_by(RoleGrant.role)
        ).all()
        assert sorted(holders) == [(Role.CONTRIBUTOR, 1), (Role.DIRECTOR, 1)], authority.name
    # The admin, the Eastern lead and its 11 authorities' people; the South East's lead, its 19's and their
    # 19 moderators.
    assert count(User) == 2 + 2 * 11 + 1 + 3 * 19
    assert count(RoleGrant) == 2 + 2 * 11 + 1 + 3 * 19


def test_the_demo_people_have_ordinary_names_the_same_each_time(demo_app):
    names = {user.email: user.name for user in db.session.scalars(sa.select(User))}

    assert len(set(names.values())) == len(names)
    for name in names.values():
        first, last = name.split(" ")
        assert first.isalpha() and last.replace("'", "").isalpha(), name
        assert not any(word in name for word in ("Director", "Contributor", "Lead", "Administrator")), name
        assert not any(authority in name for authority in EASTERN_AUTHORITIES), name
    regions = [
        db.session.scalar(sa.select(Region).where(Region.name == name))
        for name in (DEMO_REGION, GROUPS_REGION)
    ]
    again = {account.email: account.name for account in demo_accounts(regions)}
    assert again == names


def test_seed_demo_national_gives_every_region_a_lead_its_people_and_a_cycle_in_each_state(app):
    from peerchallenge.cycles.models import Cycle, CycleState
    from peerchallenge.letters.models import Letter
    from peerchallenge.reviews.models import Review, ReviewState

    result = seed(app, "--national")

    assert count(Region) == 9 and count(Authority) == 153
    assert count(User) == 1 + 9 + 2 * 153 + 19  # and the South East's moderators
    assert "Created 'South East Region peer challenge" in result.output
    cycles = db.session.scalars(sa.select(Cycle)).all()
    # Every region has this year's cycle (the Eastern one has last year's, closed, beside it).
    assert {cycle.region.name for cycle in cycles} == {
        region.name for region in db.session.scalars(sa.select(Region))
    }
    assert len(cycles) == 9 + 1
    # Every state but moderation, which is optional: the South East's cycle has been through it.
    assert {cycle.state for cycle in cycles} == set(CycleState) - {CycleState.MODERATION}
    for cycle in cycles:
        leads = db.session.scalars(
            sa.select(RoleGrant).where(RoleGrant.role == Role.LEAD, RoleGrant.region_id == cycle.region_id)
        ).all()
        assert len(leads) == 1, cycle.region.name
        letters = db.session.scalars(sa.select(Letter).where(Letter.cycle_id == cycle.id)).all()
        if cycle.state in (CycleState.RELEASED, CycleState.CLOSED):
            assert letters and all(letter.is_released for letter in letters), cycle.region.name
            assert len(letters) == len(cycle.region.authorities)
        if cycle.state == CycleState.DRAFT:
            assert letters == []
    late = [review for review in db.session.scalars(sa.select(Review)) if review.is_late]
    assert [(review.assignment.cycle.region.name, review.assignment.cycle.state) for review in late] == []
    # Close to 200 reviews submitted, the South East's cycle (under review) in groups.
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Review).where(Review.state == ReviewState.SUBMITTED)
        )
        > 190
    )
    south_east = next(cycle for cycle in cycles if cycle.region.name == "South East")
    assert south_east.in_groups and south_east.state == CycleState.REVIEWING
    again = seed(app, "--national", password="another password")
    assert "Kept 'South East Region peer challenge" in again.output
    assert count(User) == 1 + 9 + 2 * 153 + 19  # and the South East's moderators


def test_seed_demo_twice_creates_nothing_and_keeps_the_password(app):
    seed(app)
    users, grants = count(User), count(RoleGrant)
    lead_hash = user(LEAD_EMAIL).password_hash

    result = seed(app, password="a different password")

    assert "already exist and keep their password" in result.output
    assert "a different password" not in result.output
    assert (count(User), count(RoleGrant)) == (users, grants)
    assert user(LEAD_EMAIL).password_hash == lead_hash
    assert user(LEAD_EMAIL).check_password(DEMO_PASSWORD)


def test_seed_demo_reset_password_sets_the_password_again(app):
    seed(app)
    users, grants = count(User), count(RoleGrant)

    result = seed(app, "--reset-password", password="the new demo password")

    assert "The password for every demo account is: the new demo password" in result.output
    assert (count(User), count(RoleGrant)) == (users, grants)
    for email in (LEAD_EMAIL, ADMIN_EMAIL, "director.thurrock@demo.example"):
        assert user(email).check_password("the new demo password"), email
        assert not user(email).check_password(DEMO_PASSWORD), email


def test_the_demo_lead_can_sign_in_with_the_demo_password(demo_app):
    client = demo_app.test_client()
    wrong = client.post("/sign-in", data={"email": LEAD_EMAIL, "password": "not the password"})
    response = client.post("/sign-in", data={"email": LEAD_EMAIL, "password": SEEDED_PASSWORD})

    assert wrong.status_code == 401
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Eastern region" in home
    assert all(name in home for name in set(EASTERN_AUTHORITIES))

"""Uploading the region's data pack: good, bad and partial files, replacing, hostile files, access."""

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from peerchallenge.datapack.models import DataPack, DataValue
from peerchallenge.extensions import db


def pack_url(cycle) -> str:
    return f"/cycles/{cycle.id}/data-pack"


def csv_of(*rows: str, header: str = "authority,indicator,period,value,england") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def post_file(client, cycle, data: bytes, filename: str = "pack.csv", replace: bool = False):
    form = {"file": (io.BytesIO(data), filename)}
    if replace:
        form["replace"] = "y"
    return client.post(pack_url(cycle), data=form, content_type="multipart/form-data")


def values(cycle) -> list[DataValue]:
    return list(
        db.session.scalars(
            sa.select(DataValue).join(DataPack).where(DataPack.cycle_id == cycle.id).order_by(DataValue.id)
        )
    )


@pytest.fixture
def lead(world, sign_in):
    return sign_in(world.lead)


def good(world) -> bytes:
    code, sibling = world.authority.dfe_code, world.sibling.dfe_code
    return csv_of(
        f"{code},re_referrals,2023-24,21,22",
        f"{code},Re-referrals within 12 months of a previous referral,202425,19.5,22.4",
        f'{sibling},cla_rate,2024/25,"1,074.5",70',
        f"{world.sibling.name},turnover,2024-25,c,13.8",
    )


def test_a_good_csv_is_loaded_whole(world, cycle, lead):
    response = post_file(lead, cycle, good(world))
    assert response.status_code == 302
    loaded = values(cycle)
    assert [(v.authority_id, v.indicator, v.period, v.value, v.england) for v in loaded] == [
        (world.authority.id, "re_referrals", "2023-24", 21.0, 22.0),
        (world.authority.id, "re_referrals", "2024-25", 19.5, 22.4),
        (world.sibling.id, "cla_rate", "2024-25", 1074.5, 70.0),
    ]  # the suppressed value ("c") is left out
    page = lead.get(pack_url(cycle)).get_data(as_text=True)
    assert "3 figures from pack.csv" in page


def test_an_excel_workbook_is_loaded(world, cycle, lead):
    book = Workbook()
    sheet = book.active
    sheet.append(["Authority code", "Indicator", "Time period", "Value", "Statistical neighbours"])
    sheet.append([int(world.authority.dfe_code), "caseload", 202425, 17.2, 16.1])
    sheet.append([world.authority.ons_code, "agency", "2024-25", "=1+1", None])  # a formula is not a figure
    buffer = io.BytesIO()
    book.save(buffer)
    response = post_file(lead, cycle, buffer.getvalue(), "pack.xlsx")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is not a number" in page and values(cycle) == []
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    assert post_file(lead, cycle, buffer.getvalue(), "pack.xlsx").status_code == 302
    (loaded,) = values(cycle)
    assert (loaded.value, loaded.neighbours, loaded.period) == (17.2, 16.1, "2024-25")


def test_a_file_with_bad_rows_loads_nothing_and_says_which_rows(world, cycle, lead):
    code = world.authority.dfe_code
    data = csv_of(
        f"{code},re_referrals,2024-25,21,22",
        f"{world.other_authority.dfe_code},re_referrals,2024-25,21,22",
        f"{code},no_such_thing,2024-25,21,22",
        f"{code},re_referrals,2024-26,21,22",
        f"{code},re_referrals,2023-24,121,22",
        f'{code},cla_rate,2024-25,=HYPERLINK("x"),70',
        f"{code},re_referrals,2024-25,20,22",
    )
    response = post_file(lead, cycle, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "6 rows have errors, so nothing was loaded" in page
    for row, words in [
        (3, "is not an authority of the Region A region"),
        (4, "is not in the catalogue"),
        (5, "is not a year"),
        (6, "is over 100"),
        (7, "is not a number"),
        (8, "he same authority, indicator and period as row 2"),
    ]:
        assert f">{row}</td>" in page and words in page
    assert values(cycle) == [] and db.session.scalar(sa.select(DataPack)) is None


def test_a_second_upload_replaces_the_pack_only_when_confirmed(world, cycle, lead):
    assert post_file(lead, cycle, good(world)).status_code == 302
    newer = csv_of(f"{world.authority.dfe_code},caseload,2025-26,15,16")
    refused = post_file(lead, cycle, newer)
    assert refused.status_code == 400
    assert "This cycle already has a data pack (3 figures from pack.csv" in refused.get_data(as_text=True)
    assert len(values(cycle)) == 3
    assert post_file(lead, cycle, newer, "newer.csv", replace=True).status_code == 302
    assert [(v.indicator, v.value) for v in values(cycle)] == [("caseload", 15.0)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataPack)) == 1


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "pack.csv", "The file is empty"),
        (b"\x00\x01junk" * 100, "pack.csv", "is not a CSV file"),
        (b"PK\x03\x04not really a zip", "pack.xlsx", "The Excel file can"),
        (
            b"just,some,columns\n1,2,3\n",
            "pack.csv",
            "this file has no authority, indicator, period, value column",
        ),
        (b"authority,indicator,period,value\n", "pack.pdf", "Upload a CSV file"),
        (b"a" * (6 * 1024 * 1024), "pack.csv", "larger than 5 MB"),
        (b'authority,indicator,period,value\n"' + b"x" * 200_000 + b"\n", "pack.csv", "can't be read"),
    ],
)
def test_hostile_files_get_a_message_not_a_500(world, cycle, lead, data, filename, message):
    response = post_file(lead, cycle, data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert values(cycle) == []


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("lead", 200),
        ("admin", 200),
        ("other_lead", 404),
        ("director", 404),
        ("contributor", 404),
        ("no_role", 404),
    ],
)
def test_only_the_regions_leads_reach_the_pack(world, cycle, client_for, person, status):
    assert client_for(person).get(pack_url(cycle)).status_code == status


def test_the_lead_extends_the_catalogue(world, cycle, lead):
    url = f"/regions/{world.region.id}/indicators/new"
    form = {
        "key": "adoption_a1",
        "name": "Average days from entering care to moving in with an adoptive family",
        "unit": "days",
        "higher_is_better": "no",
        "section": "Children in care, including permanence and sufficiency",
        "words": "entering care to moving in\nadoption timeliness",
    }
    assert lead.post(url, data=form).status_code == 302
    assert lead.post(url, data=form).status_code == 400  # the key is taken now
    data = csv_of(f"{world.authority.dfe_code},adoption_a1,2024-25,410,367")
    assert post_file(lead, cycle, data).status_code == 302
    assert [v.indicator for v in values(cycle)] == ["adoption_a1"]
    page = lead.get(f"/regions/{world.region.id}/indicators").get_data(as_text=True)
    assert "adoption timeliness" in page and "(the region's own)" in page
    other = lead.get(f"/regions/{world.other_region.id}/indicators")
    assert other.status_code == 404

"""Loading the list of English local authorities and their ADCS regions."""

import csv
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority, Region

AUTHORITIES_CSV = Path(__file__).parent / "data" / "authorities.csv"
EXPECTED_COLUMNS = ("adcs_region", "local_authority", "dfe_la_code", "ons_code", "la_type")


@dataclass(frozen=True)
class AuthorityRow:
    region: str
    name: str
    dfe_code: str
    ons_code: str
    authority_type: str


class AuthorityDataError(ValueError):
    pass


def read_authorities(path: Path = AUTHORITIES_CSV) -> list[AuthorityRow]:
    """Parse and check the authorities file: every column present, codes unique."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = set(EXPECTED_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise AuthorityDataError(f"{path} is missing the columns {', '.join(sorted(missing))}")
        rows = []
        for line, record in enumerate(reader, start=2):
            values = {key: (record.get(key) or "").strip() for key in EXPECTED_COLUMNS}
            if not all(values.values()):
                raise AuthorityDataError(f"{path}, line {line}: every column needs a value")
            rows.append(
                AuthorityRow(
                    values["adcs_region"],
                    values["local_authority"],
                    values["dfe_la_code"],
                    values["ons_code"],
                    values["la_type"],
                )
            )
    # Name the file's column, not the attribute, so that the message points at what to fix.
    for field, column in (("dfe_code", "dfe_la_code"), ("ons_code", "ons_code")):
        codes = [getattr(row, field) for row in rows]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise AuthorityDataError(f"{path}: repeated {column} {', '.join(duplicates)}")
    return rows


@dataclass
class LoadResult:
    regions_added: int = 0
    authorities_added: int = 0
    authorities_updated: int = 0
    authorities_unchanged: int = 0


def load_authorities(rows: list[AuthorityRow]) -> LoadResult:
    """Add or update regions and authorities, matched by DfE code; running it twice changes nothing."""
    result = LoadResult()
    regions = {region.name: region for region in db.session.scalars(sa.select(Region))}
    existing = {authority.dfe_code: authority for authority in db.session.scalars(sa.select(Authority))}
    for row in rows:
        region = regions.get(row.region)
        if region is None:
            region = regions[row.region] = Region(name=row.region)
            db.session.add(region)
            result.regions_added += 1
        # What the file says about an authority, besides the DfE code it is matched by.
        wanted = {
            "region": region,
            "name": row.name,
            "ons_code": row.ons_code,
            "authority_type": row.authority_type,
        }
        authority = existing.get(row.dfe_code)
        if authority is None:
            db.session.add(Authority(dfe_code=row.dfe_code, **wanted))
            result.authorities_added += 1
        elif all(getattr(authority, key) == value for key, value in wanted.items()):
            result.authorities_unchanged += 1
        else:
            for key, value in wanted.items():
                setattr(authority, key, value)
            result.authorities_updated += 1
    db.session.flush()
    return result

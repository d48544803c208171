"""Uploading the data pack, extending the catalogue, naming areas for development, correcting calibration.

Each function checks, changes and audits; none commits (the request does, once, or rolls everything back).
"""

import re

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_about, record_event
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.services import check_not_closed
from peerchallenge.datapack import calibration
from peerchallenge.datapack.catalogue import Unit, by_key_or_name
from peerchallenge.datapack.models import (
    CalibrationCorrection,
    DataPack,
    DataValue,
    DevelopmentArea,
    RegionIndicator,
)
from peerchallenge.datapack.queries import pack_of, region_catalogue, region_development_areas
from peerchallenge.datapack.reading import PackFileError, read_pack
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.inspections.models import Inspection
from peerchallenge.regions.models import Authority, Region
from peerchallenge.submissions.queries import find_submission

KEY = re.compile(r"[a-z][a-z0-9_]{1,39}")
MAX_WORDS = 20
MAX_DEVELOPMENT_AREAS = 20
MAX_AREA_CHARACTERS = 500


class PackRejected(ServiceError):
    """The file had bad rows: nothing was loaded. `rows` lists (row number, why) for each."""

    def __init__(self, message: str, rows: list[tuple[int, str]]):
        super().__init__(message, field="file")
        self.rows = rows


def _authority_names(region: Region) -> dict[str, int]:
    names: dict[str, int] = {}
    for authority in region.authorities:
        for name in (authority.dfe_code, authority.ons_code, authority.name):
            names[name.casefold()] = authority.id
    return names


def describe_pack(pack: DataPack) -> str:
    return (
        f"{pack.value_count:,} figures from {pack.filename}, uploaded by {pack.uploaded_by.name} "
        f"on {pack.uploaded_at:%d %B %Y}"
    )


def upload_pack(actor: User, cycle: Cycle, filename: str, data: bytes, *, replace: bool) -> DataPack:
    """Load the file as the cycle's data pack, whole or not at all; replacing a pack needs `replace`."""
    check_not_closed(cycle, "its data pack is read-only")
    region = cycle.region
    try:
        read = read_pack(
            filename, data, _authority_names(region), by_key_or_name(region_catalogue(region)), region.name
        )
    except PackFileError as error:
        raise ServiceError(str(error), field="file") from None
    if read.errors:
        count = len(read.errors)
        raise PackRejected(
            f"{count:,} {'row has an error' if count == 1 else 'rows have errors'}, so nothing was loaded. "
            "Correct them and upload the file again.",
            read.errors_shown,
        )
    if not read.rows:
        raise ServiceError(
            "The file has no figures to load: every row was empty or suppressed.", field="file"
        )
    pack = pack_of(cycle)
    if pack is not None:
        lock_for_update(pack)
        if not replace:
            raise ServiceError(
                f"This cycle already has a data pack ({describe_pack(pack)}). "
                "Confirm that the new file replaces it.",
                field="replace",
            )
        db.session.execute(sa.delete(DataValue).where(DataValue.pack_id == pack.id))
        pack.filename, pack.uploaded_by, pack.uploaded_at = filename[:255], actor, utcnow()
    else:
        pack = DataPack(cycle=cycle, filename=filename[:255], uploaded_by=actor)
        db.session.add(pack)
    pack.value_count = len(read.rows)
    db.session.flush()
    db.session.execute(
        sa.insert(DataValue),
        [
            {
                "pack_id": pack.id,
                "authority_id": row.authority_id,
                "indicator": row.indicator,
                "period": row.period,
                "value": row.value,
                "england": row.england,
                "region": row.region,
                "neighbours": row.neighbours,
            }
            for row in read.rows
        ],
    )
    record_about(
        "datapack.uploaded",
        f"Uploaded the data pack for {cycle.title}: {len(read.rows):,} figures"
        + (f", {read.suppressed:,} suppressed values left out" if read.suppressed else ""),
        actor,
        cycle,
        filename=filename[:255],
    )
    return pack


def add_indicator(
    actor: User,
    region: Region,
    *,
    key: str,
    name: str,
    unit: str,
    higher_is_better: str,
    section: str,
    words: str,
) -> RegionIndicator:
    """Add an indicator to the region's catalogue (`higher_is_better`: "yes", "no" or "neither")."""
    key = key.strip().casefold()
    if not KEY.fullmatch(key):
        raise ServiceError(
            "Enter a key of 2 to 40 lower-case letters, digits and underscores, starting with a letter",
            field="key",
        )
    known = region_catalogue(region)
    if key in known:
        raise ServiceError(f"The catalogue already has an indicator with the key {key}", field="key")
    name = " ".join(name.split())
    if not name:
        raise ServiceError("Enter the indicator's name", field="name")
    if name.casefold() in by_key_or_name(known):
        raise ServiceError(f"The catalogue already has an indicator called {name}", field="name")
    if unit not in {each.value for each in Unit}:
        raise ServiceError("Choose the indicator's unit", field="unit")
    better = {"yes": True, "no": False, "neither": None}
    if higher_is_better not in better:
        raise ServiceError("Say whether a higher value is better", field="higher_is_better")
    named_by = [" ".join(line.split()).casefold() for line in words.splitlines() if line.strip()]
    if len(named_by) > MAX_WORDS or any(len(each) > 80 for each in named_by):
        raise ServiceError(
            f"Give at most {MAX_WORDS} ways of naming it, each up to 80 characters", field="words"
        )
    indicator = RegionIndicator(
        region=region,
        key=key,
        name=name[:150],
        unit=Unit(unit),
        higher_is_better=better[higher_is_better],
        section=section.strip()[:150],
        words=named_by,
        created_by_id=actor.id,
    )
    db.session.add(indicator)
    record_event(
        "datapack.indicator_added",
        f"Added the indicator {name} to the region's catalogue",
        actor=actor,
        region_id=region.id,
    )
    return indicator


def save_development_areas(actor: User, cycle: Cycle, authority: Authority, lines: list[str]) -> None:
    """Set the authority's areas for development for the cycle (one per line); not once signed off."""
    check_not_closed(cycle, "its self-assessments are read-only")
    submission = find_submission(cycle, authority)
    if submission is not None:
        lock_for_update(submission)
        if submission.is_signed_off:
            raise ServiceError(
                "The self-assessment has been signed off, so its areas for development cannot change. "
                "Ask your regional lead to reopen it."
            )
    areas = [" ".join(line.split()) for line in lines if line.strip()]
    if len(areas) > MAX_DEVELOPMENT_AREAS:
        raise ServiceError(f"Name at most {MAX_DEVELOPMENT_AREAS} areas for development", field="areas")
    if any(len(area) > MAX_AREA_CHARACTERS for area in areas):
        raise ServiceError(
            f"Keep each area for development to {MAX_AREA_CHARACTERS} characters", field="areas"
        )
    for row in region_development_areas(cycle, [authority.id]).get(authority.id, []):
        db.session.delete(row)
    db.session.flush()
    for position, text in enumerate(areas):
        db.session.add(
            DevelopmentArea(
                cycle_id=cycle.id,
                authority_id=authority.id,
                position=position,
                text=text,
                updated_by_id=actor.id,
            )
        )
    record_about(
        "datapack.development_areas_saved",
        f"Named {len(areas)} areas for development in {authority.name}'s self-assessment",
        actor,
        cycle,
        authority_id=authority.id,
    )


def correct_pair(actor: User, inspection: Inspection, index: int, development: str | None) -> None:
    """Say which area for development an inspection's area for improvement was (None: not named)."""
    improvements = inspection.areas_for_improvement
    if not 0 <= index < len(improvements):
        raise ServiceError("That area for improvement is not in the inspection any more")
    row = db.session.scalar(
        sa.select(CalibrationCorrection).where(
            CalibrationCorrection.inspection_id == inspection.id,
            CalibrationCorrection.improvement_index == index,
        )
    )
    if row is None:
        row = CalibrationCorrection(
            inspection_id=inspection.id, improvement_index=index, corrected_by_id=actor.id
        )
        db.session.add(row)
    row.improvement, row.development = improvements[index], development
    row.corrected_by_id, row.corrected_at = actor.id, utcnow()
    record_about(
        "datapack.calibration_corrected",
        f"Matched an area for improvement of {inspection.authority.name}'s inspection"
        + (" to an area for development" if development else " to none of the self-assessment's areas"),
        actor,
        inspection.authority,
    )


def suggested_areas(cycle: Cycle, authority: Authority) -> list[str]:
    """The worries the current self-assessment names, as suggested areas for development."""
    submission = find_submission(cycle, authority)
    version = submission.current_version if submission else None
    return calibration.suggest_areas(part.markdown for part in version.sections) if version else []

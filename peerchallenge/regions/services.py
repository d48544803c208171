"""Changing a region: the name its letters carry; its authorities added, renamed, merged and split."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_about, record_event
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, lock_for_update
from peerchallenge.regions.models import Authority, AuthorityLink, ChangeKind, Region
from peerchallenge.sanitise import one_line_within

MAX_DISPLAY_NAME = 150


def set_display_name(actor: User, region: Region, display_name: str) -> None:
    """The region's name on its letterhead ("ADCS Eastern Region"); left empty, the region's name."""
    if not can_manage_region(actor, region):
        raise ServiceError("You cannot change this region.")
    lock_for_update(region)
    text = one_line_within(display_name, MAX_DISPLAY_NAME, "The name on letters", "display_name")
    if text == region.display_name:
        return
    region.display_name = text
    record_event(
        "region_display_name_changed",
        f"The {region.name} region's letters now carry the name {region.letterhead_name}",
        actor=actor,
        region_id=region.id,
    )


MAX_AUTHORITY_NAME = 150


@dataclass(frozen=True)
class NewAuthority:
    """What the admin types for an authority that starts: its name, codes and type."""

    name: str
    dfe_code: str
    ons_code: str
    authority_type: str


def _check_day(day: date | None, field: str = "effective_on") -> date:
    if day is None:
        raise ServiceError("Enter the date the change takes effect", field=field)
    if not 2000 <= day.year <= 2100:
        raise ServiceError("The date must be between the years 2000 and 2100", field=field)
    return day


def _check_name(region: Region, name: str, field: str, *, keeping: Authority | None = None) -> str:
    """A one-line name, not taken by another authority of the region (the ended ones included)."""
    text = one_line_within(name, MAX_AUTHORITY_NAME, "The name", field)
    if not text:
        raise ServiceError("Enter the authority's name", field=field)
    taken = db.session.scalar(
        sa.select(Authority.name).where(
            Authority.region_id == region.id,
            sa.func.lower(Authority.name) == text.lower(),
            Authority.id != (keeping.id if keeping else -1),
        )
    )
    if taken:
        raise ServiceError(f"{taken} is already the name of an authority in the region", field=field)
    return text


def _check_codes(new: NewAuthority, prefix: str) -> None:
    dfe, ons = new.dfe_code.strip(), new.ons_code.strip().upper()
    if not (len(dfe) == 3 and dfe.isdigit()):
        raise ServiceError("Enter the DfE code as 3 digits, like 940", field=f"{prefix}dfe_code")
    if not (len(ons) == 9 and ons[0] == "E" and ons[1:].isdigit()):
        raise ServiceError("Enter the ONS code as E and 8 digits, like E06000061", field=f"{prefix}ons_code")
    for column, code, label, field in (
        (Authority.dfe_code, dfe, "DfE code", "dfe_code"),
        (Authority.ons_code, ons, "ONS code", "ons_code"),
    ):
        holder = db.session.scalar(sa.select(Authority.name).where(column == code))
        if holder:
            raise ServiceError(f"{holder} already has the {label} {code}", field=f"{prefix}{field}")


def _start(actor: User, region: Region, new: NewAuthority, active_from: date, prefix: str = "") -> Authority:
    name = _check_name(region, new.name, f"{prefix}name")
    _check_codes(new, prefix)
    authority = Authority(
        region=region,
        name=name,
        dfe_code=new.dfe_code.strip(),
        ons_code=new.ons_code.strip().upper(),
        authority_type=new.authority_type.strip() or "Unitary authority",
        active_from=active_from,
    )
    db.session.add(authority)
    db.session.flush()
    record_about(
        "authority_added", f"{authority.name} was added from {active_from:%d %B %Y}", actor, authority
    )
    return authority


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise ServiceError("Only an administrator can change the region's authorities.")


def add_authority(actor: User, region: Region, new: NewAuthority, active_from: date | None) -> Authority:
    """A new authority in the region, active from the given day."""
    _require_admin(actor)
    lock_for_update(region)
    return _start(actor, region, new, _check_day(active_from, "active_from"))


def rename_authority(actor: User, authority: Authority, name: str) -> None:
    """A new name for an authority; its history, people and letters stay with it."""
    _require_admin(actor)
    lock_for_update(authority)
    text = _check_name(authority.region, name, "name", keeping=authority)
    if text == authority.name:
        return
    before, authority.name = authority.name, text
    record_about("authority_renamed", f"{before} was renamed {text}", actor, authority, former_name=before)


def _end(authority: Authority, effective_on: date) -> None:
    """The authority's last day is the day before the change."""
    if not authority.is_active_on(effective_on - timedelta(days=1)):
        raise ServiceError(f"{authority.name} had ended or not started by then", field="effective_on")
    if authority.active_from and effective_on <= authority.active_from:
        raise ServiceError(
            f"The change must take effect after {authority.name} started", field="effective_on"
        )
    authority.active_to = effective_on - timedelta(days=1)


def _reorganise(
    actor: User,
    kind: ChangeKind,
    ended: list[Authority],
    successors: list[Authority],
    effective_on: date,
    about: Authority,
    summary: str,
) -> None:
    """End the predecessors the day before the change, link each to each successor, and audit it."""
    for predecessor in ended:
        _end(predecessor, effective_on)
        for successor in successors:
            db.session.add(
                AuthorityLink(
                    predecessor=predecessor, successor=successor, kind=kind, effective_on=effective_on
                )
            )
    record_about(
        f"authorities_{kind.value}",
        summary,
        actor,
        about,
        predecessor_ids=[authority.id for authority in ended],
        successor_ids=[authority.id for authority in successors],
        effective_on=effective_on.isoformat(),
    )


def merge_authorities(
    actor: User,
    merging: list[Authority],
    effective_on: date | None,
    *,
    continuing: Authority | None = None,
    new: NewAuthority | None = None,
) -> Authority:
    """Authorities end the day before `effective_on`; one successor, new or one of them, carries on."""
    _require_admin(actor)
    effective_on = _check_day(effective_on)
    unique = {authority.id: authority for authority in merging}
    if len(unique) < 2:
        raise ServiceError("Choose at least two authorities to merge", field="merging")
    region = merging[0].region
    if any(authority.region_id != region.id for authority in unique.values()):
        raise ServiceError("The authorities must be in the same region", field="merging")
    if (continuing is None) == (new is None):
        raise ServiceError("Choose the authority that carries on, or enter a new one", field="continuing")
    lock_for_update(region)
    if continuing is not None:
        if continuing.id not in unique:
            raise ServiceError(
                "The authority that carries on must be one of those merged", field="continuing"
            )
        if not continuing.is_active_on(effective_on):
            raise ServiceError(f"{continuing.name} is not active on that date", field="continuing")
        successor = continuing
    else:
        assert new is not None
        successor = _start(actor, region, new, effective_on, "new_")
    ended = [authority for authority in unique.values() if authority.id != successor.id]
    names = ", ".join(authority.name for authority in ended)
    summary = f"{names} merged into {successor.name} from {effective_on:%d %B %Y}"
    _reorganise(actor, ChangeKind.MERGED, ended, [successor], effective_on, successor, summary)
    return successor


def split_authority(
    actor: User, splitting: Authority, effective_on: date | None, successors: list[NewAuthority]
) -> list[Authority]:
    """An authority ends the day before `effective_on`; two or more new authorities start that day."""
    _require_admin(actor)
    effective_on = _check_day(effective_on)
    if len(successors) < 2:
        raise ServiceError("Enter at least two authorities to split it into", field="successors")
    lowered = [new.name.strip().lower() for new in successors]
    if len(set(lowered)) < len(lowered):
        raise ServiceError("Give each new authority a different name", field="successors")
    lock_for_update(splitting.region)
    started = [
        _start(actor, splitting.region, new, effective_on, f"successor_{number}_")
        for number, new in enumerate(successors, start=1)
    ]
    names = ", ".join(authority.name for authority in started)
    summary = f"{splitting.name} split into {names} from {effective_on:%d %B %Y}"
    _reorganise(actor, ChangeKind.SPLIT, [splitting], started, effective_on, splitting, summary)
    return started

"""Changing a region: the name its letters carry."""

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import User
from peerchallenge.audit.services import record_event
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import lock_for_update
from peerchallenge.regions.models import Region
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

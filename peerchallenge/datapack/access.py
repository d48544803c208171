"""Who uploads the region's data pack, extends its catalogue, and reads it."""

from peerchallenge.accounts.access import can_manage_region
from peerchallenge.accounts.models import User
from peerchallenge.cycles.models import Cycle
from peerchallenge.regions.models import Authority
from peerchallenge.submissions.access import can_edit_submission, can_view_submission


def can_manage_pack(user: User, cycle: Cycle) -> bool:
    """The region's leads (and admins) upload the pack and add indicators."""
    return can_manage_region(user, cycle.region)


def can_read_pack(user: User, cycle: Cycle, authority: Authority, submission=None) -> bool:
    """An authority's figures are read where its self-assessment is: its people, its region's leads, admins
    and (once signed off) its assigned reviewers. Nobody outside the region."""
    return can_view_submission(user, cycle, authority, submission)


def can_name_development_areas(user: User, authority: Authority) -> bool:
    """The people who write the self-assessment name its areas for development."""
    return can_edit_submission(user, authority)


def can_correct_calibration(user: User, authority: Authority) -> bool:
    """The authority's own people and its region's leads say which pairs are right."""
    return can_edit_submission(user, authority) or can_manage_region(user, authority.region)

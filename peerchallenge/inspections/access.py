"""Who records and reads an authority's own grades and inspections: the self-assessment's rules."""

from peerchallenge.accounts.access import can_manage_region, can_view_authority
from peerchallenge.accounts.models import User
from peerchallenge.regions.models import Authority
from peerchallenge.submissions.access import can_edit_submission


def can_record_inspections(user: User, authority: Authority) -> bool:
    """The people who write the self-assessment (its director and contributors), and the region's leads."""
    return can_edit_submission(user, authority) or can_manage_region(user, authority.region)


def can_list_inspections(user: User, authority: Authority) -> bool:
    """The authority's own people, its region's leads and admins.

    Its assigned reviewers read the grades and the latest inspection on the self-assessment page, whose rule
    (submissions.access.can_view_submission) lets them in once it is signed off.
    """
    return can_view_authority(user, authority)

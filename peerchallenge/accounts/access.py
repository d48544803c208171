"""Who may see and do what: the one place these rules live, for routes and templates alike."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from peerchallenge.accounts.models import Role, User
from peerchallenge.regions.models import Authority, Region


def can_manage_region(user: User, region: Region) -> bool:
    """Admins, and the region's leads, run the region: its cycles, authorities and users."""
    return user.is_authenticated and (user.is_admin or region.id in user.lead_region_ids())


def can_view_authority(user: User, authority: Authority) -> bool:
    """An authority is seen by its own people, its region's leads and admins."""
    if not user.is_authenticated:
        return False
    return (
        user.is_admin or authority.region_id in user.lead_region_ids() or authority.id in user.authority_ids()
    )


def can_manage_user(actor: User, user: User) -> bool:
    """Admins manage everyone; a lead manages users whose every role lies in a region it leads."""
    if not actor.is_authenticated:
        return False
    if actor.is_admin:
        return True
    if user.is_admin or not user.grants:
        return False
    led = actor.lead_region_ids()
    return all(grant.scope_region_id in led for grant in user.grants)


def grantable_roles(actor: User) -> list[Role]:
    """The roles this person may give to others."""
    roles = [Role.DIRECTOR, Role.CONTRIBUTOR, Role.MODERATOR, Role.LEAD]
    return roles + [Role.ADMIN] if actor.is_admin else roles


def admin_required(view):
    """Only admins reach the view; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped

"""Every model, imported in one place so that the metadata and migrations see them all."""

from peerchallenge.accounts.models import RoleGrant, User
from peerchallenge.audit.models import AuditEvent
from peerchallenge.regions.models import Authority, Region

__all__ = ["AuditEvent", "Authority", "Region", "RoleGrant", "User"]

"""Every model, imported in one place so that the metadata and migrations see them all."""

from peerchallenge.accounts.models import RoleGrant, User
from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles.models import Cycle, RatingLevel, RatingScale, TemplateSection
from peerchallenge.regions.models import Authority, Region
from peerchallenge.submissions.models import SectionText, StoredFile, Submission, SubmissionVersion

__all__ = [
    "AuditEvent",
    "Authority",
    "Cycle",
    "RatingLevel",
    "RatingScale",
    "Region",
    "RoleGrant",
    "SectionText",
    "StoredFile",
    "Submission",
    "SubmissionVersion",
    "TemplateSection",
    "User",
]

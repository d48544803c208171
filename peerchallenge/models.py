"""Every model, imported in one place so that the metadata and migrations see them all."""

from peerchallenge.accounts.models import RoleGrant, User
from peerchallenge.assignments.models import Assignment, Conflict, Delegation
from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles.models import Cycle, RatingLevel, RatingScale, TemplateSection
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.regions.models import Authority, Region
from peerchallenge.reviews.models import Review
from peerchallenge.submissions.models import SectionText, StoredFile, Submission, SubmissionVersion

__all__ = [
    "Assignment",
    "Conflict",
    "Delegation",
    "OutboxEmail",
    "AuditEvent",
    "Authority",
    "Cycle",
    "RatingLevel",
    "RatingScale",
    "Region",
    "Review",
    "RoleGrant",
    "SectionText",
    "StoredFile",
    "Submission",
    "SubmissionVersion",
    "TemplateSection",
    "User",
]

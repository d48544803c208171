"""Every model, imported in one place so that the metadata and migrations see them all."""

from peerchallenge.accounts.models import RoleGrant, SignInThrottle, User, UserSession
from peerchallenge.actions.models import Action, ActionStatusChange, PackFile
from peerchallenge.assignments.models import Assignment, Conflict, Delegation, ReviewGroup
from peerchallenge.audit.models import AuditEvent
from peerchallenge.cycles.models import Cycle, RatingLevel, RatingScale, TemplateSection
from peerchallenge.datapack.models import (
    CalibrationCorrection,
    DataPack,
    DataValue,
    DevelopmentArea,
    RegionIndicator,
)
from peerchallenge.events.models import (
    AgreedAction,
    ChallengeEvent,
    EventSession,
    OutcomeFile,
    OutcomeNote,
    SessionNote,
)
from peerchallenge.inspections.models import Inspection, InspectionJudgement, OwnGrade
from peerchallenge.letters.models import Letter, LetterFile, LetterRead, LetterVersion
from peerchallenge.mail.models import OutboxEmail
from peerchallenge.moderation.models import ModerationAssignment
from peerchallenge.monitoring.models import ReminderSent
from peerchallenge.page_cache import DataStamp
from peerchallenge.regions.models import Authority, AuthorityLink, Region
from peerchallenge.reviews.models import Review
from peerchallenge.submissions.models import SectionText, StoredFile, Submission, SubmissionVersion
from peerchallenge.themes.models import AskOffer, CycleThemes, RegionLexicon, ThemesPaper, ThemeTag

__all__ = [
    "Action",
    "AgreedAction",
    "ChallengeEvent",
    "DataStamp",
    "EventSession",
    "OutcomeFile",
    "OutcomeNote",
    "SessionNote",
    "AskOffer",
    "CycleThemes",
    "RegionLexicon",
    "ThemesPaper",
    "ThemeTag",
    "ActionStatusChange",
    "Assignment",
    "CalibrationCorrection",
    "DataPack",
    "DataValue",
    "DevelopmentArea",
    "RegionIndicator",
    "Conflict",
    "Delegation",
    "ReviewGroup",
    "Letter",
    "LetterFile",
    "LetterRead",
    "LetterVersion",
    "OutboxEmail",
    "OwnGrade",
    "PackFile",
    "AuditEvent",
    "Authority",
    "AuthorityLink",
    "Cycle",
    "Inspection",
    "InspectionJudgement",
    "RatingLevel",
    "RatingScale",
    "ModerationAssignment",
    "ReminderSent",
    "Region",
    "Review",
    "RoleGrant",
    "SectionText",
    "SignInThrottle",
    "StoredFile",
    "Submission",
    "SubmissionVersion",
    "TemplateSection",
    "User",
    "UserSession",
]

"""The moderator's comments form."""

from flask_wtf import FlaskForm

from peerchallenge.forms import text_area, version_fields
from peerchallenge.moderation.services import MAX_COMMENT


class CommentsForm(FlaskForm):
    evidence_comment = text_area(
        "Evidence",
        MAX_COMMENT,
        too_long="The comment on evidence",
        description="Are the judgements backed by evidence? Where is evidence thin, missing or out of date?",
    )
    data_comment = text_area(
        "Data accuracy",
        MAX_COMMENT,
        too_long="The comment on data accuracy",
        description="Do the figures quoted match the data pack and the latest published data? Say which "
        "figure, what the self-assessment says and what the source says.",
    )
    base_version, submit = version_fields()

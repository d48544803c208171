"""Moderation: moderators from other authorities comment on signed-off self-assessments before peers read
them."""

"""Self-assessments: uploads, versions, section texts, sign-off."""

"""Structured peer reviews of self-assessments."""

"""Cycles: one round of peer challenge in one region, with its template and rating scales."""

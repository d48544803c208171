"""The regional themes report: what a cycle's reviews, letters and self-assessments say, by theme, and the
asks and offers of its authorities matched to one another."""

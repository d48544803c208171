"""Pages and plumbing shared by every feature: home, error pages, security headers."""

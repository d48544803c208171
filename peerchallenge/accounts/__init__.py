"""Users, roles, signing in and managing accounts."""

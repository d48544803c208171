"""Monitoring a cycle: the dashboard, reminders, exports and the regional overview."""

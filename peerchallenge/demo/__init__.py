"""Demonstration data: the Eastern Region with its people."""

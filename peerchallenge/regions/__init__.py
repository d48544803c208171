"""Regions and local authorities."""

"""Peer assignment: who reviews whom, conflicts, delegation."""

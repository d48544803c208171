"""Challenge letters: composed from the peer reviews, edited and released by the lead, read and answered."""

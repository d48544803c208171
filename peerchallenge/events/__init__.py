"""The challenge event: its sessions, the notes and agreed actions recorded in them, and the outcome notes."""

"""The region's data pack beside each section, figures checked against it, and inspection calibration."""

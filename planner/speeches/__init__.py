"""Speakers lists, time control in the hall, submitted texts."""

"""Indicators of follow-up visits: not done (deadline)."""

"""Test factories of the figures part (registered with core.testing.factories)."""

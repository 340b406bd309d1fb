"""Test factories of the pairing part (registered with core.testing.factories)."""

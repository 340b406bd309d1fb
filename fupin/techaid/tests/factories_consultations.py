"""Test factories of the consultations part (registered with core.testing.factories)."""

"""Test factories of the prescriptions part (registered with core.testing.factories)."""

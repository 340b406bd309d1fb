"""The module's Resource test classes, where the meta-test looks (core/testing/resources.py):
each part declares its classes in its own file, imported here as a module (so that pytest
collects them once, in their own file)."""

from . import test_pairing_resources  # noqa: F401

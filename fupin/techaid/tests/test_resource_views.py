"""The module's Resources on the shared test bases (core/testing/resources.py): each part
declares its classes in its own file, imported here so the meta-test finds them."""

from . import test_catalog_views  # noqa: F401

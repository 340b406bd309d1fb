"""Technology aid's resources on the shared test bases (core/testing/resources.py): each part
declares its classes in its own module, imported here as a module (so that pytest collects each
class once, where it is declared) and so that the meta-test finds them."""

from . import (
    test_catalog_views,  # noqa: F401
    test_consultations_resources,  # noqa: F401
    test_pairing_resources,  # noqa: F401
    test_prescriptions_resources,  # noqa: F401
)

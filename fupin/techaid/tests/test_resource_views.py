"""Technology aid's resources on the shared test bases (the meta-test finds their classes
through this module). Each part declares its classes in its own module, imported here as a
module (so that pytest collects each class once, where it is declared)."""

from . import test_consultations_resources  # noqa: F401

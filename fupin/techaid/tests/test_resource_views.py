"""The module's resources on the shared test bases: each part declares its classes in its
own file (test_<part>_resources.py); importing the modules here declares them to the
meta-test (core/tests/test_resource_bases.py) without collecting them twice."""

from . import test_prescriptions_resources  # noqa: F401

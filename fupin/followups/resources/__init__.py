"""The module's Resources (core/resources.py), one file per record kind."""




from .needs import needs  # noqa: F401

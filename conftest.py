from fupin.core.testing.fixtures import areas, demo_users, login  # noqa: F401

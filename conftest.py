from fupin.core.testing.fixtures import areas, demo_users, login, scope_users  # noqa: F401

"""Test settings: production settings (DEBUG off), made runnable over plain HTTP on loopback,
plus a small scoped model (tests.scopedapp) that exercises the generic parts."""

import os

os.environ.setdefault("FUPIN_SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault("FUPIN_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("FUPIN_SSL_REDIRECT", "0")
os.environ.setdefault("FUPIN_FIELD_KEY", "test-field-key-not-secret")

from fupin.settings import *  # noqa: E402,F403
from fupin.settings import INSTALLED_APPS, TASKS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scopedapp"]
ROOT_URLCONF = "tests.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {**TASKS, "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

"""Test settings: what differs from base, and why."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import DATABASES, REST_FRAMEWORK
from .env import env_str

DEBUG = False
# A fast hasher: password hashing is not what the tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Several checkouts may test against one server at once; each can name its own database.
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_timeline")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Throttling would make API tests depend on how many requests came before.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files come from the finders; collectstatic output is for production only.
STATIC_ROOT = None

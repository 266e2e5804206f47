"""Test-only speedups on top of the real settings."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Tests read reports right after submitting, inside one database transaction: follow-up work inline.
# The worker path (kick, sweep) has tests of its own.
OASIS_OUTBOX_INLINE = os.environ.get("OASIS_OUTBOX_INLINE", "1") == "1"

# Brute-force protection is switched on by the tests that are about it (client.login() has no request).
AXES_ENABLED = False

"""Settings for the test suite: the real settings with fast, in-process transports."""

import os
import tempfile

os.environ.setdefault("XASO_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("XASO_TASKS_BACKEND", "immediate")
os.environ.setdefault("XASO_SMS_TRANSPORT", "xaso.accounts.sms.MemoryTransport")

from xaso.settings import *  # noqa: F403

# Argon2 is the production hasher (asserted in tests); a fast one keeps the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
# Uploaded files (population imports) go to a throw-away folder, not var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="xaso-test-media-"))  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

"""Settings for the test suite: the real database (SQLite or DATABASE_URL), tasks run inline."""

import os

os.environ.setdefault("DIANPU_HTTPS", "0")

from dianpu.settings import *  # noqa: E402,F403
from dianpu.settings import HUEY as _HUEY  # noqa: E402

HUEY = {**_HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "test-media"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared-cache memory: concurrency tests open one connection per thread,
    # and only a real WAL file gives them SQLite's real locking.
    # One file per test run (child processes inherit the name), so parallel runs do not collide.
    os.environ.setdefault("DIANPU_TEST_DB", f"test-dianpu-{os.getpid()}")
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"{os.environ['DIANPU_TEST_DB']}.sqlite3")}  # noqa: F405

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (whitenoise warns when it is missing)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Parallel runs (pytest-xdist, `-n 2`): each worker has its own test database (pytest-django adds
# the worker's suffix) and, with Redis, its own Redis database, as a test that clears the cache
# must not clear the other worker's.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and REDIS_URL:  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(REDIS_URL)  # noqa: F405
    _redis = urlunsplit(_parts._replace(path=f"/{15 - int(_worker[2:]) % 15}"))
    CACHES["default"]["LOCATION"] = _redis  # noqa: F405

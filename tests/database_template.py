"""One migrated test database per test run, copied for every pytest-xdist worker.

Running the ~110 migrations takes about 20 s of CPU (most of it Django rendering the model states
between migrations), and every worker of every pass used to run them for its own test database:
eight times in `make test` (two databases, two passes, two workers). Now the first worker to need a
database migrates a template under a file lock; every worker then copies it (SQLite: the file; a
PostgreSQL: CREATE DATABASE … TEMPLATE), which takes well under a second. What the worker gets is
exactly what the migrations make, as before: the same migrations ran, once.

The template belongs to one run, named by DIANPU_TEST_RUN (scripts/test.sh sets it once for both
passes on a database; otherwise the first pytest process sets it); the controller drops it when the
run ends, unless DIANPU_TEST_KEEP_TEMPLATE=1 (scripts/test.sh keeps it for the serial pass).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections

RUN_VARIABLE = "DIANPU_TEST_RUN"
KEEP_VARIABLE = "DIANPU_TEST_KEEP_TEMPLATE"


def run_key() -> str:
    return os.environ.setdefault(RUN_VARIABLE, str(os.getpid()))


def _state_dir() -> Path:
    path = Path(settings.DATA_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _marker(alias: str) -> Path:
    return _state_dir() / f"test-template-{run_key()}-{alias}.ready"


@contextmanager
def _run_lock(name: str = "template") -> Iterator[None]:
    with open(_state_dir() / f"test-{name}-{run_key()}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_sqlite(alias: str) -> bool:
    return str(connections[alias].settings_dict["ENGINE"]).endswith("sqlite3")


def template_name(alias: str, worker: str = "") -> str:
    """The template's name, from the test database name without the worker's `_gwN` suffix."""
    connection = connections[alias]
    name = str(connection.creation._get_test_db_name())
    if worker and name.endswith(f"_{worker}"):
        name = name[: -len(worker) - 1]
    return f"{name}_template"


def _make_template(alias: str, name: str, verbosity: int) -> None:
    """Migrate a new test database called `name` (dropping one left by an earlier run)."""
    connection = connections[alias]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    real_name, real_test_name = connection.settings_dict["NAME"], test_settings.get("NAME")
    test_settings["NAME"] = name
    try:
        connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False)
    finally:
        connection.close()
        test_settings["NAME"] = real_test_name
        connection.settings_dict["NAME"] = real_name
        settings.DATABASES[alias]["NAME"] = real_name


def _copy(alias: str, source: str, target: str) -> None:
    connection = connections[alias]
    if _is_sqlite(alias):
        for leftover in (target, f"{target}-wal", f"{target}-shm"):
            Path(leftover).unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(source)}")


def _drop(alias: str, name: str) -> None:
    connection = connections[alias]
    if _is_sqlite(alias):
        for leftover in (name, f"{name}-wal", f"{name}-shm"):
            Path(leftover).unlink(missing_ok=True)
        return
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


# The worker's SQLite files, whose -wal and -shm Django leaves behind when it deletes the database.
_worker_files: list[str] = []


def remove_worker_leftovers() -> None:
    for name in _worker_files:
        for leftover in (f"{name}-wal", f"{name}-shm"):
            Path(leftover).unlink(missing_ok=True)


def set_up_worker_databases(
    aliases: set[str], serialized_aliases: set[str], worker: str, verbosity: int
) -> list[tuple[Any, str, bool]]:
    """What django.test.utils.setup_databases does, with the migrations run once per run: returns
    the same list, for django.test.utils.teardown_databases."""
    old_config = []
    for alias in sorted(aliases):
        connection = connections[alias]
        worker_name = str(connection.creation._get_test_db_name())
        with _run_lock():
            if not _marker(alias).exists():
                _make_template(alias, template_name(alias, worker), verbosity)
                _marker(alias).write_text(template_name(alias, worker))
            _copy(alias, _marker(alias).read_text(), worker_name)
        old_config.append((connection, connection.settings_dict["NAME"], True))
        if _is_sqlite(alias):
            _worker_files.append(worker_name)
        connection.close()
        settings.DATABASES[alias]["NAME"] = worker_name
        connection.settings_dict["NAME"] = worker_name
        if alias in serialized_aliases:
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
        call_command("createcachetable", database=alias)
        connection.ensure_connection()
    return old_config


def _migrated_data_dir() -> Path:
    return _state_dir() / f"test-data-dir-{run_key()}"


SQLITE_FILES = ("dianpu.sqlite3", "dianpu.sqlite3-wal", "dianpu.sqlite3-shm")


def fill_migrated_data_dir(data_dir: Path, env: dict[str, str], timeout: int = 300) -> None:
    """What `dianpu migrate --noinput` makes in a new, empty DIANPU_DATA_DIR on SQLite, for the tests
    that run `dianpu` in processes of its own (serve, worker, backup, restore).

    The migrations take ~20 s of CPU; five such tests each ran them, in both runs of `make test`.
    Now the first of them in a run runs the very same command (`dianpu migrate` with the caller's
    environment, only DIANPU_DATA_DIR changed) into a folder of the run, under a lock, and every test
    copies the database it made (not the secret key or the queue: each data dir makes its own)."""
    import subprocess
    import sys

    if env.get("DATABASE_URL"):
        raise ValueError("a migrated data dir is a SQLite one: DATABASE_URL must be empty")
    source = _migrated_data_dir()
    ready = source / "migrated.ready"
    with _run_lock("data-dir"):
        if not ready.exists():
            shutil.rmtree(source, ignore_errors=True)
            source.mkdir(parents=True)
            dianpu = str(Path(sys.executable).with_name("dianpu"))
            subprocess.run(
                [dianpu, "migrate", "--noinput", "-v", "0"],
                env={**env, "DIANPU_DATA_DIR": str(source)},
                check=True,
                timeout=timeout,
            )
            ready.touch()
        data_dir.mkdir(parents=True, exist_ok=True)
        for name in SQLITE_FILES:
            if (source / name).exists():
                shutil.copyfile(source / name, data_dir / name)


def drop_templates() -> None:
    """In the controller (or the only process) when the run ends: the run's templates, their
    markers and its migrated data dir go."""
    if os.environ.get(KEEP_VARIABLE) == "1":
        return
    for alias in connections:
        marker = _marker(alias)
        if marker.exists():
            _drop(alias, marker.read_text())
            marker.unlink()
    shutil.rmtree(_migrated_data_dir(), ignore_errors=True)
    for name in ("template", "data-dir"):
        (_state_dir() / f"test-{name}-{run_key()}.lock").unlink(missing_ok=True)

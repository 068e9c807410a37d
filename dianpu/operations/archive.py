"""Backup archives: one tar.gz with the database (SQLite's online backup API or `pg_dump -Fc`),
the media files, the secret key file and `manifest.json` (version, migrations, row counts per
table, the stock-ledger checksum), and their restore.

Consistency: on SQLite the counts are read from the snapshot the backup API wrote; on PostgreSQL
`pg_dump` reads the snapshot of our own REPEATABLE READ transaction (`pg_export_snapshot()`), and
the counts are read in that same transaction. Checkouts go on meanwhile.

Nothing is written to the final path until the archive is whole: it is built in `FILE.partial`
and renamed; any failure (a full disk too) removes the partial file.
"""

import errno
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from dianpu import __version__
from dianpu.core import clock
from dianpu.core.errors import DomainError

from .messages import MESSAGES

FORMAT = 1
DB_SQLITE, DB_PG = "database.sqlite3", "database.pgdump"


class BackupError(DomainError):
    status = 409

    def __init__(self, code: str, **params):
        self.params = {k: str(v) for k, v in params.items()}
        super().__init__(str(MESSAGES[code]) % params if params else str(MESSAGES[code]), code=code)


def database_kind() -> str:
    return "postgresql" if connections["default"].vendor == "postgresql" else "sqlite"


def known_migrations() -> list[str]:
    """Every migration this code has on disk, "app.name", sorted."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations)


# --- facts read from a database snapshot (any DB-API cursor) ------------------------------------


def _tables(cursor, kind: str) -> list[str]:
    if kind == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%_fts%' ORDER BY name"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def read_facts(cursor, kind: str) -> dict:
    """Row counts per table, applied migrations and the stock ledger, from one snapshot."""
    counts = {}
    for table in _tables(cursor, kind):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = int(cursor.fetchone()[0])
    migrations = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = sorted(f"{app}.{name}" for app, name in cursor.fetchall())
    return {"row_counts": counts, "migrations": migrations, **stock_ledger(cursor, counts)}


def stock_ledger(cursor, counts: dict) -> dict:
    """The checksum of the ledger's sums per SKU × warehouse, and whether every stock level
    equals the sum of its ledger."""
    if "inventory_stockmove" not in counts or "inventory_stocklevel" not in counts:
        return {"ledger_checksum": "", "ledger_matches_levels": True, "ledger_mismatches": 0}
    cursor.execute(
        "SELECT variant_id, warehouse_id, SUM(on_hand_delta), SUM(reserved_delta) "
        "FROM inventory_stockmove GROUP BY variant_id, warehouse_id ORDER BY variant_id, warehouse_id"
    )
    sums = {(int(v), int(w)): (int(h or 0), int(r or 0)) for v, w, h, r in cursor.fetchall()}
    cursor.execute("SELECT variant_id, warehouse_id, on_hand, reserved FROM inventory_stocklevel")
    levels = {(int(v), int(w)): (int(h), int(r)) for v, w, h, r in cursor.fetchall()}
    digest = hashlib.sha256()
    for key in sorted(sums):
        digest.update(f"{key[0]}:{key[1]}:{sums[key][0]}:{sums[key][1]}\n".encode())
    mismatches = sum(1 for key in set(sums) | set(levels) if sums.get(key, (0, 0)) != levels.get(key, (0, 0)))
    return {
        "ledger_checksum": digest.hexdigest(),
        "ledger_matches_levels": mismatches == 0,
        "ledger_mismatches": mismatches,
    }


# --- taking a backup -------------------------------------------------------------------------


def _snapshot_sqlite(target: Path) -> dict:
    source = sqlite3.connect(str(connections["default"].settings_dict["NAME"]), timeout=30)
    try:
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # one step: consistent under WAL, writers go on
            facts = read_facts(copy.cursor(), "sqlite")
        finally:
            copy.close()
    finally:
        source.close()
    return facts


def pg_dsn(alias: str = "default", name: str | None = None) -> str:
    """A libpq connection string for the database (password through PGPASSWORD, see pg_env)."""
    db = connections[alias].settings_dict
    parts = {
        "dbname": name or db["NAME"],
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
        "user": db.get("USER") or "",
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def pg_env() -> dict:
    env = dict(os.environ)
    if connections["default"].settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = connections["default"].settings_dict["PASSWORD"]
    return env


def _snapshot_postgresql(target: Path) -> dict:
    import psycopg

    with psycopg.connect(pg_dsn(), password=connections["default"].settings_dict.get("PASSWORD") or None) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            done = subprocess.run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(target),
                    pg_dsn(),
                ],
                env=pg_env(),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                if "No space left" in done.stderr:
                    raise OSError(errno.ENOSPC, done.stderr.strip())
                raise BackupError("dump_failed", reason=done.stderr.strip()[-300:])
            return read_facts(cursor, "postgresql")


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _open_archive(partial: Path):
    """The writer (its own seam: the tests make it fail as a full disk would)."""
    return tarfile.open(partial, "w:gz", compresslevel=6)


def create_backup(output: Path, *, progress=None) -> dict:
    """Write the archive to `output`; return its manifest. Raises BackupError (nothing left behind)."""
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    kind = database_kind()
    work = Path(tempfile.mkdtemp(prefix=".dianpu-backup-", dir=output.parent))
    try:
        db_file = work / (DB_SQLITE if kind == "sqlite" else DB_PG)
        facts = _snapshot_sqlite(db_file) if kind == "sqlite" else _snapshot_postgresql(db_file)
        media = _media_files()
        manifest = {
            "format": FORMAT,
            "dianpu_version": __version__,
            "created_at": clock.now().isoformat(),
            "database": kind,
            "database_file": db_file.name,
            "database_sha256": _sha256(db_file),
            "media_files": len(media),
            **facts,
        }
        secret = Path(settings.DATA_DIR) / "secret_key"
        with _open_archive(partial) as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(clock.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            if secret.is_file():
                tar.add(secret, arcname="secret_key")
            root = Path(settings.MEDIA_ROOT)
            for path in progress(media) if progress else media:
                tar.add(path, arcname=f"media/{path.relative_to(root).as_posix()}")
        os.replace(partial, output)
        return manifest
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise BackupError("disk_full", path=str(output.parent)) from exc
        raise BackupError("backup_failed", reason=str(exc)) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- reading and restoring ---------------------------------------------------------------------


@dataclass
class Unpacked:
    manifest: dict
    root: Path  # a directory holding the database file, media/ and secret_key

    @property
    def database(self) -> Path:
        return self.root / self.manifest["database_file"]


def unpack(archive: Path, into: Path) -> Unpacked:
    """Read the whole archive into `into` and check it: readable to the end, the manifest's format,
    version and migrations this code's, the database file's checksum. Refuses with BackupError."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError("backup_missing", path=str(archive))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise BackupError("disk_full", path=str(into)) from exc
        raise BackupError("backup_unreadable", reason=exc.__class__.__name__) from exc
    try:
        manifest = json.loads((into / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError("backup_unreadable", reason="manifest.json") from exc
    if manifest.get("format") != FORMAT or manifest.get("dianpu_version") != __version__:
        raise BackupError("backup_other_version", version=str(manifest.get("dianpu_version")))
    ours = known_migrations()
    if manifest.get("migrations") != ours:
        theirs = set(manifest.get("migrations") or [])
        differ = sorted(set(ours) ^ theirs)
        raise BackupError("backup_other_schema", migrations=", ".join(differ[:5]) + (" …" if len(differ) > 5 else ""))
    unpacked = Unpacked(manifest, into)
    if manifest.get("database") != database_kind():
        raise BackupError("backup_other_database", kind=str(manifest.get("database")))
    if not unpacked.database.is_file() or _sha256(unpacked.database) != manifest.get("database_sha256"):
        raise BackupError("backup_unreadable", reason=manifest.get("database_file", "database"))
    return unpacked


def store_is_empty() -> bool:
    if database_kind() == "sqlite":
        path = Path(connections["default"].settings_dict["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(str(path)) as conn:
            return conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='table'").fetchone()[0] == 0
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")
        return cursor.fetchone()[0] == 0


def check_restored(cursor, kind: str, manifest: dict) -> dict:
    """Compare a restored database with the manifest: row counts per table and the stock ledger."""
    facts = read_facts(cursor, kind)
    differ = {
        t: [manifest["row_counts"].get(t), facts["row_counts"].get(t)]
        for t in set(manifest["row_counts"]) | set(facts["row_counts"])
        if manifest["row_counts"].get(t) != facts["row_counts"].get(t)
    }
    return {
        "tables": len(facts["row_counts"]),
        "rows": sum(facts["row_counts"].values()),
        "count_differences": differ,
        "ledger_checksum_matches": facts["ledger_checksum"] == manifest["ledger_checksum"],
        "ledger_matches_levels": facts["ledger_matches_levels"],
        "ok": not differ and facts["ledger_checksum"] == manifest["ledger_checksum"] and facts["ledger_matches_levels"],
    }


def restore(archive: Path, *, overwrite: bool = False, progress=None) -> dict:
    """Put the archive's store in place of this one (empty, or `overwrite`). The archive is read and
    checked in full before anything here changes. Returns the check of the restored store."""
    if not overwrite and not store_is_empty():
        raise BackupError("store_not_empty")
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix=".dianpu-restore-", dir=data_dir) as scratch:
        unpacked = unpack(archive, Path(scratch))
        kind = unpacked.manifest["database"]
        connections.close_all()
        if kind == "sqlite":
            target = Path(connections["default"].settings_dict["NAME"])
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(unpacked.database, staged)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            os.replace(staged, target)
            with sqlite3.connect(str(target)) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                result = check_restored(conn.cursor(), kind, unpacked.manifest)
        else:
            done = subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    *(["--clean", "--if-exists"] if overwrite else []),
                    "-d",
                    pg_dsn(),
                    str(unpacked.database),
                ],
                env=pg_env(),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError("restore_failed", reason=done.stderr.strip()[-300:])
            with connections["default"].cursor() as cursor:
                result = check_restored(cursor, kind, unpacked.manifest)
        media_src = unpacked.root / "media"
        if media_src.is_dir():
            media_root = Path(settings.MEDIA_ROOT)
            files = sorted(p for p in media_src.rglob("*") if p.is_file())
            for path in progress(files) if progress else files:
                dest = media_root / path.relative_to(media_src)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)
        secret = unpacked.root / "secret_key"
        if secret.is_file() and not os.environ.get("SECRET_KEY"):
            shutil.copyfile(secret, data_dir / "secret_key")
            (data_dir / "secret_key").chmod(0o600)
    return {**result, "manifest": unpacked.manifest}


def check_archive(archive: Path, scratch: Path) -> dict:
    """The restore check: restore the archive into `scratch` (a SQLite file, or a scratch
    PostgreSQL database dropped afterwards) and compare it with its manifest."""
    unpacked = unpack(archive, scratch)
    if unpacked.manifest["database"] == "sqlite":
        with sqlite3.connect(str(unpacked.database)) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            result = check_restored(conn.cursor(), "sqlite", unpacked.manifest)
        result["integrity"] = integrity
        result["ok"] = result["ok"] and integrity == "ok"
        return result
    import psycopg

    name = f"{connections['default'].settings_dict['NAME']}_restorecheck"[:63]
    password = connections["default"].settings_dict.get("PASSWORD") or None
    with psycopg.connect(pg_dsn(name="postgres"), password=password, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        done = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "-d",
                pg_dsn(name=name),
                str(unpacked.database),
            ],
            env=pg_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError("restore_failed", reason=done.stderr.strip()[-300:])
        with psycopg.connect(pg_dsn(name=name), password=password) as conn, conn.cursor() as cursor:
            return check_restored(cursor, "postgresql", unpacked.manifest)
    finally:
        with psycopg.connect(pg_dsn(name="postgres"), password=password, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

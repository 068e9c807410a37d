"""Operations use cases: backups (recorded, pruned, copied off-site), the restore check, the
worker's heartbeat, scheduled jobs' runs, request figures. Each writes its record in a short
transaction of its own; nothing waits on the network inside one."""

import logging
import os
import socket
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from dianpu.core import clock

from . import archive, s3
from .messages import MESSAGES
from .models import BackupRun, Heartbeat, JobRun, LinkCheck, LinkProblem, RequestStat, ScheduledSlot

log = logging.getLogger(__name__)
STATS_KEEP = timedelta(days=2)


Progress = Callable[..., Any]  # told how far a backup or restore has gone


def backup_name(at: datetime) -> str:
    return f"dianpu-{at.strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


def take_backup(output: Path | None = None, *, progress: Progress | None = None, offsite: bool = True) -> BackupRun:
    """Write a backup (to `output`, or BACKUP_DIR/dianpu-<time>.tar.gz), record how it went, copy it
    off-site when S3 is configured, drop scheduled backups older than BACKUP_KEEP_DAYS.
    Raises archive.BackupError after recording the failure."""
    started = clock.now()
    output = Path(output) if output else Path(settings.BACKUP_DIR) / backup_name(started)
    run = BackupRun.objects.create(kind=BackupRun.Kind.BACKUP, started_at=started, path=str(output))
    try:
        manifest = archive.create_backup(output, progress=progress)
    except archive.BackupError as exc:
        BackupRun.objects.filter(pk=run.pk).update(
            status=BackupRun.Status.FAILED,
            finished_at=clock.now(),
            error_code=exc.code,
            error=str(exc.detail),
            summary={"error_params": exc.params},
        )
        log.error("backup failed", extra={"code": exc.code, "path": str(output)})
        raise
    summary = {
        "rows": sum(manifest["row_counts"].values()),
        "tables": len(manifest["row_counts"]),
        "media_files": manifest["media_files"],
        "ledger_checksum": manifest["ledger_checksum"],
        "ledger_matches_levels": manifest["ledger_matches_levels"],
        "database": manifest["database"],
    }
    BackupRun.objects.filter(pk=run.pk).update(
        status=BackupRun.Status.OK, finished_at=clock.now(), size_bytes=output.stat().st_size, summary=summary
    )
    if offsite and settings.BACKUP_S3_ENDPOINT and settings.BACKUP_S3_BUCKET:
        copy_offsite(run.pk, output)
    prune_backups()
    run.refresh_from_db()
    return run


def copy_offsite(run_id: int, path: Path) -> str:
    """PUT the file to the S3-compatible bucket; the outcome is written on the run (and shown on
    the status page). A server that is down leaves the local backup as it is."""
    key = f"{settings.BACKUP_S3_PREFIX}{path.name}"
    try:
        where = s3.put_object(
            endpoint=settings.BACKUP_S3_ENDPOINT,
            bucket=settings.BACKUP_S3_BUCKET,
            key=key,
            path=path,
            access_key=settings.BACKUP_S3_ACCESS_KEY,
            secret_key=settings.BACKUP_S3_SECRET_KEY,
            region=settings.BACKUP_S3_REGION,
            now=clock.now(),
        )
        outcome = f"ok: {where}"
    except Exception as exc:  # down, refused, timed out: recorded, the local copy stays
        outcome = f"failed: {str(MESSAGES['offsite_failed']) % {'reason': exc}}"[:200]
        log.error("backup off-site copy failed", extra={"error": str(exc)[:200]})
    BackupRun.objects.filter(pk=run_id).update(offsite=outcome)
    return outcome


def prune_backups() -> list[str]:
    """Delete backup files in BACKUP_DIR older than BACKUP_KEEP_DAYS (by the time in their name)."""
    cutoff = clock.now() - timedelta(days=settings.BACKUP_KEEP_DAYS)
    removed = []
    for path in Path(settings.BACKUP_DIR).glob("dianpu-*.tar.gz"):
        run = BackupRun.objects.filter(path=str(path), kind=BackupRun.Kind.BACKUP).order_by("-started_at").first()
        if run is not None and run.started_at < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def restore_backup(path: Path, *, overwrite: bool = False, progress: Progress | None = None) -> dict[str, Any]:
    """`dianpu restore`: put the archive in place (archive.restore refuses bad archives and a store
    with data unless `overwrite`), then close the backup's own run, caught mid-way in its snapshot,
    and write the restore to the audit log of the restored store."""
    from dianpu.audit.services import record_audit

    result = archive.restore(path, overwrite=overwrite, progress=progress)
    manifest = result["manifest"]
    name = Path(path).name
    for run in BackupRun.objects.filter(status=BackupRun.Status.RUNNING):
        ours = Path(run.path).name == name
        BackupRun.objects.filter(pk=run.pk).update(
            status=BackupRun.Status.OK if ours else BackupRun.Status.FAILED,
            finished_at=run.started_at,
            error_code="" if ours else "interrupted",
            summary={"restored_from_this_backup": ours} if ours else {},
        )
    record_audit(
        actor=None,
        action="operations.backup_restored",
        object_type="backup",
        object_id=name[:64],
        object_repr=name[:200],
        changes={"created_at": ("", manifest["created_at"]), "rows": ("", str(result["rows"]))},
    )
    return result


def latest_backup_file() -> Path | None:
    for run in BackupRun.objects.filter(kind=BackupRun.Kind.BACKUP, status=BackupRun.Status.OK).order_by("-started_at")[
        :20
    ]:
        if Path(run.path).is_file():
            return Path(run.path)
    return None


def run_restore_check(path: Path | None = None) -> BackupRun:
    """Restore the latest backup into a scratch place, compare row counts and the stock ledger
    with its manifest, and record the verdict."""
    path = path or latest_backup_file()
    run = BackupRun.objects.create(kind=BackupRun.Kind.RESTORE_CHECK, started_at=clock.now(), path=str(path or ""))
    if path is None:
        BackupRun.objects.filter(pk=run.pk).update(
            status=BackupRun.Status.FAILED,
            finished_at=clock.now(),
            error_code="no_backup",
            error=str(MESSAGES["no_backup"]),
        )
    else:
        try:
            Path(settings.BACKUP_DIR).mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix=".restore-check-", dir=settings.BACKUP_DIR) as scratch:
                result = archive.check_archive(path, Path(scratch))
            ok = result["ok"]
            BackupRun.objects.filter(pk=run.pk).update(
                status=BackupRun.Status.OK if ok else BackupRun.Status.FAILED,
                finished_at=clock.now(),
                summary=result,
                error_code="" if ok else "restore_check_differs",
                error="" if ok else f"{result['count_differences']} ledger={result['ledger_checksum_matches']}"[:2000],
            )
        except archive.BackupError as exc:
            BackupRun.objects.filter(pk=run.pk).update(
                status=BackupRun.Status.FAILED,
                finished_at=clock.now(),
                error_code=exc.code,
                error=str(exc.detail),
                summary={"error_params": exc.params},
            )
    run.refresh_from_db()
    return run


# --- the worker ----------------------------------------------------------------------------------


def beat(name: str = "worker") -> None:
    detail = f"{socket.gethostname()} pid {os.getpid()}"
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": clock.now(), "detail": detail})


def record_job(name: str, *, started: bool = False, failed: bool = False, error: str = "") -> None:
    """One place for every scheduled job's run (the huey signal handler calls it)."""
    now = clock.now()
    name = name[:120]
    JobRun.objects.get_or_create(name=name)
    if started:
        JobRun.objects.filter(name=name).update(last_started_at=now)
    elif failed:
        JobRun.objects.filter(name=name).update(
            last_finished_at=now,
            last_status="failed",
            last_error=error[:2000],
            runs=F("runs") + 1,
            failures=F("failures") + 1,
            last_failed_at=now,
        )
    else:
        JobRun.objects.filter(name=name).update(last_finished_at=now, last_status="ok", runs=F("runs") + 1)


def take_slot(name: str, slot: datetime) -> bool:
    """True for the one worker that runs `name` for this scheduled minute; False for any other."""
    try:
        with transaction.atomic():
            ScheduledSlot.objects.create(
                name=name[:120], slot=slot, taken_at=clock.now(), taken_by=f"{socket.gethostname()}:{os.getpid()}"
            )
        return True
    except IntegrityError:
        return False


def prune_records() -> None:
    """Request figures and run-once slots older than two days go."""
    cutoff = clock.now() - STATS_KEEP
    RequestStat.objects.filter(minute__lt=cutoff).delete()
    ScheduledSlot.objects.filter(taken_at__lt=cutoff).delete()


def flush_request_stats() -> int:
    """Add this process's per-minute request figures to the table (called by the middleware)."""
    from datetime import datetime, timezone

    from .middleware import take_pending

    pending = take_pending()
    for (minute_ts, route, status_class), (count, total_ms, max_ms) in pending.items():
        minute = datetime.fromtimestamp(minute_ts, tz=timezone.utc)
        match = RequestStat.objects.filter(minute=minute, route=route, status_class=status_class)
        if match.update(
            count=F("count") + count, total_ms=F("total_ms") + total_ms, max_ms=Greatest(F("max_ms"), max_ms)
        ):
            continue
        try:
            with transaction.atomic():
                RequestStat.objects.create(
                    minute=minute, route=route, status_class=status_class, count=count, total_ms=total_ms, max_ms=max_ms
                )
        except IntegrityError:  # another process made the row first
            match.update(
                count=F("count") + count, total_ms=F("total_ms") + total_ms, max_ms=Greatest(F("max_ms"), max_ms)
            )
    return len(pending)


MAX_PROBLEMS_KEPT = 1000
LINK_CHECKS_KEPT = 30


def run_link_check(max_pages: int | None = None) -> LinkCheck:
    """Crawl the storefront for broken links and missing images; keep the findings (bounded) and
    the last LINK_CHECKS_KEPT runs."""
    from . import linkcheck

    check = LinkCheck.objects.create(started_at=clock.now())
    result = linkcheck.crawl(max_pages or settings.LINK_CHECK_MAX_PAGES)
    LinkProblem.objects.bulk_create(
        [
            LinkProblem(check_run=check, page=f.page[:500], target=f.target[:500], kind=f.kind, status=f.status)
            for f in result.problems[:MAX_PROBLEMS_KEPT]
        ]
    )
    LinkCheck.objects.filter(pk=check.pk).update(
        finished_at=clock.now(),
        pages=result.pages,
        links=result.links,
        truncated=result.truncated or len(result.problems) > MAX_PROBLEMS_KEPT,
    )
    old = LinkCheck.objects.order_by("-started_at").values_list("pk", flat=True)[
        LINK_CHECKS_KEPT : LINK_CHECKS_KEPT + 100
    ]
    LinkCheck.objects.filter(pk__in=list(old)).delete()
    check.refresh_from_db()
    return check

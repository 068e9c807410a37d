"""What the status page, its JSON and /metrics read. Every check answers; none raises."""

import shutil
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Sum

from dianpu.core import clock

from .models import BackupRun, Heartbeat, JobRun, LinkCheck, RequestStat

HEARTBEAT_STALE = timedelta(minutes=3)
BACKUP_STALE = timedelta(hours=26)
SLOWEST = 10
JOBS_SHOWN = 100


def _check(fn) -> dict:
    try:
        return {"ok": True, **(fn() or {})}
    except Exception as exc:  # the status page reports what is broken, it does not break
        return {"ok": False, "error": exc.__class__.__name__}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _cache():
    key = "dianpu:status:probe"
    cache.set(key, "1", 30)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not keep a value")
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _queue():
    from huey.contrib.djhuey import HUEY

    return {"pending": HUEY.pending_count(), "scheduled": HUEY.scheduled_count()}


def queue_depth() -> int | None:
    try:
        from huey.contrib.djhuey import HUEY

        return HUEY.pending_count()
    except Exception:
        return None


def _error_text(run: BackupRun) -> str:
    """The run's error in the reader's language when its code is ours (the stored text is in the
    language of whoever ran it)."""
    from .messages import MESSAGES

    if run.error_code in MESSAGES:
        try:
            return (
                str(MESSAGES[run.error_code]) % (run.summary.get("error_params") or {})
                if "%(" in str(MESSAGES[run.error_code])
                else str(MESSAGES[run.error_code])
            )
        except (KeyError, TypeError, ValueError):
            return run.error
    return run.error


def _run_dict(run: BackupRun | None) -> dict | None:
    if run is None:
        return None
    return {
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "path": run.path,
        "size_bytes": run.size_bytes,
        "error_code": run.error_code,
        "error": _error_text(run),
        "offsite": run.offsite,
        "summary": run.summary,
    }


def _disk() -> dict:
    usage = shutil.disk_usage(settings.DATA_DIR)
    return {
        "path": str(settings.DATA_DIR),
        "total_bytes": usage.total,
        "free_bytes": usage.free,
        "free_percent": round(usage.free * 100 / usage.total, 1) if usage.total else 0,
    }


def request_figures(since) -> dict:
    rows = RequestStat.objects.filter(minute__gte=since)
    total = rows.aggregate(n=Sum("count"))["n"] or 0
    errors = rows.filter(status_class="5xx").aggregate(n=Sum("count"))["n"] or 0
    slowest = (
        rows.values("route")
        .annotate(n=Sum("count"), total_ms=Sum("total_ms"), max_ms=Max("max_ms"))
        .order_by("-max_ms")[:SLOWEST]
    )
    return {
        "requests": total,
        "server_errors": errors,
        "error_rate_percent": round(errors * 100 / total, 2) if total else 0.0,
        "slowest": [
            {
                "route": r["route"],
                "requests": r["n"],
                "avg_ms": round(r["total_ms"] / r["n"], 1) if r["n"] else 0,
                "max_ms": round(r["max_ms"], 1),
            }
            for r in slowest
        ],
    }


def get_status() -> dict:
    now = clock.now()
    beat = Heartbeat.objects.filter(name="worker").first()
    last_backup = (
        BackupRun.objects.filter(kind=BackupRun.Kind.BACKUP)
        .exclude(status=BackupRun.Status.RUNNING)
        .order_by("-started_at")
        .first()
    )
    last_ok_backup = (
        BackupRun.objects.filter(kind=BackupRun.Kind.BACKUP, status=BackupRun.Status.OK).order_by("-started_at").first()
    )
    last_check = (
        BackupRun.objects.filter(kind=BackupRun.Kind.RESTORE_CHECK)
        .exclude(status=BackupRun.Status.RUNNING)
        .order_by("-started_at")
        .first()
    )
    links = LinkCheck.objects.exclude(finished_at=None).order_by("-started_at").annotate(n=Count("problems")).first()
    jobs = [
        {
            "name": j.name,
            "last_started_at": j.last_started_at and j.last_started_at.isoformat(),
            "last_finished_at": j.last_finished_at and j.last_finished_at.isoformat(),
            "last_status": j.last_status,
            "runs": j.runs,
            "failures": j.failures,
            "last_error": j.last_error,
            "last_failed_at": j.last_failed_at and j.last_failed_at.isoformat(),
        }
        for j in JobRun.objects.order_by("-last_failed_at", "name")[:JOBS_SHOWN]
    ]
    worker_alive = beat is not None and now - beat.seen_at <= HEARTBEAT_STALE
    problems = []
    checks = {"database": _check(_database), "cache": _check(_cache), "queue": _check(_queue)}
    problems += [f"{name}_unreachable" for name, c in checks.items() if not c["ok"]]
    if not worker_alive:
        problems.append("worker_silent")
    if last_backup is not None and last_backup.status == BackupRun.Status.FAILED:
        problems.append(f"backup_failed:{last_backup.error_code}")
    if last_ok_backup is None or now - last_ok_backup.started_at > BACKUP_STALE:
        problems.append("no_recent_backup")
    if last_ok_backup is not None and last_ok_backup.offsite.startswith("failed"):
        problems.append("offsite_copy_failed")
    if last_check is not None and last_check.status == BackupRun.Status.FAILED:
        problems.append(f"restore_check_failed:{last_check.error_code}")
    problems += [f"job_failed:{j['name']}" for j in jobs if j["last_status"] == "failed"]
    disk = _check(_disk)
    if disk.get("ok") and disk["free_percent"] < 10:
        problems.append("disk_low")
    return {
        "time": now.isoformat(),
        "ok": not problems,
        "problems": problems,
        "checks": checks,
        "worker": {
            "alive": worker_alive,
            "last_seen": beat.seen_at.isoformat() if beat else None,
            "detail": beat.detail if beat else "",
            "queue_depth": checks["queue"].get("pending"),
        },
        "jobs": jobs,
        "backup": {
            "last": _run_dict(last_backup),
            "last_ok": _run_dict(last_ok_backup),
            "keep_days": settings.BACKUP_KEEP_DAYS,
        },
        "restore_check": _run_dict(last_check),
        "last_hour": request_figures(now - timedelta(hours=1)),
        "disk": disk,
        "link_check": (
            {"started_at": links.started_at.isoformat(), "pages": links.pages, "problems": links.n} if links else None
        ),
    }


def metric_figures() -> list[tuple[str, str, str, list]]:
    """Figures shared by every process, for /metrics (read at scrape time, cached 15 s)."""
    cached = cache.get("dianpu:metrics:figures")
    if cached is not None:
        return cached
    from dianpu.orders.models import Order
    from dianpu.payments.models import Payment

    orders = [
        ({"status": r["status"]}, r["n"])
        for r in Order.objects.values("status").annotate(n=Count("id")).order_by("status")
    ]
    payments = [
        ({"gateway": r["gateway"], "status": r["status"]}, r["n"])
        for r in Payment.objects.values("gateway", "status").annotate(n=Count("id")).order_by("gateway", "status")
    ]
    jobs = [({"job": j.name}, j.failures) for j in JobRun.objects.order_by("name")[:JOBS_SHOWN]]
    depth = queue_depth()
    last_ok = (
        BackupRun.objects.filter(kind=BackupRun.Kind.BACKUP, status=BackupRun.Status.OK).order_by("-started_at").first()
    )
    beat = Heartbeat.objects.filter(name="worker").first()
    figures = [
        ("dianpu_orders", "gauge", "Orders by status.", orders),
        ("dianpu_payments", "gauge", "Payments by gateway and status.", payments),
        ("dianpu_queue_depth", "gauge", "Jobs waiting in the queue.", [({}, depth)] if depth is not None else []),
        ("dianpu_job_failures_total", "counter", "Failed runs per job.", jobs),
        (
            "dianpu_last_backup_timestamp_seconds",
            "gauge",
            "When the last good backup was taken.",
            [({}, int(last_ok.started_at.timestamp()))] if last_ok else [],
        ),
        (
            "dianpu_worker_heartbeat_timestamp_seconds",
            "gauge",
            "The worker's last heartbeat.",
            [({}, int(beat.seen_at.timestamp()))] if beat else [],
        ),
    ]
    cache.set("dianpu:metrics:figures", figures, 15)
    return figures

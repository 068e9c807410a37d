"""What the owner's status page reads: backups and restore checks, scheduled jobs' runs, the
worker's heartbeat, request timings per minute (bounded), storefront link checks."""

from django.db import models


class BackupRun(models.Model):
    """One backup or one restore check, with how it ended."""

    class Kind(models.TextChoices):
        BACKUP = "backup", "备份"
        RESTORE_CHECK = "restore_check", "恢复检查"

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        OK = "ok", "成功"
        FAILED = "failed", "失败"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    error_code = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    offsite = models.CharField(max_length=200, blank=True)  # "" (not configured), "ok: s3://…", "failed: …"
    summary = models.JSONField(default=dict, blank=True)  # row counts compared, ledger checksum…

    class Meta:
        indexes = [models.Index(fields=["kind", "-started_at"])]
        permissions = [("view_operations_status", "Can see the shop's operational status and checks")]


class JobRun(models.Model):
    """The last run of one scheduled job (one row per task name, updated in place)."""

    name = models.CharField(max_length=120, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=10, blank=True)  # ok | failed
    last_error = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField(null=True, blank=True)


class ScheduledSlot(models.Model):
    """A periodic job's run for one scheduled minute: the unique key makes it run once, however
    many workers run the scheduler."""

    name = models.CharField(max_length=120)
    slot = models.DateTimeField()
    taken_at = models.DateTimeField(db_index=True)
    taken_by = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="one_run_per_job_slot")]


class Heartbeat(models.Model):
    """The worker's pulse, written every minute by a periodic job."""

    name = models.CharField(max_length=40, unique=True)
    seen_at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)


class RequestStat(models.Model):
    """Requests per minute × route × status class (flushed from each web process); kept 2 days."""

    minute = models.DateTimeField()
    route = models.CharField(max_length=120)
    status_class = models.CharField(max_length=3)  # 2xx 3xx 4xx 5xx
    count = models.PositiveIntegerField(default=0)
    total_ms = models.FloatField(default=0)
    max_ms = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["minute", "route", "status_class"], name="one_stat_per_minute_route")
        ]
        indexes = [models.Index(fields=["minute"])]


class LinkCheck(models.Model):
    """One crawl of the storefront for broken links and missing images."""

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    links = models.PositiveIntegerField(default=0)
    truncated = models.BooleanField(default=False)  # stopped at the page bound


class LinkProblem(models.Model):
    check_run = models.ForeignKey(LinkCheck, on_delete=models.CASCADE, related_name="problems")
    page = models.CharField(max_length=500)
    target = models.CharField(max_length=500)
    kind = models.CharField(max_length=10)  # link | image
    status = models.PositiveSmallIntegerField()

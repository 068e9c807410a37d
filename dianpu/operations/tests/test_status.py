"""The owner's status page and its JSON, /metrics, request timing, job runs recorded once, and
scheduled jobs that run once however many workers run the scheduler."""

from datetime import datetime, timedelta, timezone

import pytest
from django.test import Client
from huey import crontab
from huey.api import PeriodicTask
from huey.exceptions import CancelExecution

from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.operations import hooks, metrics, middleware, queries, services
from dianpu.operations.models import BackupRun, JobRun, RequestStat, ScheduledSlot
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


def test_the_status_json_is_the_owners_and_says_what_is_wrong(staff_api):
    BackupRun.objects.create(
        kind="backup", status="failed", started_at=clock.now(), error_code="disk_full", error="磁盘空间不足，备份未完成"
    )
    services.record_job("dianpu.competitors.tasks.fetch_competitor_pages", failed=True, error="TimeoutError: slow")
    assert staff_api("finance").get("status").status_code == 403
    response = staff_api("owner").get("status")
    assert response.status_code == 200
    status = response.json()
    assert status["checks"]["database"]["ok"] and status["checks"]["cache"]["ok"] and status["checks"]["queue"]["ok"]
    assert status["ok"] is False
    assert {
        "worker_silent",
        "backup_failed:disk_full",
        "no_recent_backup",
        "job_failed:dianpu.competitors.tasks.fetch_competitor_pages",
    } <= set(status["problems"])
    assert status["disk"]["free_bytes"] > 0
    services.beat()
    services.record_job("dianpu.competitors.tasks.fetch_competitor_pages")
    assert "worker_silent" not in queries.get_status()["problems"]
    job = JobRun.objects.get()
    assert (job.runs, job.failures, job.last_status) == (2, 1, "ok")


def test_the_status_page_shows_the_last_backup_failure_and_the_slowest_pages(client, staff):
    BackupRun.objects.create(
        kind="backup",
        status="failed",
        started_at=clock.now(),
        error_code="disk_full",
        error="磁盘空间不足，备份未完成（/srv/backups），未完成的文件已删除。",
        summary={"error_params": {"path": "/srv/backups"}},
    )
    minute = clock.now().replace(second=0, microsecond=0)
    RequestStat.objects.create(
        minute=minute, route="storefront:product", status_class="2xx", count=9, total_ms=900, max_ms=450
    )
    RequestStat.objects.create(
        minute=minute, route="storefront:product", status_class="5xx", count=1, total_ms=30, max_ms=30
    )
    client.force_login(staff("owner"))
    page = client.get("/console/status/").content.decode()
    assert "磁盘空间不足，备份未完成" in page and "storefront:product" in page and "450.0" in page
    assert "10.0%" in page  # 1 server error in 10 requests
    client.cookies["dianpu_language"] = "en"
    page = client.get("/console/status/").content.decode()
    assert "System status" in page and "Not enough disk space: the backup was not completed (/srv/backups)" in page
    assert "Slowest pages" in page and "Last restore check" in page
    del client.cookies["dianpu_language"]
    client.force_login(staff("operator"))
    assert client.get("/console/status/").status_code == 403


def test_request_timings_are_flushed_per_minute_and_route():
    middleware.take_pending()
    metrics.reset()
    Client().get("/healthz")
    Client().get("/healthz")
    Client().get("/no-such-page-at-all/")
    assert services.flush_request_stats() >= 2
    rows = {(r.route, r.status_class): r.count for r in RequestStat.objects.all()}
    assert rows[("system:healthz", "2xx")] == 2
    assert sum(n for (route, cls), n in rows.items() if cls == "4xx") == 1
    assert "no-such-page-at-all" not in str(rows)  # routes are URL names, never raw paths


def test_metrics_need_the_token(settings):
    client = Client()
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "s3cret-metrics"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    make_product(stock=3, skus=["MT-1"])
    place_test_order({"MT-1": 1})
    metrics.reset()
    client.get("/healthz")
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'dianpu_http_requests_total{route="system:healthz",method="GET",status="200"} 1' in text
    assert 'dianpu_http_request_duration_seconds_bucket{route="system:healthz",le="+Inf"} 1' in text
    assert 'dianpu_orders{status="pending_payment"} 1' in text
    assert "# TYPE dianpu_queue_depth gauge" in text and "dianpu_job_failures_total" in text


class EveryMinute(PeriodicTask):
    name = "tests.every_minute"

    def validate_datetime(self, timestamp):
        return crontab(minute="*/10")(timestamp)


def test_a_scheduled_run_is_taken_by_one_worker_only(monkeypatch):
    """Two schedulers enqueue the same periodic job; the second worker to pick it up cancels it,
    even a minute later, because both map it to the minute its schedule fired."""
    monkeypatch.setattr(hooks.HUEY, "_get_timestamp", lambda: datetime(2026, 12, 7, 10, 20, 5))
    hooks.run_once(EveryMinute())
    monkeypatch.setattr(hooks.HUEY, "_get_timestamp", lambda: datetime(2026, 12, 7, 10, 21, 1))
    with pytest.raises(CancelExecution):
        hooks.run_once(EveryMinute())
    monkeypatch.setattr(hooks.HUEY, "_get_timestamp", lambda: datetime(2026, 12, 7, 10, 30, 0))
    hooks.run_once(EveryMinute())  # the next scheduled minute runs again
    assert sorted(ScheduledSlot.objects.values_list("slot", flat=True)) == [
        datetime(2026, 12, 7, 10, 20, tzinfo=timezone.utc),
        datetime(2026, 12, 7, 10, 30, tzinfo=timezone.utc),
    ]


def test_periodic_jobs_record_their_runs_through_the_signal_handler():
    from dianpu.operations.tasks import worker_heartbeat

    worker_heartbeat()
    job = JobRun.objects.get(name__endswith="worker_heartbeat")
    assert (job.runs, job.last_status) == (1, "ok")
    assert queries.get_status()["worker"]["alive"]
    old = clock.now() - timedelta(minutes=10)
    from dianpu.operations.models import Heartbeat

    Heartbeat.objects.update(seen_at=old)
    assert "worker_silent" in queries.get_status()["problems"]


def test_the_scheduled_backup_and_restore_check_run_from_the_worker_and_show_on_the_status_page(
    settings, tmp_path, monkeypatch
):
    from dianpu.operations import archive
    from dianpu.operations.tasks import nightly_backup, restore_check

    settings.BACKUP_DIR = tmp_path
    nightly_backup()
    restore_check()
    status = queries.get_status()
    assert status["backup"]["last"]["status"] == "ok" and status["restore_check"]["status"] == "ok"
    assert not {"no_recent_backup", "backup_failed:disk_full"} & set(status["problems"])
    assert len(list(tmp_path.glob("dianpu-*.tar.gz"))) == 1

    def full_disk(partial):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive, "_open_archive", full_disk)
    nightly_backup()  # the job fails (huey records the error; inline it does not raise here)
    status = queries.get_status()
    assert "backup_failed:disk_full" in status["problems"]
    assert JobRun.objects.get(name__endswith="nightly_backup").failures == 1
    assert not list(tmp_path.glob("*.partial"))

"""The `dianpu` command: Django's commands, `serve` (the production server) and `worker`."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import database_template

pytestmark = pytest.mark.long
DIANPU = str(Path(sys.executable).with_name("dianpu"))


@pytest.fixture
def data_dir(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dianpu.settings",
        "DIANPU_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "DEBUG": "0",
        "DIANPU_HTTPS": "0",
        "LOG_LEVEL": "WARNING",
    }
    database_template.fill_migrated_data_dir(tmp_path, env)  # `dianpu migrate`, once per run
    return tmp_path, env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    return None


def test_serve_answers_healthz(data_dir):
    _path, env = data_dir
    port = free_port()
    server = subprocess.Popen(
        [DIANPU, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def healthz():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            return response.status, json.loads(response.read())
        except OSError:
            return None

    try:
        status, body = wait_for(healthz)
        assert status == 200 and body["status"] == "ok"
        assert body["checks"] == {"database": "ok", "queue": "ok"}
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_worker_sends_the_order_confirmation_queued_by_a_checkout(data_dir):
    path, env = data_dir
    place = """
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.tests.builders import place_test_order
make_product(skus=["W-1"], stock=5)
print(place_test_order({"W-1": 1}, email="worker-test@example.com").number)
"""
    placed = subprocess.run([DIANPU, "shell", "-c", place], env=env, capture_output=True, text=True, timeout=120)
    number = placed.stdout.strip().splitlines()[-1]
    worker = subprocess.Popen(
        [DIANPU, "worker", "--workers", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        outbox = path / "outbox"
        mail = wait_for(
            lambda: (
                [p for p in outbox.glob("*.log") if number in p.read_text(errors="ignore")] if outbox.exists() else None
            )
        )
        assert mail, "the worker did not send the confirmation"
        text = mail[0].read_text(errors="ignore")
        assert "worker-test@example.com" in text
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def test_the_worker_stops_on_sigterm_within_its_grace_period_in_the_middle_of_an_import(data_dir):
    """A long product import is running; SIGTERM stops the worker within DIANPU_WORKER_GRACE
    seconds, the import's transaction rolls back, and the job is queued again."""
    import signal
    import sqlite3

    path, env = data_dir
    env = {**env, "DIANPU_WORKER_GRACE": "5"}
    queue = """
from dianpu.catalog import imports, tasks
from dianpu.catalog.spreadsheets import write_csv
rows = [[f"p{i}", f"商品{i}", f"S-{i}", "10"] for i in range(200000)]
job = imports.create_import_job(actor=None, filename="big.csv", data=write_csv(["handle", "name", "sku", "price"], rows),
                                schedule=tasks.run_import_job)
print(job.pk)
"""
    queued = subprocess.run([DIANPU, "shell", "-c", queue], env=env, capture_output=True, text=True, timeout=180)
    job_id = int(queued.stdout.strip().splitlines()[-1])

    def state():
        with sqlite3.connect(path / "dianpu.sqlite3", timeout=5) as db:
            return db.execute("SELECT state FROM catalog_importjob WHERE id = ?", (job_id,)).fetchone()[0]

    worker = subprocess.Popen(
        [DIANPU, "worker", "--workers", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert wait_for(lambda: state() == "running", seconds=120), "the worker did not start the import"
        time.sleep(1)  # well inside the import (reading and checking 200,000 rows takes far longer)
        assert state() == "running"
        stopped_at = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        assert time.monotonic() - stopped_at < 5 + 1
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert state() == "queued"  # it runs again when a worker starts
    with sqlite3.connect(path / "dianpu.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM catalog_product").fetchone()[0] == 0


def test_the_worker_kills_a_consumer_that_does_not_stop_within_the_grace_period():
    """A job stuck where Python cannot run a signal handler (deep in C code) must not keep the
    worker alive: after DIANPU_WORKER_GRACE seconds the consumer is killed."""
    import signal

    deaf = [
        sys.executable,
        "-c",
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\nprint('ready', flush=True)\n"
        "time.sleep(120)",
    ]
    supervisor = subprocess.Popen(
        [sys.executable, "-c", f"import sys\nfrom dianpu.cli import _worker\nsys.exit(_worker([], command={deaf!r}))"],
        env={**os.environ, "DIANPU_WORKER_GRACE": "2"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert supervisor.stdout.readline().strip() == "ready"
        stopped_at = time.monotonic()
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=20) == 128 + signal.SIGTERM
        assert 2 <= time.monotonic() - stopped_at < 2 + 1.5
    finally:
        if supervisor.poll() is None:
            supervisor.kill()

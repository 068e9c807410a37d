"""The several-machines set-up on this machine: one PostgreSQL, one Redis, two `dianpu serve` on
different ports and two `dianpu worker`, both running the scheduler (docs/deploy/). Buyers race
for the last unit through both servers; every scheduled job runs once per scheduled minute.

It runs once per suite: in the PostgreSQL run (or anywhere with DIANPU_TEST_SEVERAL_MACHINES=1).
Skipped, with the reason, when PostgreSQL or Redis does not answer on this machine."""

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.several_machines]
DIANPU = str(Path(sys.executable).with_name("dianpu"))
# The server the suite's PostgreSQL run uses (its maintenance database), or the local one.
_SUITE_DB = os.environ.get("DATABASE_URL", "")
PG = os.environ.get("DIANPU_TEST_PG_ADMIN") or (
    _SUITE_DB.rsplit("/", 1)[0] + "/postgres"
    if _SUITE_DB.startswith("postgres")
    else "postgresql://root@127.0.0.1:5432/postgres"
)
REDIS = os.environ.get("DIANPU_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
ADDRESS = {
    "name": "张三",
    "phone": "13800138000",
    "country": "CN",
    "province": "上海市",
    "city": "上海市",
    "district": "黄浦区",
    "line1": "南京东路 100 号",
    "postcode": "200001",
}


def free_ports(count):
    import socket

    ports = []
    while len(ports) < count:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            if s.getsockname()[1] not in ports:
                ports.append(s.getsockname()[1])
    return ports


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        method,
        path,
        body=json.dumps(body) if body is not None else None,
        headers={"Content-Type": "application/json", "Accept-Language": "zh-hans"},
    )
    response = conn.getresponse()
    return response.status, response.read().decode()


@pytest.fixture(scope="module")
def machines(tmp_path_factory):
    if not (
        os.environ.get("DATABASE_URL", "").startswith("postgres") or os.environ.get("DIANPU_TEST_SEVERAL_MACHINES")
    ):
        pytest.skip(
            "runs in the suite's PostgreSQL run (DATABASE_URL=postgresql://…) or with DIANPU_TEST_SEVERAL_MACHINES=1"
        )
    try:
        import psycopg
        import redis

        admin = psycopg.connect(PG, autocommit=True, connect_timeout=3)
        queue = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
        queue.ping()
    except Exception as exc:
        pytest.skip(f"needs PostgreSQL ({PG}) and Redis ({REDIS}) on this machine: {exc.__class__.__name__}: {exc}")
    name = f"dianpu_machines_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    queue.flushdb()  # this test's own Redis database number
    tmp = tmp_path_factory.mktemp("machines")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dianpu.settings",
        "DIANPU_DATA_DIR": str(tmp / "shared"),
        "DATABASE_URL": PG.rsplit("/", 1)[0] + f"/{name}",
        "REDIS_URL": REDIS,
        "SECRET_KEY": "several-machines-" + name,
        "DEBUG": "0",
        "DIANPU_HTTPS": "0",
        "LOG_LEVEL": "INFO",
        "DIANPU_PAGE_CACHE": "1",
    }
    processes, logs = [], []
    try:
        subprocess.run([DIANPU, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300)
        subprocess.run(
            [
                DIANPU,
                "shell",
                "-c",
                (
                    "from dianpu.catalog.tests.builders import make_product;"
                    "make_product(name='最后一件', stock=1, skus=['LAST-ONE'])"
                ),
            ],
            env=env,
            check=True,
            timeout=120,
        )
        ports = free_ports(2)
        for i, port in enumerate(ports):
            logs.append(tmp / f"web-{i}.log")
            processes.append(
                subprocess.Popen(
                    [DIANPU, "serve", "--port", str(port), "--workers", "1"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=logs[-1].open("wb"),
                )
            )
        for i in range(2):  # both run the scheduler: the run-once slot keeps each job to one run
            logs.append(tmp / f"worker-{i}.log")
            processes.append(
                subprocess.Popen([DIANPU, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=logs[-1].open("wb"))
            )
        deadline = time.time() + 180
        for port, log in zip(ports, logs[: len(ports)], strict=True):
            while True:
                try:
                    if request(port, "GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.time() < deadline, f"server on {port} did not start: {log.read_text()[-3000:]}"
                time.sleep(0.3)
        yield ports, env, logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def shell(env, code):
    done = subprocess.run([DIANPU, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_last_unit_is_sold_once_through_two_servers(machines):
    ports, env, _logs = machines
    start, results = threading.Barrier(8), [None] * 8

    def buy(i):
        start.wait(timeout=60)
        body = {
            "email": f"m{i}@example.com",
            "lines": [{"sku": "LAST-ONE", "quantity": 1}],
            "shipping_address": ADDRESS,
            "shipping_method": "standard",
            "payment_method": "bank_transfer",
        }
        results[i] = request(ports[i % 2], "POST", "/api/v1/checkout", body)

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    codes = sorted(status for status, _body in results)
    assert codes == [201] + [409] * 7, results
    assert {json.loads(body)["code"] for status, body in results if status == 409} == {"out_of_stock"}
    facts = shell(
        env,
        (
            "import json;from dianpu.orders.models import Order;from dianpu.inventory.models import StockLevel;"
            "l=StockLevel.objects.get(variant__sku='LAST-ONE');"
            "print(json.dumps({'orders':Order.objects.count(),'on_hand':l.on_hand,'reserved':l.reserved}))"
        ),
    )
    assert facts == {"orders": 1, "on_hand": 1, "reserved": 1}


def test_scheduled_jobs_run_once_though_both_workers_schedule_them(machines):
    _ports, env, logs = machines
    code = (
        "import json;from dianpu.operations.models import JobRun, ScheduledSlot;"
        "print(json.dumps({'runs':{j.name:j.runs for j in JobRun.objects.all()},"
        "'slots':{n:ScheduledSlot.objects.filter(name=n).count() for n in "
        "ScheduledSlot.objects.values_list('name',flat=True).distinct()}}))"
    )
    deadline = time.time() + 150
    while True:
        facts = shell(env, code)
        cancelled = sum(log.read_text(errors="replace").count("cancelled by dianpu-run-once") for log in logs[2:])
        beat = [n for n in facts["slots"] if n.endswith("worker_heartbeat")]
        if beat and cancelled >= 1 and all(facts["runs"].get(n) == facts["slots"][n] for n in facts["slots"]):
            break
        assert time.time() < deadline, (facts, [log.read_text()[-2000:] for log in logs[2:]])
        time.sleep(3)
    # each every-minute job: one run per scheduled minute, though both schedulers enqueued it
    for job, slots in facts["slots"].items():
        assert facts["runs"][job] == slots, facts
    status = shell(
        env,
        "import json;from dianpu.operations.queries import get_status;"
        "s=get_status();print(json.dumps({'alive':s['worker']['alive'],'checks':s['checks']}))",
    )
    assert status["alive"] and all(c["ok"] for c in status["checks"].values())

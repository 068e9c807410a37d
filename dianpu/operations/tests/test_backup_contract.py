"""The outside contract, from the outside (SQLite, processes only): `dianpu backup --output FILE`
exits 0 and writes FILE while `dianpu serve` takes checkouts; `dianpu restore FILE` into an empty
DIANPU_DATA_DIR exits 0, and the restored store, served, shows the orders of the backup with
stock levels equal to the sum of their ledger."""

import http.client
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests import database_template

pytestmark = [pytest.mark.concurrency, pytest.mark.long]
DIANPU = str(Path(sys.executable).with_name("dianpu"))
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


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        method,
        path,
        body=json.dumps(body) if body is not None else None,
        headers={"Content-Type": "application/json", "Accept-Language": "zh-hans"},
    )
    response = conn.getresponse()
    return response.status, response.read().decode()


def environment(data_dir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dianpu.settings",
        "DIANPU_DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "DEBUG": "0",
        "DIANPU_HTTPS": "0",
        "LOG_LEVEL": "WARNING",
    }


def serve(env, log: Path):
    port = free_port()
    server = subprocess.Popen(
        [DIANPU, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    deadline = time.time() + 180
    while True:
        try:
            if call(port, "GET", "/healthz")[0] == 200:
                return server, port
        except OSError:
            pass
        assert server.poll() is None and time.time() < deadline, log.read_text()[-3000:]
        time.sleep(0.3)


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite processes only: runs in the suite's SQLite run (test_backup.py restores PostgreSQL)",
)
def test_backup_while_serving_checkouts_then_restore_into_an_empty_data_dir_and_serve_it(tmp_path):
    live, restored = environment(tmp_path / "live"), environment(tmp_path / "restored")
    database_template.fill_migrated_data_dir(tmp_path / "live", live)  # `dianpu migrate`, once per run
    subprocess.run(
        [
            DIANPU,
            "shell",
            "-c",
            "from dianpu.catalog.tests.builders import make_product;"
            "make_product(name='备份测试', stock=500, skus=['BAK-1'])",
        ],
        env=live,
        check=True,
        timeout=120,
    )
    server, port = serve(live, tmp_path / "live.log")
    placed, stop_buying = [], threading.Event()

    def buyer(i):
        n = 0
        while not stop_buying.is_set():
            n += 1
            body = {
                "email": f"c{i}-{n}@example.com",
                "lines": [{"sku": "BAK-1", "quantity": 1}],
                "shipping_address": ADDRESS,
                "shipping_method": "standard",
                "payment_method": "bank_transfer",
            }
            status, answer = call(port, "POST", "/api/v1/checkout", body)
            assert status == 201, answer
            placed.append((json.loads(answer)["number"], body["email"]))

    try:
        buyers = [threading.Thread(target=buyer, args=(i,)) for i in range(3)]
        for t in buyers:
            t.start()
        while len(placed) < 5:
            time.sleep(0.1)
        output = tmp_path / "shop.tar.gz"
        during = len(placed)
        backup = subprocess.run(
            [DIANPU, "backup", "--output", str(output)], env=live, capture_output=True, text=True, timeout=300
        )
        after = len(placed)
        stop_buying.set()
        for t in buyers:
            t.join(timeout=120)
    finally:
        stop(server)
    assert backup.returncode == 0, backup.stderr
    assert output.is_file() and after > during  # checkouts went on while it ran
    with tarfile.open(output) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    in_backup = manifest["row_counts"]["orders_order"]
    assert during <= in_backup <= after and manifest["ledger_matches_levels"]

    restore = subprocess.run(
        [DIANPU, "restore", str(output)], env=restored, capture_output=True, text=True, timeout=300
    )
    assert restore.returncode == 0, restore.stderr
    server, port = serve(restored, tmp_path / "restored.log")
    try:
        shown = 0
        for number, email in placed:
            status, page = call(port, "GET", "/orders/status/?" + urlencode({"number": number, "email": email}))
            shown += status == 200 and number in page
            if shown == 3:
                break
        assert shown == 3  # the first orders, all in the backup, are served by the restored store
    finally:
        stop(server)
    facts = subprocess.run(
        [
            DIANPU,
            "shell",
            "-c",
            (
                "import json;from django.db.models import Sum;from dianpu.orders.models import Order;"
                "from dianpu.inventory.models import StockLevel, StockMove;l=StockLevel.objects.get(variant__sku='BAK-1');"
                "m=StockMove.objects.filter(variant__sku='BAK-1').aggregate(h=Sum('on_hand_delta'),r=Sum('reserved_delta'));"
                "print(json.dumps({'orders':Order.objects.count(),'level':[l.on_hand,l.reserved],'ledger':[m['h'],m['r']]}))"
            ),
        ],
        env=restored,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(facts.stdout.strip().splitlines()[-1])
    assert result["orders"] == in_backup
    assert result["level"] == result["ledger"] == [500, in_backup]

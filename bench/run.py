"""`make bench`: storefront pages and API checkout over the demo data, through a real server.

Seeds a demo store in bench/var (once; reused while it exists), starts `dianpu serve` on
127.0.0.1, drives it with a keep-alive HTTP load generator (threads in this process), and
writes requests/s, p50 and p99 per endpoint to bench/results/storefront.json, printing a
table. Options: --requests N per endpoint, --concurrency N, --reseed.
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "var"
RESULTS = ROOT / "bench" / "results"
DIANPU = str(ROOT / ".venv" / "bin" / "dianpu")
ENV = {
    **os.environ,
    "DIANPU_DATA_DIR": str(DATA),
    "DEBUG": "0",
    "DIANPU_HTTPS": "0",
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(reseed: bool) -> None:
    if reseed and DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True, exist_ok=True)
    subprocess.run([DIANPU, "migrate", "--noinput", "-v", "0"], env=ENV, check=True)
    marker = DATA / ".seeded"
    if not marker.exists():
        print("seeding the demo store for the benchmark (default demo size)…", flush=True)
        subprocess.run([DIANPU, "seed-demo", "--reset"], env=ENV, check=True)
        marker.write_text(datetime.now(timezone.utc).isoformat())
    subprocess.run([DIANPU, "collectstatic", "--noinput", "-v", "0"], env=ENV, check=True)


def pick_targets() -> dict:
    """Real URLs from the demo data, and well-stocked SKUs for the checkout run."""
    script = """
import json
from dianpu.catalog.models import Category, Product
from dianpu.inventory.services import set_on_hand
listed = Product.objects.listed().order_by("-sold_count")
product = listed.first()
category = Category.objects.filter(parent__isnull=True).order_by("position").first()
variants = list(product.variants.filter(is_active=True)[:1]) + [
    p.variants.filter(is_active=True).first() for p in listed[1:4]]
for v in variants:
    set_on_hand(variant=v, quantity=1_000_000, reason="benchmark")
print(json.dumps({"product": product.slug, "category": category.slug, "skus": [v.sku for v in variants]}))
"""
    out = subprocess.run([DIANPU, "shell", "-c", script], env=ENV, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [DIANPU, "serve", "--port", str(port)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not come up")


def drive(port: int, make_request, total: int, concurrency: int) -> dict:
    """Send `total` requests from `concurrency` keep-alive connections; latency per request."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            method, path, body, headers = make_request(i)
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()

    # warm-up: caches, connections, imports
    for i in range(min(20, total)):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        method, path, body, headers = make_request(10_000_000 + i)
        conn.request(method, path, body=body, headers=headers)
        conn.getresponse().read()
        conn.close()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000, 2),
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    prepare(args.reseed)
    targets = pick_targets()
    port = free_port()
    server = start_server(port)
    get = lambda path: lambda i: ("GET", path, None, {"Accept-Language": "zh-hans"})  # noqa: E731

    def checkout(i):
        sku = targets["skus"][i % len(targets["skus"])]
        body = json.dumps(
            {
                "email": f"bench{i}@example.com",
                "lines": [{"sku": sku, "quantity": 1}],
                "shipping_address": {
                    "name": "压测",
                    "phone": "13800138000",
                    "country": "CN",
                    "province": "上海市",
                    "city": "上海市",
                    "line1": "测试路 1 号",
                    "postcode": "200000",
                },
                "shipping_method": "standard",
                "payment_method": "bank_transfer",
            }
        )
        return "POST", "/api/v1/checkout", body, {"Content-Type": "application/json"}

    endpoints = {
        "home": get("/"),
        "category": get(f"/c/{targets['category']}/"),
        "product": get(f"/products/{targets['product']}/"),
        "search (zh)": get("/search/?q=" + quote("耳机")),
        "search (en)": get("/search/?q=jacket"),
        "api products": get("/api/v1/products?page=1"),
        "api checkout": checkout,
    }
    results = {}
    try:
        for name, make_request in endpoints.items():
            total = args.requests if name != "api checkout" else max(100, args.requests // 2)
            results[name] = drive(port, make_request, total, args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=20)
    report = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "server": "dianpu serve (gunicorn gthread), SQLite WAL, DEBUG=0",
        "concurrency": args.concurrency,
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "storefront.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\n{'endpoint':<16}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}   statuses")
    for name, r in results.items():
        print(f"{name:<16}{r['requests_per_s']:>10}{r['p50_ms']:>10}{r['p99_ms']:>10}   {r['statuses']}")
    print(f"\nwritten to {(RESULTS / 'storefront.json').relative_to(ROOT)}")
    if any(code >= 400 for r in results.values() for code in r["statuses"]):
        sys.exit("some requests failed: see the statuses above")


if __name__ == "__main__":
    main()

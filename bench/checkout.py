"""`make bench ONLY=checkout`: the guest checkout at full size, through the HTML pages and the API.

On the store bench/storefront.py builds (100,000 products by default; bench/var/storefront, or
BENCH_STOREFRONT_DIR), gives --skus distinct listed SKUs a deep stock (so concurrent buyers do not all
update the same stock rows), then measures:

1. In process (django test client, one thread): the CPU time and the SQL queries of one order, step
   by step: the HTML flow (add to cart, the checkout page, place the order, the order page) and
   `POST /api/v1/checkout`. These figures do not depend on the machine's load.
2. Through `dianpu serve` (gunicorn, its defaults, SQLite WAL): --buyers concurrent guests, each with
   its own cookie jar and CSRF token, going through the HTML flow again and again; then --buyers
   keep-alive connections posting to the API. Orders/s, p50 and p99 of one order (the whole flow for
   the HTML pages; the one request for the API) and the errors.

The buyers all come from 127.0.0.1, so the order review's "orders per IP per day" rule is raised for
the run (a real shop sees its buyers' addresses); each order has its own phone and address.
`--profile html|api` prints a cProfile of one order and its queries instead. Writes
bench/results/checkout.json and prints a table.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storefront  # noqa: E402  (the store builder and the server helpers)

ADDRESS = {
    "name": "压测买家",
    "country": "CN",
    "province": "上海市",
    "city": "上海市",
    "district": "浦东新区",
    "postcode": "200000",
}
SHIPPING, PAYMENT = "standard", "bank_transfer"


def _address(i: int) -> dict:
    return {**ADDRESS, "phone": f"139{i % 100_000_000:08d}", "line1": f"测试路 {i} 号"}


# --- setup (in a Django process) ------------------------------------------------------------------

SETUP = """
import json
from dianpu.catalog.models import Variant
from dianpu.inventory.services import set_on_hand
from dianpu.orders.review import update_review_settings
picked = list(Variant.objects.filter(is_active=True, product__status="listed").select_related("product")
              .order_by("product_id", "id")[:{skus}])
for v in picked:
    set_on_hand(variant=v, quantity=1_000_000, reason="benchmark")
update_review_settings(actor=None, changes={{"max_orders_per_ip_per_day": 100_000_000}})
print(json.dumps({{"skus": [v.sku for v in picked]}}))
"""


def prepare(skus: int) -> list[str]:
    out = subprocess.run(
        [*storefront.DIANPU, "shell", "-c", SETUP.format(skus=skus)],
        env=storefront.ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["skus"]


# --- in process: CPU ms and queries per order -----------------------------------------------------


def _api_body(sku: str, i: int) -> str:
    return json.dumps(
        {
            "email": f"api{i}@example.com",
            "lines": [{"sku": sku, "quantity": 1}],
            "shipping_address": _address(i),
            "shipping_method": SHIPPING,
            "payment_method": PAYMENT,
        }
    )


def _checkout_form(i: int) -> dict:
    return {
        "email": f"html{i}@example.com",
        **_address(i),
        "shipping_method": SHIPPING,
        "payment_method": PAYMENT,
    }


def in_process(skus: list[str], orders: int, profile: str = "") -> dict:
    """Run in a process with Django set up: per-step CPU ms and query counts of one order."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    base = int(time.time()) % 1_000_000 * 1000
    steps: dict[str, dict[str, list[float]]] = {}

    def run(name: str, call, expect: int):
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            response = call()
            cpu = (time.process_time() - started) * 1000
        if response.status_code != expect:
            raise SystemExit(f"{name}: {response.status_code} {response.content[:500]!r}")
        row = steps.setdefault(name, {"cpu_ms": [], "queries": []})
        row["cpu_ms"].append(cpu)
        row["queries"].append(len(queries.captured_queries))
        return response, queries

    def html_order(i: int, client: Client):
        sku = skus[i % len(skus)]
        run("html: add to cart", lambda: client.post("/cart/add/", {"sku": sku, "quantity": 1}), 302)
        run("html: checkout page", lambda: client.get("/checkout/"), 200)
        placed, q = run("html: place order", lambda: client.post("/checkout/", _checkout_form(i)), 302)
        run("html: order page", lambda: client.get(placed["Location"]), 200)
        return q

    def api_order(i: int, client: Client):
        sku = skus[(i + 7) % len(skus)]
        _, q = run(
            "api: checkout",
            lambda: client.post("/api/v1/checkout", _api_body(sku, i), content_type="application/json"),
            201,
        )
        return q

    html_client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    api_client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html_client.get("/")  # a session and a CSRF cookie, as a buyer arriving
    for i in range(5):  # warm-up: imports, caches
        html_order(base + i, html_client)
        api_order(base + i, api_client)
    steps.clear()
    if profile:
        import cProfile
        import pstats

        one = html_order if profile == "html" else api_order
        client = html_client if profile == "html" else api_client
        # CPU time, not wall time: a commit's fsync and the shared machine's waits are not the code's
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for n in range(int(os.environ.get("BENCH_PROFILE_ORDERS", "1"))):  # more orders: steadier figures
            queries = one(base + 100 + n, client)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(
            int(os.environ.get("BENCH_PROFILE_LINES", "60"))
        )
        for n, q in enumerate(queries.captured_queries, 1):
            print(f"{n:>3} {q['time']:>6} {q['sql'][:300]}")
        return {}
    for i in range(orders):
        html_order(base + 1000 + i, html_client)
        api_order(base + 1000 + i, api_client)
    out = {
        name: {
            "cpu_ms": round(statistics.median(v["cpu_ms"]), 2),
            "queries": round(statistics.median(v["queries"]), 1),
        }
        for name, v in steps.items()
    }
    html = [k for k in out if k.startswith("html")]
    out["html: one order (4 steps)"] = {
        "cpu_ms": round(sum(out[k]["cpu_ms"] for k in html), 2),
        "queries": sum(out[k]["queries"] for k in html),
    }
    return out


def measure_in_process(skus: list[str], orders: int, profile: str = "") -> dict:
    env = {**storefront.ENV, "DJANGO_SETTINGS_MODULE": "dianpu.settings"}
    command = [storefront.PY, __file__, "--in-process", str(orders), "--profile", profile, "--sku-list", ",".join(skus)]
    out = subprocess.run(command, env=env, check=True, capture_output=not profile, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1]) if not profile else {}


# --- through the server ---------------------------------------------------------------------------


class Buyer:
    """One guest with a keep-alive connection and a cookie jar (session, CSRF)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, htmx: bool = False) -> http.client.HTTPResponse:
        headers = {"Accept-Language": "zh-hans", "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1/"
        if htmx:
            headers["HX-Request"] = "true"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response


def _percentiles(latencies: list[float]) -> dict:
    latencies = sorted(latencies)
    if not latencies:
        return {"p50_ms": None, "p99_ms": None}
    return {
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000, 1),
    }


def html_load(port: int, skus: list[str], buyers: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    deadline = [0.0]
    base = int(time.time()) % 1_000_000 * 1000 + 500_000

    def buyer(n: int) -> None:
        me = Buyer(port)
        me.request("GET", "/cart/")  # arriving: a session cookie and a CSRF cookie
        i = 0
        while time.perf_counter() < deadline[0]:
            i += 1
            number = base + n * 100_000 + i
            sku = skus[(n * 7919 + i) % len(skus)]
            started = time.perf_counter()
            failed = ""
            if me.request("POST", "/cart/add/", {"sku": sku, "quantity": 1}, htmx=True).status != 200:
                failed = "add to cart"
            elif me.request("GET", "/checkout/").status != 200:
                failed = "checkout page"
            else:
                placed = me.request("POST", "/checkout/", _checkout_form(number))
                location = placed.headers.get("Location", "")
                if placed.status != 302 or "/thanks/" not in location:
                    failed = f"place order {placed.status}"
                elif me.request("GET", location).status != 200:
                    failed = "order page"
            elapsed = time.perf_counter() - started
            with lock:
                if failed:
                    errors[failed] = errors.get(failed, 0) + 1
                else:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(buyers)]
    started = time.perf_counter()
    deadline[0] = started + seconds
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "orders": len(latencies),
        "orders_per_s": round(len(latencies) / wall, 1),
        **_percentiles(latencies),
        "errors": errors,
    }


def api_load(port: int, skus: list[str], connections: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    deadline = [0.0]
    base = int(time.time()) % 1_000_000 * 1000 + 700_000

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = 0
        while time.perf_counter() < deadline[0]:
            i += 1
            number = base + n * 100_000 + i
            body = _api_body(skus[(n * 104_729 + i) % len(skus)], number)
            started = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/checkout",
                body=body,
                headers={"Content-Type": "application/json", "Accept-Language": "zh-hans"},
            )
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 201:
                    latencies.append(elapsed)
                else:
                    errors[str(response.status)] = errors.get(str(response.status), 0) + 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    deadline[0] = started + seconds
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "orders": len(latencies),
        "orders_per_s": round(len(latencies) / wall, 1),
        **_percentiles(latencies),
        "errors": errors,
    }


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU of the server's processes (master and workers) so far."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True).stdout
    total = 0.0
    for pid in [server.pid, *map(int, out.split())]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=100_000, help="order history of the store built")
    parser.add_argument("--skus", type=int, default=500, help="distinct well-stocked SKUs the buyers order")
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--sample", type=int, default=30, help="orders measured in process, per path")
    parser.add_argument("--profile", choices=["", "html", "api"], default="")
    parser.add_argument("--in-process", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--sku-list", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        result = in_process(args.sku_list.split(","), args.in_process, args.profile)
        if not args.profile:
            print(json.dumps(result))
        return
    storefront.build(args.products, args.customers, args.orders)
    skus = prepare(args.skus)
    if args.profile:
        measure_in_process(skus, 1, args.profile)
        return
    load_before = os.getloadavg()
    cpu_started = time.process_time()
    per_order = measure_in_process(skus, args.sample)
    print(json.dumps(per_order, indent=1, ensure_ascii=False), flush=True)
    served: dict = {}
    port = storefront.free_port()
    server = storefront.start([*storefront.DIANPU, "serve", "--port", str(port)], storefront.ENV, port)
    try:
        for name, drive in (("html", html_load), ("api", api_load)):
            drive(port, skus, args.buyers, 3)  # warm-up: every worker's imports and caches
            cpu_before = server_cpu_seconds(server)
            served[name] = drive(port, skus, args.buyers, args.seconds)
            cpu = server_cpu_seconds(server) - cpu_before
            served[name]["server_cpu_ms_per_order"] = (
                round(cpu * 1000 / served[name]["orders"], 1) if served[name]["orders"] else None
            )
            served[name]["load_after"] = [round(x, 2) for x in os.getloadavg()]
            print(f"{name}: {served[name]}", flush=True)
    finally:
        storefront.stop(server)
    counts = subprocess.run(
        [
            *storefront.DIANPU,
            "shell",
            "-c",
            "import json; from dianpu.catalog.models import Product; from dianpu.orders.models import Order;"
            "print(json.dumps({'products': Product.objects.count(), 'orders': Order.objects.count()}))",
        ],
        env=storefront.ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    store = json.loads(counts.stdout.strip().splitlines()[-1])
    report = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        },
        "store": store | {"well_stocked_skus": len(skus)},
        "server": "dianpu serve: gunicorn gthread (its defaults), SQLite WAL, DEBUG=0",
        "buyers": args.buyers,
        "seconds": args.seconds,
        "per_order_in_process": per_order,
        "served": served,
        "bench_cpu_s": round(time.process_time() - cpu_started, 1),
    }
    storefront.RESULTS.mkdir(parents=True, exist_ok=True)
    (storefront.RESULTS / "checkout.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(
        f"\n{store['products']:,} products, {store['orders']:,} orders; {args.buyers} buyers; {report['machine']['uptime']}"
    )
    print(f"\n{'in process (one thread)':<28}{'CPU ms':>9}{'queries':>9}")
    for name, row in per_order.items():
        print(f"{name:<28}{row['cpu_ms']:>9}{row['queries']:>9}")
    print(f"\n{'served':<8}{'orders/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'server CPU ms/order':>21}   errors")
    for name, row in served.items():
        print(
            f"{name:<8}{row['orders_per_s']:>10}{row['p50_ms']!s:>9}{row['p99_ms']!s:>9}"
            f"{row['server_cpu_ms_per_order']!s:>21}   {row['errors']}"
        )
    print(f"\nwritten to {storefront.RESULTS / 'checkout.json'}")
    if any(row["errors"] for row in served.values()):
        sys.exit("some orders failed: see the errors above")


if __name__ == "__main__":
    main()

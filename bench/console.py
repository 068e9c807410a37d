"""The console at a million orders: overview, order list (with filters), customer list, sales and
reports pages, timed through Django's test client as the owner (whole request: view, queries,
template).

Seeds a SQLite store in bench/var/console once (reused afterwards): --orders orders over a year
(the order generator of bench/analytics.py), a customer per three orders linked to their orders,
a few tracking events, the analytics rollups. Writes bench/results/console.json and prints a table.

  .venv/bin/python bench/console.py --orders 20000     # a quick run
  .venv/bin/python bench/console.py                    # 1,000,000 orders (seeding takes ~15 min, once)
  .venv/bin/python bench/console.py --orders 20000 --data bench/var/console-20k   # a second store
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "var" / "console"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def setup(reseed: bool) -> bool:
    import shutil

    if reseed:
        shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DIANPU_DATA_DIR": str(DATA),
            "DEBUG": "0",
            "DIANPU_HTTPS": "0",
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "dianpu.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return not (DATA / ".seeded").exists()


def seed(args) -> dict:
    from django.db import connection, transaction

    from bench import analytics as analytics_bench  # the same order generator
    from dianpu.analytics.services import rebuild_rollups
    from dianpu.customers.models import Customer

    os.environ["DIANPU_DATA_DIR"] = str(DATA)
    sizes = analytics_bench.seed(
        argparse.Namespace(orders=args.orders, events=args.events, days=365, products=args.products, seed=7)
    )
    customers = max(1, args.orders // 3)
    now = datetime.now(timezone.utc)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, customers, 5000):  # the model's defaults fill the other columns
            Customer.objects.bulk_create(
                [
                    Customer(email=f"c{i}@example.com", name=f"客户{i}", created_at=now)
                    for i in range(start, min(customers, start + 5000))
                ]
            )
        cursor.execute(
            "UPDATE orders_order SET customer_id = (SELECT c.id FROM customers_customer c "
            "WHERE c.email = orders_order.email)"
        )
    rebuild_rollups()
    (DATA / ".seeded").write_text(str(args.orders))
    sizes["customers"] = customers
    return sizes


def main() -> None:
    global DATA
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA, help="the store's data directory (default %(default)s)")
    args = parser.parse_args()
    DATA = args.data.resolve()
    timings = {}
    if setup(args.reseed):
        started = time.perf_counter()
        seed(args)
        timings["seed_seconds"] = round(time.perf_counter() - started, 1)
    if args.seed_only:
        return
    from django.conf import settings
    from django.test import Client
    from django.utils import translation

    from dianpu.accounts.tests.builders import make_staff
    from dianpu.customers.models import Customer
    from dianpu.orders.models import Order

    settings.ALLOWED_HOSTS = ["*"]
    # no collectstatic in the bench store: plain static URLs (the pages' work is what is timed)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    translation.activate("zh-hans")
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.filter(username="bench-owner").first() or make_staff("owner", "bench-owner")
    client = Client()
    client.force_login(owner)
    some = Order.objects.order_by("-id").values_list("number", "email").first()
    pages = [
        ("overview", "/console/"),
        ("order list", "/console/orders/"),
        ("order list, page 50", "/console/orders/?page=50"),
        ("order list, status=paid", "/console/orders/?status=paid"),
        ("order list, search by number", f"/console/orders/?q={some[0]}"),
        ("order list, search by e-mail", f"/console/orders/?q={some[1]}"),
        ("customer list", "/console/analytics/customers/"),
        ("sales report", "/console/analytics/sales/"),
        ("analytics dashboard", "/console/analytics/"),
        ("reports", "/console/analytics/reports/"),
    ]
    rows = []
    for name, url in pages:
        status, runs, cpu = None, [], []
        for _ in range(args.repeat + 1):  # the first run warms caches and is dropped
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            runs.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            status = response.status_code
        rows.append(
            {
                "page": name,
                "url": url,
                "status": status,
                "p50_ms": round(statistics.median(runs[1:]), 1),
                "cpu_ms": round(statistics.median(cpu[1:]), 1),
                "max_ms": round(max(runs[1:]), 1),
                "first_ms": round(runs[0], 1),
            }
        )
    result = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "database": "sqlite",
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "size": {"orders": Order.objects.count(), "customers": Customer.objects.count()},
        **timings,
        "pages": rows,
        "goal_ms": 200,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "console.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nconsole at {result['size']['orders']:,} orders, {result['size']['customers']:,} customers (SQLite)")
    print(f"{'page':<32}{'status':>7}{'p50 ms':>10}{'cpu ms':>10}{'max ms':>10}{'first ms':>10}")
    for row in rows:
        print(
            f"{row['page']:<32}{row['status']:>7}{row['p50_ms']:>10}{row['cpu_ms']:>10}{row['max_ms']:>10}"
            f"{row['first_ms']:>10}"
        )
    print(f"load average while measuring: {result['machine']['load_average']} on {os.cpu_count()} CPUs")
    print("written to bench/results/console.json")


if __name__ == "__main__":
    main()

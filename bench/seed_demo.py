"""Benchmark of `seed-demo`: the default demo store (300 products, 2000 customers, 20000 orders,
365 days, seed 42) built from empty, total and per phase.

SQLite in bench/var/seed_demo (emptied first) unless DATABASE_URL is set (then that database is
reset by the command). Writes bench/results/seed_demo.json and prints a table.
Usage: .venv/bin/python bench/seed_demo.py [--orders 12000] [--products 300] [--customers 2000]
"""

import argparse
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "var" / "seed_demo"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=12000)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--customers", type=int, default=2000)
    args = parser.parse_args()
    database = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DIANPU_DATA_DIR": str(DATA),
            "DEBUG": "0",
            "DIANPU_HTTPS": "0",
            "DJANGO_SETTINGS_MODULE": "dianpu.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from dianpu.system.demo import DemoOptions, seed_demo

    call_command("migrate", verbosity=0, interactive=False)
    started = time.monotonic()
    summary = seed_demo(DemoOptions(products=args.products, customers=args.customers, orders=args.orders, reset=True))
    total = round(time.monotonic() - started, 1)
    result = {
        "benchmark": "seed_demo",
        "database": database,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "orders": args.orders,
        "products": args.products,
        "customers": args.customers,
        "seconds": total,
        "phases": summary["seconds by phase"],
        "rows": {k: v for k, v in summary.items() if isinstance(v, int)},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "seed_demo.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"seed_demo on {database}: {args.orders} orders, {args.products} products")
    print(f"{'phase':<14}{'seconds':>9}")
    for phase, seconds in result["phases"].items():
        print(f"{phase:<14}{seconds:>9}")
    print(f"{'total':<14}{total:>9}")


if __name__ == "__main__":
    main()

"""Benchmark of the stock desk over a large catalogue: days of cover, the daily sheet (and its
XLSX), replenishment suggestions, opening and posting a whole-warehouse stocktake.

Builds its own SQLite store in bench/var/inventory (once; reused while the SKU count matches):
N SKUs, each with a receipt and 30 days of sales on the ledger, a supplier price for every
other SKU. Then times each read/use case in-process and writes bench/results/inventory.json,
printing a table. Usage: .venv/bin/python bench/inventory.py [--skus 20000] [--reseed]
"""

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("BENCH_INVENTORY_DIR") or ROOT / "bench" / "var" / "inventory")
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def setup_django(reseed: bool, skus: int) -> bool:
    marker = DATA / ".seeded"
    if reseed or (marker.exists() and marker.read_text().strip() != str(skus)):
        shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DIANPU_DATA_DIR": str(DATA),
            "DATABASE_URL": "",
            "DEBUG": "0",
            "DIANPU_HTTPS": "0",
            "DJANGO_SETTINGS_MODULE": "dianpu.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return not marker.exists()


def seed(skus: int) -> None:
    from django.db import transaction
    from tqdm import tqdm

    from dianpu.catalog.models import Product, Variant
    from dianpu.inventory.models import StockLevel, StockMove
    from dianpu.inventory.services import get_default_warehouse
    from dianpu.purchasing.models import Supplier, SupplierPrice

    rng = random.Random(4)
    warehouse = get_default_warehouse()
    now = datetime.now(timezone.utc)
    supplier = Supplier.objects.create(code="bench", name="压测供应商", lead_time_days=10, created_at=now)
    batch = 2000
    for start in tqdm(range(0, skus, batch), desc="seeding SKUs", unit_scale=batch):
        with transaction.atomic():
            count = min(batch, skus - start)
            products = Product.objects.bulk_create(
                [
                    Product(
                        name=f"压测商品 {start + i}",
                        slug=f"bench-{start + i}",
                        status="listed",
                        min_price=Decimal("59"),
                    )
                    for i in range(count)
                ]
            )
            variants = Variant.objects.bulk_create(
                [
                    Variant(
                        product=p,
                        sku=f"B-{start + i:06d}",
                        price=Decimal("59.00"),
                        cost_price=Decimal("20.00"),
                        barcode=f"69{start + i:011d}",
                    )
                    for i, p in enumerate(products)
                ]
            )
            levels, moves, prices = [], [], []
            for v in variants:
                received = rng.randint(20, 400)
                sold_days = [rng.randint(0, 30) for _ in range(rng.randint(0, 12))]
                sold = [(d, rng.randint(1, 3)) for d in sold_days]
                total_sold = min(received, sum(q for _d, q in sold))
                moves.append(
                    StockMove(
                        variant=v,
                        warehouse=warehouse,
                        kind="receipt",
                        on_hand_delta=received,
                        reference="BENCH",
                        created_at=now - timedelta(days=rng.randint(5, 200)),
                    )
                )
                left = total_sold
                for day, q in sold:
                    q = min(q, left)
                    if q <= 0:
                        break
                    left -= q
                    moves.append(
                        StockMove(
                            variant=v,
                            warehouse=warehouse,
                            kind="sale",
                            on_hand_delta=-q,
                            reference="BENCH",
                            created_at=now - timedelta(days=day, hours=1),
                        )
                    )
                levels.append(
                    StockLevel(
                        variant=v,
                        warehouse=warehouse,
                        on_hand=received - total_sold,
                        safety_stock=rng.choice([0, 5, 10]),
                    )
                )
                if v.pk % 2 == 0:
                    prices.append(SupplierPrice(supplier=supplier, variant=v, unit_cost=Decimal("18.00")))
            StockLevel.objects.bulk_create(levels)
            StockMove.objects.bulk_create(moves, batch_size=5000)
            SupplierPrice.objects.bulk_create(prices)
    (DATA / ".seeded").write_text(str(skus))


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, round(time.perf_counter() - started, 3)


def median_ms(fn, repeat: int = 5):
    """Median wall-clock and CPU milliseconds of `repeat` runs after one warm-up run, and the last
    result (CPU time of this process is less sensitive to a shared, loaded machine)."""
    value = fn()
    runs, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        value = fn()
        runs.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return value, round(statistics.median(runs), 1), round(statistics.median(cpu), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=20000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seed-only", action="store_true", help="seed the store (once) and stop")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if setup_django(args.reseed, args.skus):
        seed(args.skus)
    if args.seed_only:
        return
    import tempfile
    import tracemalloc

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import translation

    from dianpu.accounts.tests.builders import make_staff
    from dianpu.inventory import queries
    from dianpu.inventory.exports import build_daily_sheet_xlsx
    from dianpu.inventory.models import StocktakeLine
    from dianpu.inventory.services import (
        consume_reservations,
        get_default_warehouse,
        open_stocktake,
        post_stocktake,
        rebuild_stock_summaries,
        reserve_stock,
        roll_stock_summaries,
    )
    from dianpu.purchasing.queries import get_on_order_by_variant, list_replenishment_suggestions

    translation.activate("zh-hans")
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    seconds = {}
    skus, seconds["rebuild summaries (all SKUs)"] = timed(
        lambda: rebuild_stock_summaries(on_order=get_on_order_by_variant())
    )
    _n, seconds["nightly roll (all SKUs)"] = timed(roll_stock_summaries)

    owner = get_user_model().objects.filter(username="bench-owner").first() or make_staff("owner", "bench-owner")
    client = Client()
    client.force_login(owner)
    pages = [
        ("days of cover, first page", "/console/inventory/cover/"),
        ("days of cover, page 1000", "/console/inventory/cover/?page=1000"),
        ("days of cover, 7 days, by cover", "/console/inventory/cover/?window=7&sort=cover"),
        ("days of cover, by cover (30 d)", "/console/inventory/cover/?sort=cover"),
        ("days of cover, best sellers first", "/console/inventory/cover/?sort=-sold"),
        ("days of cover, restock only", "/console/inventory/cover/?action=restock"),
        ("days of cover, search", "/console/inventory/cover/?q=B-0123"),
        ("slow movers", "/console/inventory/cover/?slow=on"),
        ("slow movers, page 200", "/console/inventory/cover/?slow=on&page=200"),
        ("daily sheet, first page", "/console/inventory/daily/"),
        ("daily sheet, by 7-day cover", "/console/inventory/daily/?sort=cover"),
        ("daily sheet, clear only, by age", "/console/inventory/daily/?action=clear&sort=-age"),
        ("replenishment suggestions", "/console/purchasing/suggestions/"),
        ("stock levels, first page", "/console/inventory/"),
        ("stock levels, below safety stock", "/console/inventory/?low=on"),
        ("stock levels, search", "/console/inventory/?q=B-0123"),
    ]
    page_ms, page_cpu_ms = {}, {}
    for name, url in pages:
        response, page_ms[name], page_cpu_ms[name] = median_ms(lambda url=url: client.get(url), args.repeat)
        assert response.status_code == 200, (url, response.status_code)

    def xlsx():
        with tempfile.TemporaryFile() as handle:
            build_daily_sheet_xlsx(queries.iter_daily_sheet(), queries.local_today(), out=handle)
            return handle.tell()

    started_cpu = time.process_time()
    size, seconds["daily sheet XLSX (all SKUs, streamed)"] = timed(xlsx)
    seconds["daily sheet XLSX, CPU seconds"] = round(time.process_time() - started_cpu, 3)
    tracemalloc.start()
    xlsx()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    suggestions, seconds["replenishment suggestions (all)"] = timed(lambda: list_replenishment_suggestions())

    from dianpu.inventory.models import StockSummary

    variant_ids = list(
        StockSummary.objects.filter(available__gt=5).order_by("variant_id").values_list("variant_id", flat=True)[:40]
    )
    sale_runs = []
    for n, variant_id in enumerate(variant_ids):
        started = time.perf_counter()
        reserve_stock(reference=f"BENCH-S{n}", wanted={variant_id: 1})
        consume_reservations(reference=f"BENCH-S{n}")
        sale_runs.append((time.perf_counter() - started) * 1000)
    page_ms["one sale: reserve + ship, with the summary"] = round(statistics.median(sale_runs), 1)

    count, seconds["open stocktake (all SKUs)"] = timed(
        lambda: open_stocktake(actor=None, warehouse=get_default_warehouse(), note="bench")
    )
    lines = list(StocktakeLine.objects.filter(stocktake=count).values_list("pk", "expected")[::10])
    for pk, expected in lines:  # a count for every tenth SKU, one unit short (set up, not timed)
        StocktakeLine.objects.filter(pk=pk).update(counted=max(0, expected - 1))
    adjusted, seconds["post stocktake (10% counted)"] = timed(lambda: post_stocktake(actor=None, stocktake=count))
    drift = queries.list_summary_drift(on_order=get_on_order_by_variant()) if args.skus <= 20000 else None
    report = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "database": "SQLite WAL (in-process)",
        "skus": args.skus,
        "sizes": {
            "summaries": skus,
            "suggestions": len(suggestions),
            "xlsx bytes": size,
            "xlsx peak traced memory MB": round(peak / 2**20, 1),
            "stocktake lines adjusted": adjusted,
        },
        "summary_equals_raw": None if drift is None else not drift,
        "pages_ms": page_ms,
        "pages_cpu_ms": page_cpu_ms,
        "seconds": seconds,
        "goals": {"page_ms": 500, "xlsx_seconds": 15},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "inventory.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(
        f"\n{'console page (median of %d, whole request)' % args.repeat:<48}{'ms':>10}{'cpu ms':>10}"
        f"   ({args.skus} SKUs)"
    )
    for name, ms in page_ms.items():
        print(f"{name:<48}{ms:>10}{page_cpu_ms.get(name, ''):>10}")
    print(f"\n{'step':<48}{'seconds':>10}")
    for name, value in seconds.items():
        print(f"{name:<48}{value:>10}")
    print(f"XLSX: {size:,} bytes, peak traced memory {report['sizes']['xlsx peak traced memory MB']} MB")
    print(f"load average while measuring: {report['machine']['load_average']} on {os.cpu_count()} CPUs")
    print(f"\nwritten to {(RESULTS / 'inventory.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()

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
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "var" / "inventory"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def setup_django(reseed: bool, skus: int) -> bool:
    marker = DATA / ".seeded"
    if reseed or (marker.exists() and marker.read_text().strip() != str(skus)):
        shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ.update({"DIANPU_DATA_DIR": str(DATA), "DATABASE_URL": "", "DEBUG": "0", "DIANPU_HTTPS": "0",
                       "DJANGO_SETTINGS_MODULE": "dianpu.settings", "LOG_LEVEL": "WARNING"})
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
            products = Product.objects.bulk_create([
                Product(name=f"压测商品 {start + i}", slug=f"bench-{start + i}", status="listed", min_price=Decimal("59"))
                for i in range(count)])
            variants = Variant.objects.bulk_create([
                Variant(product=p, sku=f"B-{start + i:06d}", price=Decimal("59.00"), cost_price=Decimal("20.00"),
                        barcode=f"69{start + i:011d}") for i, p in enumerate(products)])
            levels, moves, prices = [], [], []
            for v in variants:
                received = rng.randint(20, 400)
                sold_days = [rng.randint(0, 30) for _ in range(rng.randint(0, 12))]
                sold = [(d, rng.randint(1, 3)) for d in sold_days]
                total_sold = min(received, sum(q for _d, q in sold))
                moves.append(StockMove(variant=v, warehouse=warehouse, kind="receipt", on_hand_delta=received,
                                       reference="BENCH", created_at=now - timedelta(days=rng.randint(5, 200))))
                left = total_sold
                for day, q in sold:
                    q = min(q, left)
                    if q <= 0:
                        break
                    left -= q
                    moves.append(StockMove(variant=v, warehouse=warehouse, kind="sale", on_hand_delta=-q,
                                           reference="BENCH", created_at=now - timedelta(days=day, hours=1)))
                levels.append(StockLevel(variant=v, warehouse=warehouse, on_hand=received - total_sold,
                                         safety_stock=rng.choice([0, 5, 10])))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=20000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seed-only", action="store_true", help="seed the store (once) and stop")
    args = parser.parse_args()
    if setup_django(args.reseed, args.skus):
        seed(args.skus)
    if args.seed_only:
        return
    from django.utils import translation

    from dianpu.inventory import queries
    from dianpu.inventory.exports import build_daily_sheet_xlsx
    from dianpu.inventory.models import StocktakeLine
    from dianpu.inventory.services import get_default_warehouse, open_stocktake, post_stocktake
    from dianpu.purchasing.queries import list_replenishment_suggestions

    translation.activate("zh-hans")
    results = {}
    rows, results["days of cover (30 d)"] = timed(lambda: queries.list_cover(window=30))
    _page, results["one console page (50 SKUs)"] = timed(lambda: queries.page_cover(page_number=7, window=30))
    _slow, results["slow movers only"] = timed(lambda: queries.list_cover(window=30, slow_only=True))
    sheet, results["daily sheet rows"] = timed(queries.build_daily_sheet)
    xlsx, results["daily sheet XLSX"] = timed(lambda: build_daily_sheet_xlsx(sheet, queries.local_today()))
    suggestions, results["replenishment suggestions"] = timed(lambda: list_replenishment_suggestions())
    count, results["open stocktake (all SKUs)"] = timed(
        lambda: open_stocktake(actor=None, warehouse=get_default_warehouse(), note="bench"))
    lines = list(StocktakeLine.objects.filter(stocktake=count).values_list("pk", "expected")[::10])
    for pk, expected in lines:  # a count for every tenth SKU, one unit short (set up, not timed)
        StocktakeLine.objects.filter(pk=pk).update(counted=max(0, expected - 1))
    adjusted, results["post stocktake (10% counted)"] = timed(lambda: post_stocktake(actor=None, stocktake=count))
    report = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "database": "SQLite WAL (in-process)",
        "skus": args.skus,
        "sizes": {"cover rows": len(rows), "suggestions": len(suggestions), "xlsx bytes": len(xlsx),
                  "stocktake lines adjusted": adjusted},
        "seconds": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "inventory.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\n{'step':<32}{'seconds':>10}   ({args.skus} SKUs)")
    for name, seconds in results.items():
        print(f"{name:<32}{seconds:>10}")
    print(f"\nwritten to {(RESULTS / 'inventory.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()

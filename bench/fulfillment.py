"""Fulfillment and order-intake speed: rate quotes, placing orders with the review rules, batch
shipping, Shopify import, tracking events and warehouse PDFs.

Runs on a fresh SQLite database in a temporary data dir (or DATABASE_URL when set), writes
bench/results/fulfillment.json and prints a table. Usage: .venv/bin/python bench/fulfillment.py [--orders N]
"""

import argparse
import csv
import io
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def setup_django() -> None:
    os.environ.setdefault("DIANPU_DATA_DIR", tempfile.mkdtemp(prefix="dianpu-bench-fulfillment-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dianpu.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    args = parser.parse_args()
    n = args.orders
    setup_django()
    from django.conf import settings
    from django.test.utils import override_settings
    from tqdm import tqdm

    from dianpu.catalog.tests.builders import make_product
    from dianpu.channels.services import import_channel_orders
    from dianpu.core import clock
    from dianpu.fulfillment.documents import render_labels, render_pick_list
    from dianpu.fulfillment.domain.rates import MethodRate, ZoneRate, calculate_shipping_fee
    from dianpu.fulfillment.domain.tracking import sign
    from dianpu.fulfillment.services import receive_tracking_webhook
    from dianpu.orders import queries
    from dianpu.orders.batch_shipping import ship_orders_in_batch
    from dianpu.orders.models import Order
    from dianpu.orders.services import transition_order
    from dianpu.orders.tests.builders import ADDRESS, place_test_order

    rows = []

    def record(name, count, seconds, unit):
        rows.append(
            {
                "step": name,
                "count": count,
                "seconds": round(seconds, 3),
                "per_item_ms": round(seconds * 1000 / max(count, 1), 3),
                "unit": unit,
            }
        )

    rate = MethodRate(
        "standard",
        Decimal("8"),
        Decimal("99"),
        zones=tuple(
            ZoneRate(p, 1000, Decimal("10"), 1000, Decimal("5")) for p in ("", "北京", "上海", "广东", "新疆", "西藏")
        ),
    )
    _, s = timed(
        lambda: [
            calculate_shipping_fee(
                rate, merchandise_total=Decimal("50"), weight_grams=i % 5000, province="新疆维吾尔自治区"
            )
            for i in range(100_000)
        ]
    )
    record("rate quote (pure)", 100_000, s, "quote")

    for i in range(20):
        make_product(skus=[f"B-{i}"], price="30.00", stock=1_000_000)
    numbers = []
    start = time.perf_counter()
    for i in tqdm(range(n), desc="checkout + review rules", file=sys.stderr):
        order = place_test_order(
            {f"B-{i % 20}": 1, f"B-{(i + 1) % 20}": 2},
            email=f"b{i}@example.com",
            address={**ADDRESS, "line1": f"南京东路 {i} 号", "phone": f"139{i:08d}"},
        )
        numbers.append(transition_order(order=order, action="mark_paid").number)
    record("place order (checkout incl. review rules) + mark paid", n, time.perf_counter() - start, "order")

    _, s = timed(
        lambda: render_pick_list(
            queries.list_pick_lines(numbers),
            title="拣货单",
            printed_at="",
            labels={k: k for k in ("warehouse", "sku", "product", "quantity", "orders")},
        )
    )
    record("pick list PDF", n, s, "order")

    text = "\n".join(f"{num},sf,SF{i:013d}" for i, num in enumerate(numbers))
    _, s = timed(ship_orders_in_batch, text=text, actor=None)
    record("batch ship (checked, then shipped)", n, s, "order")

    _, s = timed(
        lambda: render_labels(
            queries.list_parcel_docs(numbers, method_names={}, carrier_names={}),
            labels={"ship_to": "收件人", "sender": "寄件人"},
        )
    )
    record("labels PDF (Code128)", n, s, "label")

    now = clock.now()
    events = [
        {
            "carrier": "sf",
            "tracking_number": f"SF{i:013d}",
            "status": "in_transit",
            "occurred_at": now.isoformat(),
            "location": "上海",
        }
        for i in range(n)
    ]
    body = json.dumps({"events": events}).encode()
    with override_settings(TRACKING_WEBHOOK_SECRET="bench"):
        _, s = timed(receive_tracking_webhook, body=body, signature=sign("bench", body, int(now.timestamp())))
    record("tracking webhook (one request)", n, s, "event")

    header = [
        "Name",
        "Email",
        "Financial Status",
        "Lineitem quantity",
        "Lineitem sku",
        "Lineitem price",
        "Shipping Name",
        "Shipping Address1",
        "Shipping City",
        "Shipping Province",
        "Shipping Phone",
        "Shipping",
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for i in range(n):
        writer.writerow(
            [
                f"#{i}",
                f"s{i}@example.com",
                "paid",
                1,
                f"B-{i % 20}",
                "30.00",
                "Amy",
                f"路 {i} 号",
                "上海",
                "上海",
                f"137{i:08d}",
                "0",
            ]
        )
        writer.writerow([f"#{i}", "", "", 1, f"B-{(i + 3) % 20}", "30.00", "", "", "", "", "", ""])
    _, s = timed(
        import_channel_orders, channel="shopify", content=out.getvalue().encode(), filename="o.csv", actor=None
    )
    record("Shopify import (2 lines per order)", n, s, "order")

    result = {
        "run_at": datetime.now(timezone.utc).isoformat(),
        "python": platform.python_version(),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "orders": n,
        "orders_in_db": Order.objects.count(),
        "results": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fulfillment.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"{'step':55} {'count':>7} {'seconds':>9} {'ms/item':>9}")
    for r in rows:
        print(f"{r['step']:55} {r['count']:>7} {r['seconds']:>9.3f} {r['per_item_ms']:>9.3f}")
    print(f"written to {RESULTS / 'fulfillment.json'}")


if __name__ == "__main__":
    main()

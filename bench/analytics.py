"""Analytics at size: dashboard, bestsellers and funnel from the rollups vs straight from the raw tables.

Seeds a SQLite store in bench/var/analytics/ with --orders orders (default 1,000,000) and
--events tracking events (default 10,000,000) by bulk SQL (executemany in big transactions),
builds the rollups with analytics.services.rebuild_rollups, then times each page's queries
through the rollups and the same figures computed from the raw tables, and checks that both
agree. Writes bench/results/analytics.json and prints a table.

  .venv/bin/python bench/analytics.py --orders 20000 --events 200000     # a quick run
  .venv/bin/python bench/analytics.py                                    # the full size (tens of minutes)
  .venv/bin/python bench/analytics.py --orders 50000 --days 30 --data bench/var/analytics-50k   # a second store
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def _data_dir() -> Path:
    """--data DIR (a second store beside the default one), read before Django is set up."""
    for i, arg in enumerate(sys.argv):
        if arg == "--data" and i + 1 < len(sys.argv):
            return (Path.cwd() / sys.argv[i + 1]).resolve()
        if arg.startswith("--data="):
            return (Path.cwd() / arg.split("=", 1)[1]).resolve()
    return ROOT / "bench" / "var" / "analytics"


DATA = _data_dir()
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

KINDS = (
    "page_view",
    "page_view",
    "page_view",
    "leave",
    "leave",
    "product_view",
    "product_view",
    "list_impression",
    "list_impression",
    "list_impression",
    "list_click",
    "add_to_cart",
    "checkout_start",
)
CHANNELS = (
    ("direct", "(direct)"),
    ("search", "baidu.com"),
    ("search", "bing.com"),
    ("social", "weibo"),
    ("social", "xiaohongshu"),
    ("paid", "baidu"),
    ("email", "newsletter"),
    ("referral", "zhihu.com"),
    ("campaign", "618"),
)
DEVICES = ("mobile", "mobile", "mobile", "desktop", "desktop", "tablet")
PROVINCES = ("上海市", "北京市", "广东省", "浙江省", "江苏省", "四川省", "湖北省", "山东省")


def progress(label, total):
    from tqdm import tqdm

    return tqdm(total=total, desc=f"{label:<10}", unit="row", unit_scale=True, mininterval=0.5, dynamic_ncols=True)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(args):
    from django.db import connection, transaction

    from dianpu.analytics.models import TrackingEvent
    from dianpu.analytics.shopdays import shop_tz
    from dianpu.catalog.models import Product
    from dianpu.orders.models import Order, OrderLine
    from dianpu.payments.models import Refund

    rng = random.Random(args.seed)
    tz = shop_tz()
    end_day = date(2026, 11, 22)
    first_day = end_day - timedelta(days=args.days - 1)
    now = datetime.now(timezone.utc)
    with transaction.atomic():
        Product.objects.bulk_create(
            [
                Product(
                    name=f"商品{i}",
                    name_en=f"Product {i}",
                    slug=f"bench-{i}",
                    description="",
                    description_en="",
                    brand="",
                    seo_title="",
                    seo_description="",
                    search_document="",
                    created_at=now,
                    updated_at=now,
                    status="listed",
                    min_price=Decimal("10.00"),
                )
                for i in range(args.products)
            ],
            batch_size=1000,
        )
    product_ids = list(Product.objects.values_list("id", flat=True))
    prices = {p: Decimal(rng.choice(("19.90", "39.00", "59.00", "99.00", "129.00", "299.00"))) for p in product_ids}

    order_cols = [f.column for f in Order._meta.concrete_fields if not f.primary_key]
    defaults = {f.column: f.get_default() for f in Order._meta.concrete_fields if not f.primary_key}
    # JSON fields added since (their defaults are dicts/lists) are written as their JSON text
    defaults = {c: json.dumps(v) if isinstance(v, (dict, list)) else v for c, v in defaults.items()}
    defaults.update(
        {
            "hold_reasons": "[]",
            "customer_id": None,
            "ip_address": None,
            "pays_on_delivery": 0,
            "discount_total": "0.00",
            "currency": "CNY",
            "language": "zh-hans",
            "channel": "web",
            "ship_country": "CN",
        }
    )
    order_sql = f"INSERT INTO orders_order ({', '.join(order_cols)}) VALUES ({', '.join(['%s'] * len(order_cols))})"
    line_sql = (
        "INSERT INTO orders_orderline (order_id, variant_id, product_id_snapshot, sku, product_name, "
        "variant_label, unit_price, quantity, line_total, discount_total) "
        "VALUES (%s, NULL, %s, %s, %s, '', %s, %s, %s, 0)"
    )
    refund_sql = (
        "INSERT INTO payments_refund (order_id, payment_id, gateway, amount, shipping_amount, reason, status, "
        "reference, manual, created_by_id, created_at, idempotency_key) VALUES (%s, NULL, 'alipay', %s, 0, '', "
        "'succeeded', '', 0, NULL, %s, 'bench-' || %s)"
    )
    customers = max(1, args.orders // 3)
    bar = progress("orders", args.orders)
    chunk = 50_000
    next_id = 1
    seconds = args.days * 86400
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=tz)
    for offset in range(0, args.orders, chunk):
        orders, lines, refunds = [], [], []
        for n in range(offset, min(args.orders, offset + chunk)):
            order_id = next_id + n
            placed = start + timedelta(seconds=rng.randrange(seconds))
            chosen = rng.sample(product_ids, rng.choice((1, 1, 1, 2, 2, 3)))
            subtotal = Decimal("0.00")
            for product in chosen:
                quantity = rng.choice((1, 1, 1, 2, 3))
                total = prices[product] * quantity
                subtotal += total
                lines.append(
                    (order_id, product, f"SKU-{product}", f"商品{product}", str(prices[product]), quantity, str(total))
                )
            shipping = Decimal("0.00") if subtotal >= 99 else Decimal("10.00")
            status = rng.choices(
                ("completed", "shipped", "paid", "pending_payment", "cancelled"), (50, 15, 10, 10, 15)
            )[0]
            paid = status in ("completed", "shipped", "paid") or (status == "cancelled" and rng.random() < 0.3)
            row = dict(defaults)
            row.update(
                number=f"B{order_id:012d}",
                status=status,
                email=f"c{rng.randrange(customers)}@example.com",
                ship_name="张三",
                ship_phone="13800138000",
                ship_province=rng.choice(PROVINCES),
                ship_city="市",
                ship_district="",
                ship_line1="路 1 号",
                ship_line2="",
                ship_postcode="",
                shipping_method="standard",
                payment_method="alipay",
                note="",
                subtotal=str(subtotal),
                shipping_total=str(shipping),
                grand_total=str(subtotal + shipping),
                carrier="",
                tracking_number="",
                utm_source="",
                utm_medium="",
                utm_campaign="",
                referrer_host="",
                visitor_id="",
                placed_at=utc_text(placed),
                paid_at=utc_text(placed + timedelta(minutes=5)) if paid else None,
                cancelled_at=utc_text(placed + timedelta(hours=2)) if status == "cancelled" else None,
                shipped_at=None,
                delivered_at=None,
                completed_at=None,
                held_at=None,
            )
            orders.append([row[c] for c in order_cols])
            if paid and status != "pending_payment" and rng.random() < 0.04:
                refunds.append(
                    (
                        order_id,
                        str(min(subtotal, Decimal("50.00"))),
                        utc_text(placed + timedelta(days=rng.randrange(0, 10), hours=rng.randrange(24))),
                        order_id,
                    )
                )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(order_sql, orders)
            cursor.executemany(line_sql, lines)
            cursor.executemany(refund_sql, refunds)
        bar.update(len(orders))
    bar.close()

    event_sql = (
        "INSERT INTO analytics_trackingevent (day, occurred_at, kind, visitor_id, session_id, path, product_id, "
        "order_id, dwell_ms, channel, source, utm_campaign, device) "
        "VALUES (%s, %s, %s, %s, %s, '/', %s, NULL, %s, %s, %s, '', %s)"
    )
    visitors = max(1, args.events // 10)
    bar = progress("events", args.events)
    written, session_no = 0, 0
    per_day = args.events / args.days
    day_index = 0
    while written < args.events:
        # events arrive in time order, as the collect endpoint writes them: day by day
        rows = []
        while len(rows) < 200_000 and written + len(rows) < args.events:
            day_start = start + timedelta(days=min(day_index, args.days - 1))
            day_goal = min(args.events, round(per_day * (day_index + 1)))
            while written + len(rows) < day_goal:
                session_no += 1
                visitor = f"v{rng.randrange(visitors):09d}"
                channel, source = rng.choice(CHANNELS)
                device = rng.choice(DEVICES)
                at = day_start + timedelta(seconds=rng.randrange(86400))
                for _ in range(rng.randrange(1, 10)):
                    kind = rng.choice(KINDS)
                    if rng.random() < 0.02:
                        kind = "purchase"
                    product = (
                        rng.choice(product_ids) if kind not in ("page_view", "checkout_start", "purchase") else None
                    )
                    rows.append(
                        (
                            at.astimezone(tz).date().isoformat(),
                            utc_text(at),
                            kind,
                            visitor,
                            f"s{session_no:010d}",
                            product,
                            rng.randrange(1000, 120_000) if kind == "leave" else 0,
                            channel,
                            source,
                            device,
                        )
                    )
                    at += timedelta(seconds=rng.randrange(5, 300))
            day_index += 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(event_sql, rows)
        written += len(rows)
        bar.update(len(rows))
    bar.close()
    return {
        "first_day": first_day,
        "last_day": end_day,
        "orders": Order.objects.count(),
        "order_lines": OrderLine.objects.count(),
        "refunds": Refund.objects.count(),
        "events": TrackingEvent.objects.count(),
        "products": len(product_ids),
    }


def seed_rollups(args) -> dict:
    """--synthetic-rollups: no orders or events; the rollup tables the pages read written directly by
    bulk SQL at the density --orders and --events give (days × products, days × sources, the visitor
    return-day cells, a buyer summary per three orders, the cohort cells). Measures the pages that read
    only rollups at a size the raw seeding cannot reach in reasonable time (10,000,000 orders)."""
    from django.db import connection, transaction

    from dianpu.analytics.models import (
        BuyerSummary,
        CohortMonth,
        DailyProductStat,
        DailySourceStat,
        DailyStat,
        VisitorReturnDay,
    )
    from dianpu.analytics.services import rebuild_rfm_cells
    from dianpu.catalog.models import Product

    rng = random.Random(args.seed)
    end_day = date(2026, 11, 22)
    days = [end_day - timedelta(days=args.days - 1 - i) for i in range(args.days)]
    now = datetime.now(timezone.utc)
    with transaction.atomic():
        Product.objects.bulk_create(
            [
                Product(
                    name=f"商品{i}",
                    name_en=f"Product {i}",
                    slug=f"bench-{i}",
                    description="",
                    description_en="",
                    brand="",
                    seo_title="",
                    seo_description="",
                    search_document="",
                    created_at=now,
                    updated_at=now,
                    status="listed",
                    min_price=Decimal("10.00"),
                )
                for i in range(args.products)
            ],
            batch_size=1000,
        )
    product_ids = list(Product.objects.values_list("id", flat=True))
    orders_per_day = args.orders / args.days
    events_per_day = args.events / args.days
    visitors_per_day = max(1, round(events_per_day / 10))
    lines_per_product_day = orders_per_day * 1.8 / len(product_ids)
    views_per_product_day = events_per_day * 2 / 13 / len(product_ids)

    def money(value: float) -> str:
        return f"{value:.2f}"

    def noisy(mean: float) -> int:
        return max(0, round(rng.gauss(mean, max(1.0, mean**0.5))))

    table = DailyProductStat._meta.db_table
    from dianpu.analytics.queries import PRODUCT_FIGURES

    columns = ("day", "product_id", *PRODUCT_FIGURES)
    product_sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    bar = progress("products", len(days) * len(product_ids))
    for day in days:
        rows = []
        for product in product_ids:
            units = noisy(lines_per_product_day * 1.6)
            views = noisy(views_per_product_day)
            visitors = min(views, noisy(views_per_product_day * 0.8))
            rows.append(
                (
                    day.isoformat(),
                    product,
                    views,
                    visitors,
                    noisy(views_per_product_day) * 30_000,
                    noisy(views_per_product_day),
                    noisy(views_per_product_day * 0.3),
                    noisy(views_per_product_day * 0.25),
                    noisy(views_per_product_day * 1.5),
                    noisy(views_per_product_day * 0.5),
                    min(units, noisy(lines_per_product_day * 0.7)),
                    units,
                    money(units * 59.0),
                    money(units * 59.0 * 0.03),
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(product_sql, rows)
        bar.update(len(rows))
    bar.close()
    with transaction.atomic():
        DailyStat.objects.bulk_create(
            [
                DailyStat(
                    day=day,
                    orders=(n := noisy(orders_per_day * 0.85)),
                    sales=Decimal(money(n * 120.0)),
                    new_customer_orders=n // 3,
                    returning_customer_orders=n - n // 3,
                    refunds=Decimal(money(n * 120.0 * 0.03)),
                    refund_count=n // 25,
                    visitors=visitors_per_day,
                    visits=round(events_per_day / 5),
                    page_views=round(events_per_day * 3 / 13),
                )
                for day in days
            ]
        )
        DailySourceStat.objects.bulk_create(
            [
                DailySourceStat(
                    day=day,
                    channel=channel,
                    source=source,
                    device=device,
                    visits=(v := noisy(events_per_day / 5 / len(CHANNELS) / 3)),
                    product_view_visits=v // 2,
                    cart_visits=v // 6,
                    checkout_visits=v // 12,
                    purchase_visits=v // 20,
                    paid_visits=v // 24,
                )
                for day in days
                for channel, source in CHANNELS
                for device in ("mobile", "desktop", "tablet")
            ],
            batch_size=5000,
        )
        # each day: the visitors seen before on every earlier day of the year, and the new ones
        VisitorReturnDay.objects.bulk_create(
            [
                VisitorReturnDay(day=day, prev_day=prev, visitors=noisy(visitors_per_day / (at + 1)))
                for at, day in enumerate(days)
                for prev in [date.min, *days[:at]]
            ],
            batch_size=5000,
        )
    buyers = max(1, args.orders // 3)
    table = BuyerSummary._meta.db_table
    buyer_sql = (
        f"INSERT INTO {table} (email, orders, spent_fen, first_day, last_day, first_month, active_months) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    cells: dict = defaultdict(lambda: [0, 0])
    bar = progress("buyers", buyers)
    for start in range(0, buyers, 100_000):
        rows = []
        for n in range(start, min(buyers, start + 100_000)):
            first = rng.randrange(len(days))
            last = min(len(days) - 1, first + int(rng.expovariate(1 / 60)))
            orders = 1 + int(rng.expovariate(1 / 2))
            months = 1 + (days[last].year - days[first].year) * 12 + days[last].month - days[first].month
            first_month = days[first].replace(day=1)
            cells[(first_month, 0)][0] += 1
            if months > 1:
                cells[(first_month, 0)][1] += 1
                cells[(first_month, months - 1)][0] += 1
            rows.append(
                (
                    f"c{n}@example.com",
                    orders,
                    orders * rng.randrange(2000, 40000),
                    days[first].isoformat(),
                    days[last].isoformat(),
                    first_month.isoformat(),
                    min(months, orders),
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(buyer_sql, rows)
        bar.update(len(rows))
    bar.close()
    CohortMonth.objects.bulk_create(
        [CohortMonth(cohort=c, offset=o, customers=n, repeaters=r) for (c, o), (n, r) in cells.items()]
    )
    rebuild_rfm_cells()  # the RFM cells, cut from the summaries just written
    return {"products": len(product_ids), "buyers": buyers, "product_days": len(days) * len(product_ids)}


def timed(fn, repeat):
    """Median wall-clock ms, median CPU ms of this process (less sensitive to a loaded machine), result."""
    runs, cpu = [], []
    result = None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        runs.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(runs), statistics.median(cpu), result


def time_console_pages(day: date, period: tuple[date, date], repeat: int) -> list[dict]:
    """Every analytics page of the console through Django's test client as the owner (the whole
    request: view, queries, template): p50 and CPU of `repeat` runs after one warm-up run."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import translation

    from dianpu.accounts.tests.builders import make_staff
    from dianpu.catalog.models import Product

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    translation.activate("zh-hans")
    owner = get_user_model().objects.filter(username="bench-owner").first() or make_staff("owner", "bench-owner")
    client = Client()
    client.force_login(owner)
    month = f"date_from={period[0]}&date_to={period[1]}"
    week = f"date_from={period[1] - timedelta(days=6)}&date_to={period[1]}"
    slug = Product.objects.order_by("id").values_list("slug", flat=True).first()
    pages = [
        ("dashboard (30 days)", f"/console/analytics/?{month}"),
        ("funnel (30 days)", f"/console/analytics/funnel/?{month}"),
        ("sources (30 days)", f"/console/analytics/sources/?{month}"),
        ("bestsellers (a day)", f"/console/analytics/bestsellers/?date={day}"),
        ("bestsellers (a day, flagged only)", f"/console/analytics/bestsellers/?date={day}&flagged=on"),
        ("bestseller product (30 days)", f"/console/analytics/bestsellers/{slug}/?{month}"),
        *[
            (f"sales by {by} (7 days)", f"/console/analytics/sales/?by={by}&{week}")
            for by in ("category", "price_band", "product", "region", "channel", "hour", "weekday")
        ],
        ("customers (RFM today + cohorts)", "/console/analytics/customers/"),
        ("customers (RFM of a past day)", f"/console/analytics/customers/?{month}"),
        *[
            (f"rows: {kind} (7 days)", f"/console/analytics/rows/?kind={kind}&{week}")
            for kind in ("visits", "refunds", "new", "returning")
        ],
        ("reports", "/console/analytics/reports/"),
    ]
    out = []
    for name, url in pages:
        status, runs, cpu = None, [], []
        for _ in range(repeat + 1):  # the first run warms caches and is dropped
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            runs.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            status = response.status_code
        out.append(
            {
                "page": name,
                "url": url,
                "status": status,
                "p50_ms": round(statistics.median(runs[1:]), 1),
                "cpu_ms": round(statistics.median(cpu[1:]), 1),
            }
        )
    return out


def measure_synthetic(args) -> None:
    """Time the pages that read only rollups on a store seeded by seed_rollups."""
    from dianpu.analytics import queries
    from dianpu.analytics.models import BuyerSummary, DailyProductStat, DailyStat, RfmCell
    from dianpu.analytics.shopdays import local_day
    from dianpu.core import clock

    timings = {}
    if not DailyStat.objects.exists():
        started = time.perf_counter()
        timings["sizes"] = seed_rollups(args)
        timings["seed_seconds"] = round(time.perf_counter() - started, 1)
    day = DailyStat.objects.order_by("-day").values_list("day", flat=True).first() - timedelta(days=1)
    period = (day - timedelta(days=29), day)
    today = local_day(clock.now())
    cases = [
        ("summary (30 days)", lambda: queries.get_summary(*period)),
        ("dashboard (30 days vs previous)", lambda: queries.get_dashboard(*period)),
        ("bestsellers (one day, with flags)", lambda: queries.list_bestsellers(day)),
        ("bestsellers (one day, flagged only)", lambda: queries.list_bestsellers(day, flagged_only=True)),
        ("bestsellers (30 days, with flags)", lambda: queries.list_bestsellers(day, date_from=period[0])),
        ("bestsellers page (top 200 of a day)", lambda: queries.list_bestsellers(day, limit=200)),
        ("flagged of the top 200 (dashboard)", lambda: queries.list_bestsellers(day, flagged_only=True, limit=200)),
        (
            "bestsellers page (top 200 of 30 days)",
            lambda: queries.list_bestsellers(day, date_from=period[0], limit=200),
        ),
        ("funnel (30 days, by channel)", lambda: queries.get_funnel(*period, by="channel")),
        ("sources (30 days)", lambda: queries.list_sources(*period)),
        ("cohorts (a year)", lambda: queries.get_cohorts(day - timedelta(days=364), day)),
        ("RFM segments (today, RFM cells)", lambda: queries.get_rfm_segments(today)),
    ]
    rows = []
    for name, fn in cases:
        ms, cpu_ms, _result = timed(fn, args.repeat)
        rows.append({"page": name, "rollup_ms": round(ms, 1), "rollup_cpu_ms": round(cpu_ms, 1)})
    # the console pages too (the whole request); those that read orders (sales by …, rows, a past
    # day's RFM) find none here, so only the rollup pages' figures mean anything at this density
    pages = time_console_pages(day, period, args.repeat) if not args.no_pages else []
    result = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "database": "sqlite",
            "load_average": os.getloadavg(),
        },
        "seeded": "rollups written directly (bench/analytics.py --synthetic-rollups), no raw orders or events",
        "size": {
            "orders_density": args.orders,
            "events_density": args.events,
            "product_days": DailyProductStat.objects.count(),
            "buyer_summaries": BuyerSummary.objects.count(),
            "rfm_cells": RfmCell.objects.count(),
            "days": args.days,
        },
        **timings,
        "pages": rows,
        "console_pages": pages,
        "goal_ms": 200,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "analytics-synthetic.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nanalytics rollups at the density of {args.orders:,} orders, {args.events:,} events (SQLite, synthetic)")
    print(f"{'page':<48}{'ms':>10}{'(cpu ms)':>10}")
    for row in rows:
        print(f"{row['page']:<48}{row['rollup_ms']:>10}{row['rollup_cpu_ms']:>10}")
    if pages:
        print(f"\n{'console page (test client, whole request)':<44}{'status':>7}{'p50 ms':>10}{'cpu ms':>10}")
        for page in pages:
            print(f"{page['page']:<44}{page['status']:>7}{page['p50_ms']:>10}{page['cpu_ms']:>10}")
    print(f"load average while measuring: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print("written to bench/results/analytics-synthetic.json")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", default=str(DATA), help="the store's directory (default bench/var/analytics)")
    parser.add_argument("--reseed", action="store_true", help="delete bench/var/analytics and seed again")
    parser.add_argument(
        "--synthetic-rollups",
        action="store_true",
        help="write the rollups directly at the --orders/--events density (no raw orders or events)",
    )
    parser.add_argument("--no-raw", action="store_true", help="skip timing the raw-table figures (slow at size)")
    parser.add_argument("--no-pages", action="store_true", help="time the queries only, not the console pages")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the rollups of the existing data")
    args = parser.parse_args()

    import shutil

    if args.reseed and DATA.exists():
        shutil.rmtree(DATA)
    fresh = not (DATA / "dianpu.sqlite3").exists()
    DATA.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from dianpu.analytics import queries
    from dianpu.analytics.services import rebuild_rollups
    from dianpu.orders.models import Order

    if args.synthetic_rollups:
        return measure_synthetic(args)
    timings = {}
    if fresh or not Order.objects.exists():
        started = time.perf_counter()
        sizes = seed(args)
        timings["seed_seconds"] = round(time.perf_counter() - started, 1)
        bar = progress("rollups", sizes["events"] + sizes["orders"] + sizes["refunds"])
        started = time.perf_counter()
        rebuild_rollups(progress=bar.update)
        bar.close()
        timings["rollup_build_seconds"] = round(time.perf_counter() - started, 1)
    else:
        print("reusing bench/var/analytics (pass --reseed to seed again)")
        if args.rebuild:
            from dianpu.analytics.models import TrackingEvent
            from dianpu.payments.models import Refund

            total = TrackingEvent.objects.count() + Order.objects.count() + Refund.objects.count()
            bar = progress("rollups", total)
            started = time.perf_counter()
            rebuild_rollups(progress=bar.update)
            bar.close()
            timings["rollup_build_seconds"] = round(time.perf_counter() - started, 1)
    from dianpu.analytics.models import TrackingEvent
    from dianpu.orders.models import OrderLine
    from dianpu.payments.models import Refund

    last = Order.objects.order_by("-placed_at").values_list("placed_at", flat=True).first()
    from dianpu.analytics.shopdays import local_day

    day = local_day(last) - timedelta(days=1)
    period = (day - timedelta(days=29), day)
    rule = queries.flag_rule()

    def raw_bestsellers():
        # the flag needs every product's figures over the flag window: from raw, one day at a time
        return [queries.raw_product_day(day - timedelta(days=i)) for i in range(rule.lookback_days)]

    cases = [
        ("summary (30 days)", lambda: queries.get_summary(*period), lambda: queries.raw_summary(*period)),
        (
            "dashboard (30 days vs previous)",
            lambda: queries.get_dashboard(*period),
            lambda: (
                queries.raw_summary(*period),
                queries.raw_summary(period[0] - timedelta(days=30), period[0] - timedelta(days=1)),
            ),
        ),
        ("bestsellers (one day, with flags)", lambda: queries.list_bestsellers(day), raw_bestsellers),
        (
            "bestsellers page (top 200 of a day, with flags)",
            lambda: queries.list_bestsellers(day, limit=200),
            raw_bestsellers,
        ),
        (
            "dashboard's flagged products (of the top 200)",
            lambda: queries.list_bestsellers(day, flagged_only=True, limit=200),
            raw_bestsellers,
        ),
        (
            "bestsellers page (top 200 of 30 days)",
            lambda: queries.list_bestsellers(day, date_from=period[0], limit=200),
            raw_bestsellers,
        ),
        (
            "bestsellers (30 days, with flags)",
            lambda: queries.list_bestsellers(day, date_from=period[0]),
            raw_bestsellers,
        ),
        (
            "funnel (30 days, by channel)",
            lambda: queries.get_funnel(*period, by="channel"),
            lambda: queries.raw_funnel_counts(*period),
        ),
    ]
    rows = []
    for name, rolled, raw in cases:
        rolled_ms, rolled_cpu_ms, _rolled = timed(rolled, args.repeat)
        raw_ms = timed(raw, max(1, min(args.repeat, 2)))[0] if not args.no_raw else 0.0
        rows.append(
            {
                "page": name,
                "rollup_ms": round(rolled_ms, 1),
                "rollup_cpu_ms": round(rolled_cpu_ms, 1),
                "raw_ms": round(raw_ms, 1),
                "speed_up": round(raw_ms / rolled_ms, 1) if rolled_ms and raw_ms else None,
            }
        )
    pages = time_console_pages(day, period, args.repeat) if not args.no_pages else []
    # the rollups agree with the raw figures
    rolled, raw = queries.get_summary(*period), queries.raw_summary(*period)
    agree_summary = {k: rolled[k] for k in raw} == raw
    agree_funnel = queries.get_funnel(*period)["steps"] == queries._funnel_steps(queries.raw_funnel_counts(*period))
    agree_products = queries.rollup_product_day(day) == {
        p: f for p, f in queries.raw_product_day(day).items() if any(f.values())
    }
    result = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "database": "sqlite",
            "load_average": os.getloadavg(),
        },
        "size": {
            "orders": Order.objects.count(),
            "order_lines": OrderLine.objects.count(),
            "refunds": Refund.objects.count(),
            "events": TrackingEvent.objects.count(),
            "days": args.days,
        },
        **timings,
        "pages": rows,
        "console_pages": pages,
        "rollups_equal_raw": {"summary": agree_summary, "funnel": agree_funnel, "bestsellers_day": agree_products},
        "goal_ms": 200,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "analytics.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nanalytics at {result['size']['orders']:,} orders, {result['size']['events']:,} events (SQLite)")
    print(f"{'page':<50}{'rollups ms':>12}{'(cpu ms)':>10}{'raw ms':>12}{'×':>8}")
    for row in rows:
        print(
            f"{row['page']:<50}{row['rollup_ms']:>12}{row['rollup_cpu_ms']:>10}{row['raw_ms']:>12}{row['speed_up'] or '':>8}"
        )
    if pages:
        print(f"\n{'console page (test client, whole request)':<44}{'status':>7}{'p50 ms':>10}{'cpu ms':>10}")
        for page in pages:
            print(f"{page['page']:<44}{page['status']:>7}{page['p50_ms']:>10}{page['cpu_ms']:>10}")
    print(
        f"load average while measuring: {', '.join(f'{x:.1f}' for x in result['machine']['load_average'])} "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"rollups equal raw: {result['rollups_equal_raw']}")
    print("written to bench/results/analytics.json")


if __name__ == "__main__":
    main()

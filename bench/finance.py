"""Finance at size: a year of books for --orders orders (default 1,000,000), then a year's P&L
from the daily rollups (the goal: under 200 ms) against the same figures from the journal lines.

Seeds a SQLite database in bench/var/finance/ by posting each order's sale (goods per line,
discount, shipping, the gateway's fee), its cost of goods and carrier charge, and some refunds
through finance.services.post_entries_in_bulk (the same code the demo data uses), checks that
the rollups equal the journal, times the queries and writes bench/results/finance.json.

  .venv/bin/python bench/finance.py --orders 20000      # a quick run
  .venv/bin/python bench/finance.py                     # the full size
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "var" / "finance"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.update({"DIANPU_DATA_DIR": str(DATA), "DEBUG": "0", "DIANPU_HTTPS": "0", "DATABASE_URL": "",
                   "REDIS_URL": "", "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "dianpu.settings"})

CHANNELS = ("web", "web", "web", "douyin", "xiaohongshu", "tmall")
CAMPAIGNS = ("", "", "", "spring", "618", "double11")
GATEWAYS = ("alipay", "alipay", "wechat_pay", "stripe")


def plans(args, year_start: date):
    """Every posting of the year, made as the handlers would make them, without orders rows."""
    from dianpu.finance.domain import ledger

    rng = random.Random(args.seed)
    prices = [Decimal(rng.randrange(990, 39900)) / 100 for _ in range(args.products)]
    for order_id in range(1, args.orders + 1):
        day = year_start + timedelta(days=rng.randrange(365))
        sold = []
        for product in rng.sample(range(args.products), rng.choice((1, 1, 2, 3))):
            quantity = rng.choice((1, 1, 2))
            total = prices[product] * quantity
            discount = (total * Decimal("0.1")).quantize(Decimal("0.01")) if rng.random() < 0.3 else Decimal("0.00")
            sold.append(ledger.SoldLine(product + 1, total, discount, quantity,
                                        (prices[product] * Decimal("0.45")).quantize(Decimal("0.01"))))
        subtotal = sum((ln.line_total for ln in sold), Decimal("0.00"))
        discount = sum((ln.discount_total for ln in sold), Decimal("0.00"))
        shipping = Decimal("0.00") if subtotal >= 99 else Decimal("10.00")
        channel = rng.choice(CHANNELS)
        campaign = rng.choice(CAMPAIGNS)
        facts = ledger.SaleFacts(order_id=order_id, number=f"B{order_id:012d}", paid_on=day,
                                 gateway=rng.choice(GATEWAYS), channel=channel, campaign=campaign, subtotal=subtotal,
                                 shipping_total=shipping, discount_total=discount,
                                 grand_total=subtotal + shipping - discount, lines=tuple(sold),
                                 fee_percent=Decimal("0.6"))
        sale, fee = ledger.plan_sale(facts)
        yield sale
        if fee is not None:
            yield fee
        shipped = min(day + timedelta(days=1), year_start + timedelta(days=364))
        cogs = ledger.plan_cost_of_goods(order_id=order_id, number=facts.number, shipped_on=shipped, lines=facts.lines,
                                         channel=channel, campaign=campaign)
        if cogs is not None:
            yield cogs
        yield ledger.plan_shipping_cost(shipment_id=order_id, number=facts.number, shipped_on=shipped,
                                        cost=Decimal("6.50"), channel=channel)
        if rng.random() < 0.04:
            refunded = min(day + timedelta(days=rng.randrange(1, 10)), year_start + timedelta(days=364))
            yield ledger.plan_refund(refund_id=order_id, number=facts.number, refunded_on=refunded, gateway=facts.gateway,
                                     amount=min(facts.grand_total, Decimal("50.00")), channel=channel)


def timed(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return result, round(statistics.median(times), 2), round(max(times), 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reseed", action="store_true", help="delete bench/var/finance and post again")
    args = parser.parse_args()

    import shutil

    if args.reseed and DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tqdm import tqdm

    from dianpu.finance import queries, services
    from dianpu.finance.models import JournalEntry, JournalLine

    year_start = date(2025, 1, 1)
    year_end = year_start + timedelta(days=364)
    timings = {}
    if not JournalEntry.objects.exists():
        bar = tqdm(total=args.orders * 4, desc="postings", unit="entry", unit_scale=True, mininterval=0.5)
        started = time.perf_counter()
        posted = services.post_entries_in_bulk(plans(args, year_start), chunk_size=5000, progress=bar.update)
        bar.close()
        timings["posting_seconds"] = round(time.perf_counter() - started, 1)
        timings["entries_posted"] = posted
    else:
        print("reusing bench/var/finance (pass --reseed to post again)")
    sizes = {"entries": JournalEntry.objects.count(), "lines": JournalLine.objects.count()}

    cases = [
        ("P&L, a year", lambda: queries.get_pnl(year_start, year_end),
         lambda: queries.get_pnl_from_journal(year_start, year_end)),
        ("P&L by month, a year", lambda: queries.get_pnl_series(year_start, year_end, "month"), None),
        ("P&L against the previous quarter", lambda: queries.compare_pnl(date(2025, 10, 1), date(2025, 12, 31)),
         None),
        ("trial balance, year end", lambda: queries.get_trial_balance(year_end), None),
    ]
    rows = []
    for name, rolled, raw in cases:
        result, median, worst = timed(rolled, args.repeat)
        row = {"query": name, "rollups_ms_median": median, "rollups_ms_max": worst}
        if raw is not None:
            raw_result, raw_median, _worst = timed(raw, 1)
            row.update(journal_ms=raw_median, equal=raw_result == result)
        rows.append(row)
    result = {"bench": "finance", "orders": args.orders, **sizes, **timings, "goal_ms": 200, "rows": rows,
              "python": platform.python_version(), "machine": platform.machine()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "finance.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"{'query':<36}{'rollups ms (median)':>22}{'max':>10}{'journal ms':>14}{'equal':>8}")
    for row in rows:
        print(f"{row['query']:<36}{row['rollups_ms_median']:>22}{row['rollups_ms_max']:>10}"
              f"{row.get('journal_ms', ''):>14}{str(row.get('equal', '')):>8}")
    print(f"{sizes['entries']:,} entries, {sizes['lines']:,} lines; goal: a year's P&L under 200 ms from rollups")


if __name__ == "__main__":
    main()

"""Finance at size: a year of books for --orders orders (default 1,000,000), then a year's P&L
from the daily rollups (the goal: under 200 ms) against the same figures from the journal lines,
and a year's margins per product and channel from the margin rollups against the journal.

Seeds a SQLite database in bench/var/finance/. Each order's facts (goods per line, discount,
shipping, the gateway's fee, cost of goods, the carrier's charge, some refunds) are drawn once;
the journal rows are then written by bulk SQL — the same entries and lines the posting code
(finance.domain.ledger.plan_*) makes for those facts, checked equal on a sample of orders
against the real plans before anything is timed — and the rollups (daily per account, margins
per product/channel/campaign by day and month) are summed from the journal in SQL.
`--via-services` posts through finance.services.post_entries_in_bulk instead (slow: ~35 min at
1M orders on a quiet machine).

  .venv/bin/python bench/finance.py --orders 20000 --reseed   # a quick run
  .venv/bin/python bench/finance.py --reseed                  # the full size
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "var" / "finance"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
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

CHANNELS = ("web", "web", "web", "douyin", "xiaohongshu", "tmall")
CAMPAIGNS = ("", "", "", "spring", "618", "double11")
GATEWAYS = ("alipay", "alipay", "wechat_pay", "stripe")
FEE_PERCENT = Decimal("0.6")
CARRIER_FEN = 650
SAMPLE_ORDERS = 500


@dataclass(frozen=True)
class Sold:
    product_id: int
    quantity: int
    total_fen: int
    discount_fen: int
    unit_cost_fen: int


@dataclass(frozen=True)
class OrderFacts:
    order_id: int
    day: date
    shipped: date
    channel: str
    campaign: str
    gateway: str
    lines: tuple[Sold, ...]
    shipping_fen: int
    refunded: date | None
    refund_fen: int

    @property
    def number(self) -> str:
        return f"B{self.order_id:012d}"

    @property
    def subtotal_fen(self) -> int:
        return sum(ln.total_fen for ln in self.lines)

    @property
    def grand_fen(self) -> int:
        return self.subtotal_fen + self.shipping_fen - sum(ln.discount_fen for ln in self.lines)


def _fen(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def order_facts(args, year_start: date):
    """Every order of the year, drawn from the seed: what the shop's tables would hold."""
    rng = random.Random(args.seed)
    prices = [rng.randrange(990, 39900) for _ in range(args.products)]  # fen
    costs = [_fen(Decimal(p) / 100 * Decimal("0.45")) for p in prices]
    last = year_start + timedelta(days=364)
    for order_id in range(1, args.orders + 1):
        day = year_start + timedelta(days=rng.randrange(365))
        sold = []
        for product in rng.sample(range(args.products), rng.choice((1, 1, 2, 3))):
            quantity = rng.choice((1, 1, 2))
            total = prices[product] * quantity
            discount = _fen(Decimal(total) / 100 * Decimal("0.1")) if rng.random() < 0.3 else 0
            sold.append(Sold(product + 1, quantity, total, discount, costs[product]))
        subtotal = sum(ln.total_fen for ln in sold)
        shipping = 0 if subtotal >= 9900 else 1000
        channel, campaign, gateway = rng.choice(CHANNELS), rng.choice(CAMPAIGNS), rng.choice(GATEWAYS)
        refunded, refund = None, 0
        grand = subtotal + shipping - sum(ln.discount_fen for ln in sold)
        if rng.random() < 0.04:
            refunded = min(day + timedelta(days=rng.randrange(1, 10)), last)
            refund = min(grand, 5000)
        yield OrderFacts(
            order_id,
            day,
            min(day + timedelta(days=1), last),
            channel,
            campaign,
            gateway,
            tuple(sold),
            shipping,
            refunded,
            refund,
        )


def plans_of(f: OrderFacts):
    """The entries the handlers post for one order, made by the real planning code."""
    from dianpu.finance.domain import ledger

    def yuan(fen: int) -> Decimal:
        return Decimal(fen) / 100

    lines = tuple(
        ledger.SoldLine(ln.product_id, yuan(ln.total_fen), yuan(ln.discount_fen), ln.quantity, yuan(ln.unit_cost_fen))
        for ln in f.lines
    )
    facts = ledger.SaleFacts(
        order_id=f.order_id,
        number=f.number,
        paid_on=f.day,
        gateway=f.gateway,
        channel=f.channel,
        campaign=f.campaign,
        subtotal=yuan(f.subtotal_fen),
        shipping_total=yuan(f.shipping_fen),
        discount_total=yuan(sum(ln.discount_fen for ln in f.lines)),
        grand_total=yuan(f.grand_fen),
        lines=lines,
        fee_percent=FEE_PERCENT,
    )
    sale, fee = ledger.plan_sale(facts)
    yield sale
    if fee is not None:
        yield fee
    cogs = ledger.plan_cost_of_goods(
        order_id=f.order_id, number=f.number, shipped_on=f.shipped, lines=lines, channel=f.channel, campaign=f.campaign
    )
    if cogs is not None:
        yield cogs
    yield ledger.plan_shipping_cost(
        shipment_id=f.order_id, number=f.number, shipped_on=f.shipped, cost=yuan(CARRIER_FEN), channel=f.channel
    )
    if f.refunded is not None:
        yield ledger.plan_refund(
            refund_id=f.order_id,
            number=f.number,
            refunded_on=f.refunded,
            gateway=f.gateway,
            amount=yuan(f.refund_fen),
            channel=f.channel,
        )


def plans(args, year_start: date):
    for f in order_facts(args, year_start):
        yield from plans_of(f)


# ---- the bulk SQL seed ---------------------------------------------------------------------------

KINDS = ("order_paid", "payment_fee", "order_shipped", "shipment", "refund")  # entry id = order id * 8 + index


def _rows_of(f: OrderFacts):
    """The entries and lines of one order as plain rows — what plans_of(f) posts, in integers."""
    day, shipped = f.day.isoformat(), f.shipped.isoformat()
    base = f.order_id * 8
    clearing = f"clearing.{f.gateway}"
    grand = f.grand_fen
    entries = [(base, day, "order_paid", str(f.order_id), f"订单 {f.number} 付款", grand)]
    lines = [(base, day, clearing, grand, 0, f.channel, None, f.campaign)]
    for ln in f.lines:
        lines.append((base, day, "sales", 0, ln.total_fen, f.channel, ln.product_id, f.campaign))
        if ln.discount_fen:
            lines.append((base, day, "discounts", ln.discount_fen, 0, f.channel, ln.product_id, f.campaign))
    if f.shipping_fen:
        lines.append((base, day, "shipping_revenue", 0, f.shipping_fen, f.channel, None, f.campaign))
    entries[0] = (*entries[0][:5], sum(ln[3] for ln in lines))
    fee = (grand * 6 + 500) // 1000  # 0.6 %, half up to the fen
    if fee:
        entries.append(
            (base + 1, day, "payment_fee", str(f.order_id), f"订单 {f.number} 支付手续费 ({f.gateway})", fee)
        )
        lines += [
            (base + 1, day, "payment_fees", fee, 0, f.channel, None, f.campaign),
            (base + 1, day, clearing, 0, fee, "", None, ""),
        ]
    cogs = [
        (base + 2, shipped, "cogs", ln.unit_cost_fen * ln.quantity, 0, f.channel, ln.product_id, f.campaign)
        for ln in f.lines
        if ln.unit_cost_fen * ln.quantity
    ]
    if cogs:
        total = sum(c[3] for c in cogs)
        entries.append((base + 2, shipped, "order_shipped", str(f.order_id), f"订单 {f.number} 发货成本", total))
        lines += [*cogs, (base + 2, shipped, "inventory", 0, total, "", None, "")]
    entries.append((base + 3, shipped, "shipment", str(f.order_id), f"订单 {f.number} 物流费用", CARRIER_FEN))
    lines += [
        (base + 3, shipped, "shipping_cost", CARRIER_FEN, 0, f.channel, None, ""),
        (base + 3, shipped, "payables", 0, CARRIER_FEN, "", None, ""),
    ]
    if f.refunded is not None:
        refunded = f.refunded.isoformat()
        entries.append((base + 4, refunded, "refund", str(f.order_id), f"订单 {f.number} 退款", f.refund_fen))
        lines += [
            (base + 4, refunded, "refunds", f.refund_fen, 0, f.channel, None, ""),
            (base + 4, refunded, clearing, 0, f.refund_fen, "", None, ""),
        ]
    return entries, lines


def _as_compared(kind, source_id, day, memo, amount, lines) -> tuple:
    return (kind, source_id, day, memo, amount, tuple(sorted(lines, key=lambda x: tuple(str(v) for v in x))))


def check_sample_against_posting_code(args, year_start: date) -> int:
    """The bulk rows of the first SAMPLE_ORDERS orders against the real plans (checked as
    post_entry checks them): the same entries, with the same lines. Raises if any differ."""
    from dianpu.finance.domain import ledger

    ours, theirs = set(), set()
    for n, f in enumerate(order_facts(args, year_start)):
        if n >= SAMPLE_ORDERS:
            break
        entries, lines = _rows_of(f)
        by_entry = {}
        for ln in lines:
            by_entry.setdefault(ln[0], []).append((ln[2], ln[3], ln[4], ln[5], ln[6], ln[7]))
        ours |= {_as_compared(kind, sid, d, memo, amount, by_entry[eid]) for eid, d, kind, sid, memo, amount in entries}
        for plan in plans_of(f):
            plan = ledger.check_entry(plan)
            theirs.add(
                _as_compared(
                    plan.source_kind,
                    plan.source_id,
                    plan.date.isoformat(),
                    plan.memo,
                    plan.debit_fen,
                    [
                        (ln.account, ln.debit_fen, ln.credit_fen, ln.channel, ln.product_id, ln.campaign)
                        for ln in plan.lines
                    ],
                )
            )
    if ours != theirs:
        raise SystemExit(f"bulk rows differ from the posting code: {sorted(ours ^ theirs)[:3]}")
    return len(ours)


def seed_by_sql(args, year_start: date, progress=None) -> int:
    """Write the year's journal by bulk SQL, then its rollups summed from it. Returns the entries."""
    from django.db import connection, transaction

    from dianpu.finance.models import DailyAccountTotal, JournalEntry, JournalLine, MarginTotal
    from dianpu.finance.services import PNL_ACCOUNTS

    entry_t, line_t = JournalEntry._meta.db_table, JournalLine._meta.db_table
    day_t, margin_t = DailyAccountTotal._meta.db_table, MarginTotal._meta.db_table
    now = "2026-01-01 00:00:00"
    count = 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        indexes = cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='{line_t}' AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:  # lines load faster without their indexes; made again at the end
            cursor.execute(f'DROP INDEX "{name}"')
        entries, lines = [], []

        def flush():
            with transaction.atomic():
                cursor.executemany(
                    f"INSERT INTO {entry_t} (id, date, source_kind, source_id, memo, amount_fen, "
                    f"created_at) VALUES (?, ?, ?, ?, ?, ?, '{now}')",
                    entries,
                )
                cursor.executemany(
                    f"INSERT INTO {line_t} (entry_id, date, account, debit_fen, credit_fen, channel, "
                    "product_id, campaign) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    lines,
                )
            entries.clear()
            lines.clear()

        for f in order_facts(args, year_start):
            e, ln = _rows_of(f)
            entries += e
            lines += ln
            count += len(e)
            if len(entries) >= 50_000:
                if progress:
                    progress(len(entries))
                flush()
        if progress:
            progress(len(entries))
        flush()
        for _name, sql in indexes:
            cursor.execute(sql)
        accounts = ", ".join(f"'{a}'" for a in sorted(PNL_ACCOUNTS))
        with transaction.atomic():
            cursor.execute(
                f"INSERT INTO {day_t} (day, account, debit_fen, credit_fen) SELECT date, account, "
                f"SUM(debit_fen), SUM(credit_fen) FROM {line_t} GROUP BY date, account"
            )
            for dimension, key in (
                ("product", "COALESCE(CAST(product_id AS TEXT), '')"),
                ("channel", "channel"),
                ("campaign", "campaign"),
            ):
                for grain, starts in (("day", "date"), ("month", "strftime('%Y-%m-01', date)")):
                    cursor.execute(
                        f"INSERT INTO {margin_t} (grain, dimension, starts_on, dimension_key, account, debit_fen, "
                        f"credit_fen) SELECT '{grain}', '{dimension}', {starts}, {key}, account, SUM(debit_fen), "
                        f"SUM(credit_fen) FROM {line_t} WHERE account IN ({accounts}) GROUP BY {starts}, {key}, account"
                    )
    return count


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
    parser.add_argument(
        "--via-services",
        action="store_true",
        help="seed through finance.services.post_entries_in_bulk (slow) instead of bulk SQL",
    )
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
        started = time.perf_counter()
        if args.via_services:
            bar = tqdm(total=args.orders * 4, desc="postings", unit="entry", unit_scale=True, mininterval=0.5)
            posted = services.post_entries_in_bulk(plans(args, year_start), chunk_size=5000, progress=bar.update)
        else:
            timings["sample_entries_checked"] = check_sample_against_posting_code(args, year_start)
            bar = tqdm(total=args.orders * 4.04, desc="bulk SQL", unit="entry", unit_scale=True, mininterval=0.5)
            posted = seed_by_sql(args, year_start, progress=bar.update)
        bar.close()
        timings["seed"] = "services" if args.via_services else "bulk_sql"
        timings["posting_seconds"] = round(time.perf_counter() - started, 1)
        timings["entries_posted"] = posted
    else:
        print("reusing bench/var/finance (pass --reseed to post again)")
    sizes = {"entries": JournalEntry.objects.count(), "lines": JournalLine.objects.count()}

    cases = [
        (
            "P&L, a year",
            lambda: queries.get_pnl(year_start, year_end),
            lambda: queries.get_pnl_from_journal(year_start, year_end),
        ),
        ("P&L by month, a year", lambda: queries.get_pnl_series(year_start, year_end, "month"), None),
        ("P&L against the previous quarter", lambda: queries.compare_pnl(date(2025, 10, 1), date(2025, 12, 31)), None),
        ("trial balance, year end", lambda: queries.get_trial_balance(year_end), None),
        (
            "margins per product, a year",
            lambda: queries.get_margins("product", year_start, year_end, 500),
            lambda: queries.get_margins("product", year_start, year_end, 500, from_journal=True),
        ),
        (
            "margins per channel, mid-March to mid-June",
            lambda: queries.get_margins("channel", date(2025, 3, 15), date(2025, 6, 14)),
            lambda: queries.get_margins("channel", date(2025, 3, 15), date(2025, 6, 14), from_journal=True),
        ),
        ("margins per category, a year", lambda: queries.get_margins("category", year_start, year_end), None),
    ]
    rows = []
    for name, rolled, raw in cases:
        result, median, worst = timed(rolled, args.repeat)
        row = {"query": name, "rollups_ms_median": median, "rollups_ms_max": worst}
        if raw is not None:
            raw_result, raw_median, _worst = timed(raw, 1)
            row.update(journal_ms=raw_median, equal=raw_result == result)
        rows.append(row)
    result = {
        "bench": "finance",
        "orders": args.orders,
        **sizes,
        **timings,
        "goal_ms": 200,
        "rows": rows,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "finance.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"{'query':<44}{'rollups ms (median)':>22}{'max':>10}{'journal ms':>14}{'equal':>8}")
    for row in rows:
        print(
            f"{row['query']:<44}{row['rollups_ms_median']:>22}{row['rollups_ms_max']:>10}"
            f"{row.get('journal_ms', ''):>14}{str(row.get('equal', '')):>8}"
        )
    print(f"{sizes['entries']:,} entries, {sizes['lines']:,} lines; goal: a year's P&L under 200 ms from rollups")


if __name__ == "__main__":
    main()

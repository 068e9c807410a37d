"""The maintained per-SKU stock summary (StockSummary + DailySkuSales): its only writer.

Called by inventory.services (and purchasing.services for on order) inside their transactions,
right after the stock rows and ledger rows they write:

- `record_moves(moves)`: relative UPDATEs of on hand / reserved / available, today's sales
  bucket (INSERT … ON CONFLICT DO UPDATE sold = sold + n), the last sale, then — with the
  summary rows now locked by that UPDATE — the FIFO age and the verdict of the touched SKUs.
- `add_safety_stock`, `add_on_order`: relative UPDATEs.
- `roll_summaries(today)`: the nightly roll of the 7/14/30-day windows from the day buckets
  (the windows end at the start of today, so a sale today changes them only tomorrow).
- `rebuild_summaries(on_order)`: every row recomputed from the raw tables (levels, ledger).

The verdict is `domain.cover.classify_sku`, the same function the raw recomputation uses.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Max, Sum
from django.utils import timezone

from dianpu import events
from dianpu.catalog.models import Variant

from .domain.cover import VERDICT_WINDOW, calculate_stock_age, classify_sku
from .models import DailySkuSales, StockLevel, StockMove, StockSummary

CHUNK = 500
BUCKET_DAYS = VERDICT_WINDOW + 1
INBOUND_KINDS = (StockMove.Kind.RECEIPT, StockMove.Kind.RETURN, StockMove.Kind.ADJUSTMENT, StockMove.Kind.STOCKTAKE)


@dataclass(frozen=True)
class MoveFact:
    variant_id: int
    kind: str
    on_hand_delta: int
    reserved_delta: int
    at: datetime


def shop_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ensure_rows(variant_ids) -> None:
    """A summary row for each SKU (zeros: a SKU gets its row before its first move).

    One executemany INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL): the columns are
    prepared once from the fields' defaults, not by building a model per SKU."""
    variant_ids = list(variant_ids)
    if not variant_ids:
        return
    today = _today()  # a new row has no sales before today: its windows are current
    fields = StockSummary._meta.concrete_fields
    values = []
    for f in fields:
        if f.primary_key:
            continue
        default = today if f.attname == "rolled_on" else f.get_default()
        values.append(f.get_db_prep_save(default, connection))
    columns = ", ".join(_q(f.column) for f in fields if not f.primary_key)
    pk = _q(StockSummary._meta.pk.column)
    sql = (
        f"INSERT INTO {_q(StockSummary._meta.db_table)} ({pk}, {columns}) "
        f"VALUES ({', '.join(['%s'] * (len(values) + 1))}) ON CONFLICT ({pk}) DO NOTHING"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(variant_ids, 5000):
            cursor.executemany(sql, [(v, *values) for v in chunk])


def _add(rows: list[tuple[int, int, int, int]]) -> None:
    """Relative UPDATE of (variant id, on hand +, reserved +, safety stock +) rows."""
    table = _q(StockSummary._meta.db_table)
    for chunk in _chunks(rows):
        values = ", ".join(
            ["(CAST(%s AS BIGINT), CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS INTEGER))"] * len(chunk)
        )
        sql = (
            f"UPDATE {table} SET on_hand = {table}.on_hand + d.column2, reserved = {table}.reserved + d.column3, "
            f"available = {table}.available + d.column2 - d.column3, "
            f"safety_stock = {table}.safety_stock + d.column4 "
            f"FROM (VALUES {values}) AS d WHERE {table}.variant_id = d.column1"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [v for row in chunk for v in row])


def _add_to_buckets(rows: list[tuple[int, date, int, int]]) -> None:
    """(variant id, day, sold +, returned +) into the day buckets."""
    table = _q(DailySkuSales._meta.db_table)
    sql = (
        f"INSERT INTO {table} (variant_id, day, sold, returned) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (variant_id, day) DO UPDATE SET sold = {table}.sold + excluded.sold, "
        f"returned = {table}.returned + excluded.returned"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(v, d, s, r) for v, d, s, r in rows])


def record_moves(moves: list[MoveFact]) -> None:
    """Apply ledger rows just written to the summary (caller's transaction)."""
    if not moves:
        return
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    buckets: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    last_sale: dict[int, datetime] = {}
    sale, return_ = StockMove.Kind.SALE, StockMove.Kind.RETURN  # read once: an import passes 100,000 moves
    for m in moves:
        d = deltas[m.variant_id]
        d[0] += m.on_hand_delta
        d[1] += m.reserved_delta
        if m.kind == sale:
            buckets[(m.variant_id, shop_day(m.at))][0] += -m.on_hand_delta
            last_sale[m.variant_id] = max(m.at, last_sale.get(m.variant_id, m.at))
        elif m.kind == return_ and m.on_hand_delta > 0:
            buckets[(m.variant_id, shop_day(m.at))][1] += m.on_hand_delta
    ids = sorted(deltas)  # primary-key order: two transactions lock summary rows in the same order
    sold_or_returned = {v for v, _day in buckets} | set(last_sale)
    settled = _insert_new_rows([v for v in ids if v not in sold_or_returned], moves, deltas)
    all_ids, ids = ids, [v for v in ids if v not in settled]
    _ensure_rows(ids)
    _add([(v, deltas[v][0], deltas[v][1], 0) for v in ids])
    if buckets:
        _add_to_buckets([(v, day, s, r) for (v, day), (s, r) in sorted(buckets.items())])
        for v, day in buckets:
            # a move dated before the row's last roll (a clock set back, a late import) falls in
            # windows already summed: the row is rolled again before it is next read
            StockSummary.objects.filter(variant_id=v, rolled_on__gt=day).update(rolled_on=None)
    for variant_id, at in last_sale.items():
        StockSummary.objects.filter(variant_id=variant_id).exclude(last_sale_at__gte=at).update(last_sale_at=at)
    refresh_verdicts(ids, age_too=[v for v in ids if deltas[v][0] != 0])
    changed = tuple(v for v in all_ids if deltas[v][0] != deltas[v][1])  # available = on hand − reserved
    if changed:
        events.publish(events.StockChanged(variant_ids=changed))


def _at(arrival: tuple[datetime, int]) -> datetime:
    return arrival[0]


def _insert_new_rows(candidates: list[int], moves: list[MoveFact], deltas: dict[int, list[int]]) -> set[int]:
    """The summary rows of SKUs that have none yet (their first moves, e.g. an import's new
    SKUs), written whole in one pass: on hand, reserved and available are the moves' sums, the
    FIFO age comes from these moves' arrivals (a SKU has no earlier ledger rows: every move gets
    its row here), no sales, safety stock 0, the verdict of those figures. One INSERT … ON
    CONFLICT DO NOTHING RETURNING per chunk; a row that exists (or was inserted meanwhile by
    another transaction) is not returned and goes through the relative path. Returns the SKUs
    written. `candidates` (sorted) have no sale or return in `moves`."""
    if not candidates or not connection.features.can_return_rows_from_bulk_insert:
        return set()
    wanted = set(candidates)
    arrivals: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for m in moves:  # in ledger (id) order
        if m.variant_id in wanted and m.on_hand_delta > 0 and m.kind in INBOUND_KINDS:
            arrivals[m.variant_id].append((m.at, m.on_hand_delta))
    today = _today()
    days: dict[datetime, date] = {}  # an import's moves share one time: localise it once
    computed = (
        "variant_id",
        "on_hand",
        "reserved",
        "available",
        "oldest_unit_on",
        "action",
        "days_of_cover",
        "is_slow",
    )
    fixed = [f for f in StockSummary._meta.concrete_fields if f.attname not in computed]
    fixed_values = tuple(
        f.get_db_prep_save(today if f.attname == "rolled_on" else f.get_default(), connection) for f in fixed
    )
    date_field = StockSummary._meta.get_field("oldest_unit_on")
    prepared_dates: dict[date | None, Any] = {}
    verdicts: dict[tuple[int, int | None], tuple[str, str | None, bool]] = {}
    rows = []
    for v in candidates:
        on_hand, reserved = deltas[v]
        # newest first, as inbound_by_variant reads them (-created_at, -id): a stable sort of the reversed list
        inbound = []
        for at, units in sorted(arrivals.get(v, [])[::-1], key=_at, reverse=True):
            if at not in days:
                days[at] = shop_day(at)
            inbound.append((days[at], units))
        oldest = oldest_unit_on(on_hand, inbound, today)
        if oldest not in prepared_dates:
            prepared_dates[oldest] = date_field.get_db_prep_save(oldest, connection)
        age = None if oldest is None else max(0, (today - oldest).days)
        key = (on_hand - reserved, age)
        if key not in verdicts:
            verdict = classify_sku(available=key[0], safety_stock=0, sold_in_verdict_window=0, age_days=age)
            cover = None if verdict.days_of_cover is None else str(verdict.days_of_cover)
            verdicts[key] = (verdict.action, cover, verdict.is_slow)
        rows.append((v, on_hand, reserved, on_hand - reserved, prepared_dates[oldest], *verdicts[key], *fixed_values))
    table, pk = _q(StockSummary._meta.db_table), _q(StockSummary._meta.pk.column)
    names = [StockSummary._meta.get_field(name).column for name in computed] + [f.column for f in fixed]
    columns = ", ".join(_q(name) for name in names)
    one = f"({', '.join(['%s'] * len(names))})"
    written: set[int] = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "
                f"ON CONFLICT ({pk}) DO NOTHING RETURNING {pk}",
                [x for row in chunk for x in row],
            )
            written.update(v for (v,) in cursor.fetchall())
    return written


def add_safety_stock(variant_id: int, delta: int) -> None:
    if delta:
        _ensure_rows([variant_id])
        _add([(variant_id, 0, 0, delta)])
        refresh_verdicts([variant_id])


def add_on_order(deltas: dict[int, int]) -> None:
    """Relative change of the units on order from suppliers (purchasing.services)."""
    ids = sorted(v for v, d in deltas.items() if d)
    _ensure_rows(ids)
    table = _q(StockSummary._meta.db_table)
    with connection.cursor() as cursor:
        for v in ids:
            cursor.execute(f"UPDATE {table} SET on_order = on_order + %s WHERE variant_id = %s", [deltas[v], v])


def _today() -> date:
    from dianpu.core import clock

    return shop_day(clock.now())


def inbound_by_variant(variant_ids) -> dict[int, list[tuple[date, int]]]:
    """Arrivals (day, units) newest first per SKU, over all warehouses, for the FIFO age."""
    moves = StockMove.objects.filter(on_hand_delta__gt=0, kind__in=INBOUND_KINDS)
    if variant_ids is not None:
        moves = moves.filter(variant_id__in=variant_ids)
    result: dict[int, list[tuple[date, int]]] = {}
    days: dict[datetime, date] = {}  # moves written together share one time: localise it once
    for variant_id, at, units in (
        moves.order_by("variant_id", "-created_at", "-id")
        .values_list("variant_id", "created_at", "on_hand_delta")
        .iterator(chunk_size=5000)
    ):
        if at not in days:
            days[at] = shop_day(at)
        result.setdefault(variant_id, []).append((days[at], units))
    return result


def oldest_unit_on(on_hand: int, inbound: list[tuple[date, int]], today: date) -> date | None:
    age = calculate_stock_age(on_hand, inbound, today)
    return None if age is None else today - timedelta(days=age)


def refresh_verdicts(variant_ids, age_too=()) -> None:
    """Recompute the FIFO age (of `age_too`, some of `variant_ids`) and the verdict of SKUs whose
    rows this transaction has just updated (so they are locked: the figures read are the ones
    committed with it). One read and one executemany UPDATE per chunk."""
    today = _today()
    aged = set(age_too)
    table = _q(StockSummary._meta.db_table)
    field = StockSummary._meta.get_field("oldest_unit_on")
    sql = (
        f"UPDATE {table} SET {_q(field.column)} = %s, action = %s, days_of_cover = %s, is_slow = %s "
        "WHERE variant_id = %s"
    )
    for chunk in _chunks(list(variant_ids)):
        chunk_aged = [v for v in chunk if v in aged]
        inbound = inbound_by_variant(chunk_aged) if chunk_aged else {}
        out = []
        for v, on_hand, available, safety, sold_30, oldest in StockSummary.objects.filter(
            variant_id__in=chunk
        ).values_list("variant_id", "on_hand", "available", "safety_stock", "sold_30", "oldest_unit_on"):
            if v in aged:
                oldest = oldest_unit_on(on_hand, inbound.get(v, []), today)
            verdict = classify_sku(
                available=available,
                safety_stock=safety,
                sold_in_verdict_window=sold_30,
                age_days=None if oldest is None else max(0, (today - oldest).days),
            )
            cover = None if verdict.days_of_cover is None else str(verdict.days_of_cover)
            out.append((field.get_db_prep_save(oldest, connection), verdict.action, cover, verdict.is_slow, v))
        with connection.cursor() as cursor:
            cursor.executemany(sql, out)


# --- the nightly roll ---------------------------------------------------------------------------


def _window_sums(today: date) -> dict[int, tuple[int, int, int, int, int]]:
    """Per SKU from the buckets: sold yesterday, in 7, 14 and 30 days, returned in 7 days."""
    sums: dict[int, list[int]] = {}
    rows = (
        DailySkuSales.objects.filter(day__gte=today - timedelta(days=VERDICT_WINDOW), day__lt=today)
        .values_list("variant_id", "day", "sold", "returned")
        .iterator(chunk_size=10000)
    )
    for v, day, sold, returned in rows:
        ago = (today - day).days  # 1 = yesterday
        s = sums.setdefault(v, [0, 0, 0, 0, 0])
        if ago == 1:
            s[0] += sold
        if ago <= 7:
            s[1] += sold
            s[4] += returned
        if ago <= 14:
            s[2] += sold
        s[3] += sold
    return {v: tuple(s) for v, s in sums.items()}


def _missing_variant_ids() -> list[int]:
    return list(Variant.objects.filter(stock_summary__isnull=True).values_list("pk", flat=True))


def roll_summaries(today: date | None = None) -> int:
    """Move the windows to end at the start of `today` and re-judge every SKU (the age grows
    too). Writes only the window columns and the verdict; a SKU whose available or safety stock
    moved meanwhile is re-judged from its locked row. Returns the SKUs rolled."""
    today = today or _today()
    _ensure_rows(_missing_variant_ids())
    sums = _window_sums(today)
    zero = (0, 0, 0, 0, 0)
    table = _q(StockSummary._meta.db_table)
    rows = list(
        StockSummary.objects.values_list("variant_id", "available", "safety_stock", "oldest_unit_on")
        .order_by("variant_id")
        .iterator(chunk_size=10000)
    )
    moved = []
    for chunk in _chunks(rows, 2000):
        values = []
        for v, available, safety, oldest in chunk:
            s = sums.get(v, zero)
            verdict = classify_sku(
                available=available,
                safety_stock=safety,
                sold_in_verdict_window=s[3],
                age_days=None if oldest is None else max(0, (today - oldest).days),
            )
            values.append(
                (
                    v,
                    available,
                    safety,
                    *s,
                    verdict.action,
                    None if verdict.days_of_cover is None else str(verdict.days_of_cover),
                    verdict.is_slow,
                )
            )
        placeholders = ", ".join(
            [
                "(CAST(%s AS BIGINT), CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS INTEGER), "
                "CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS INTEGER), "
                "CAST(%s AS VARCHAR(10)), CAST(%s AS DECIMAL(12, 1)), CAST(%s AS BOOLEAN))"
            ]
            * len(values)
        )
        sql = (
            f"UPDATE {table} SET sold_yesterday = d.column4, sold_7 = d.column5, sold_14 = d.column6, "
            f"sold_30 = d.column7, returned_7 = d.column8, action = d.column9, days_of_cover = d.column10, "
            f"is_slow = d.column11, rolled_on = %s FROM (VALUES {placeholders}) AS d "
            f"WHERE {table}.variant_id = d.column1"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [today] + [x for row in values for x in row])
        current = {
            v: (a, s)
            for v, a, s in StockSummary.objects.filter(variant_id__in=[r[0] for r in chunk]).values_list(
                "variant_id", "available", "safety_stock"
            )
        }
        moved += [v for v, available, safety, *_rest in values if current.get(v) != (available, safety)]
    if moved:
        refresh_verdicts(moved)
    DailySkuSales.objects.filter(day__lt=today - timedelta(days=BUCKET_DAYS)).delete()
    return len(rows)


def needs_roll(today: date | None = None) -> bool:
    today = today or _today()
    return StockSummary.objects.exclude(rolled_on=today).exists()


# --- rebuild from the raw tables -----------------------------------------------------------------


def rebuild_summaries(on_order: dict[int, int] | None = None, today: date | None = None) -> int:
    """Every SKU's summary and the recent day buckets recomputed from stock levels and the
    ledger (and `on_order` from purchasing); then rolled to `today`. Returns the SKUs."""
    today = today or _today()
    on_order = on_order or {}
    since = timezone.make_aware(datetime.combine(today - timedelta(days=BUCKET_DAYS), datetime.min.time()))
    DailySkuSales.objects.all().delete()
    buckets: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for v, kind, delta, at in (
        StockMove.objects.filter(kind__in=(StockMove.Kind.SALE, StockMove.Kind.RETURN), created_at__gte=since)
        .values_list("variant_id", "kind", "on_hand_delta", "created_at")
        .iterator(chunk_size=10000)
    ):
        if kind == StockMove.Kind.SALE:
            buckets[(v, shop_day(at))][0] += -delta
        elif delta > 0:
            buckets[(v, shop_day(at))][1] += delta
    DailySkuSales.objects.bulk_create(
        [DailySkuSales(variant_id=v, day=d, sold=s, returned=r) for (v, d), (s, r) in buckets.items()], batch_size=2000
    )
    levels = {
        r["variant_id"]: r
        for r in StockLevel.objects.values("variant_id").annotate(
            on_hand=Sum("on_hand"), reserved=Sum("reserved"), safety=Sum("safety_stock")
        )
    }
    last_sale = dict(
        StockMove.objects.filter(kind=StockMove.Kind.SALE)
        .values("variant_id")
        .annotate(at=Max("created_at"))
        .values_list("variant_id", "at")
    )
    StockSummary.objects.all().delete()
    variant_ids = list(Variant.objects.order_by("pk").values_list("pk", flat=True))
    empty = {"on_hand": 0, "reserved": 0, "safety": 0}
    for chunk in _chunks(variant_ids, 5000):
        inbound = inbound_by_variant(chunk)
        rows = []
        for v in chunk:
            s = levels.get(v, empty)
            rows.append(
                StockSummary(
                    variant_id=v,
                    on_hand=s["on_hand"],
                    reserved=s["reserved"],
                    available=s["on_hand"] - s["reserved"],
                    safety_stock=s["safety"],
                    on_order=max(0, on_order.get(v, 0)),
                    last_sale_at=last_sale.get(v),
                    oldest_unit_on=oldest_unit_on(s["on_hand"], inbound.get(v, []), today),
                )
            )
        StockSummary.objects.bulk_create(rows, batch_size=2000)
    roll_summaries(today)
    return len(variant_ids)

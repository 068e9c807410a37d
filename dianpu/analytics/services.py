"""Analytics use cases: record tracking events, fold them into rollups, keep the order rollups
in step with orders (called by handlers.py inside the order change's transaction)."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Model

from dianpu.core import clock
from dianpu.orders.models import Order, OrderLine
from dianpu.payments.models import Refund

from .domain.buyers import BuyerFigures, cell_changes, cohort_cells
from .domain.refunds import split_refund
from .domain.rfm import high_value_fen, rfm_band
from .domain.tracking import BROWSER_KINDS, MAX_EVENTS_PER_BATCH, Kind, Stage, stage_of
from .models import (
    BuyerMonth,
    BuyerSummary,
    CohortMonth,
    CountedRefund,
    DailyProductStat,
    DailySourceStat,
    DailyStat,
    FoldCursor,
    OrderFact,
    ProductBuyerDay,
    ProductVisitorDay,
    RfmCell,
    RfmCellRule,
    TrackingEvent,
    VisitorDay,
    VisitorReturnDay,
    VisitStage,
)
from .queries import rfm_rule
from .shopdays import local_day

TRACKING_CURSOR = "tracking"
FOLD_BATCH = 5000

Progress = Callable[[int], object]
"""Told how many more rows were done (a tqdm bar's update)."""
FoldRow = tuple[int, date, datetime, str, str, str, int | None, int, str, str, str]
"""A tracking event as the fold reads it: id, day, at, kind, visitor, session, product, dwell, channel,
source, device."""
Deltas = dict[tuple[Any, ...], Counter[str]]
"""Rollup figures to add, per row key."""


# --- recording -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitContext:
    """Who is visiting and where the visit came from (first touch), from the tracking cookies."""

    visitor_id: str
    session_id: str
    channel: str
    source: str
    utm_campaign: str
    device: str


@dataclass(frozen=True)
class EventInput:
    kind: str
    path: str = ""
    product_id: int | None = None
    order_id: int | None = None
    dwell_ms: int = 0


def record_events(context: VisitContext, events: list[EventInput], *, from_browser: bool = True) -> int:
    """Append events to the buffer: one INSERT, no reads, so tracking never slows a page."""
    now = clock.now()
    day = local_day(now)
    allowed = BROWSER_KINDS if from_browser else set(Kind)
    rows = [
        TrackingEvent(
            day=day,
            occurred_at=now,
            kind=e.kind,
            visitor_id=context.visitor_id[:64],
            session_id=context.session_id[:64],
            path=e.path[:300],
            product_id=e.product_id,
            order_id=e.order_id,
            dwell_ms=max(0, min(int(e.dwell_ms), 3_600_000)),
            channel=context.channel[:20],
            source=context.source[:100],
            utm_campaign=context.utm_campaign[:100],
            device=context.device[:10],
        )
        for e in events[:MAX_EVENTS_PER_BATCH]
        if e.kind in allowed
    ]
    if rows:
        TrackingEvent.objects.bulk_create(rows)
    return len(rows)


# --- bumping rollup rows (concurrency-safe: create if missing, then one relative UPDATE) ------


def _bump(model: type[Model], keys: dict[str, Any], deltas: dict[str, Any]) -> None:
    """Add `deltas` to the row with `keys` (unique together), creating it with its defaults first:
    one INSERT … ON CONFLICT DO UPDATE (SQLite ≥ 3.24, PostgreSQL), atomic under concurrent bumps."""
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    fields = {f.name: f for f in model._meta.concrete_fields}
    others = [f for f in fields.values() if f.name not in keys and f.name not in deltas and not f.primary_key]
    values = [
        *(fields[name].get_db_prep_save(value, connection) for name, value in keys.items()),
        *(fields[name].get_db_prep_save(value, connection) for name, value in deltas.items()),
        *(f.get_db_prep_save(f.get_default(), connection) for f in others),
    ]
    quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
    column = {name: quote(str(f.column)) for name, f in fields.items()}
    columns = [column[name] for name in [*keys, *deltas]] + [column[f.name] for f in others]
    added = ", ".join(f"{column[n]} = {table}.{column[n]} + excluded.{column[n]}" for n in deltas)
    conflict = ", ".join(column[name] for name in keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {added}",
            values,
        )


# --- folding tracking events -----------------------------------------------------------------


def fold_tracking_events(
    *, batch_size: int = FOLD_BATCH, lag_seconds: int | None = None, progress: Progress | None = None
) -> int:
    """Fold new tracking events into the rollups, batch by batch. Safe to run twice or
    concurrently: each batch locks the cursor, and the cursor moves in the batch's transaction.
    Events younger than `lag_seconds` wait for the next run (an insert still committing)."""
    lag = settings.ANALYTICS_FOLD_LAG_SECONDS if lag_seconds is None else lag_seconds
    cutoff = clock.now() - timedelta(seconds=lag)
    total = 0
    while True:
        folded, more = _fold_batch(batch_size, cutoff)
        total += folded
        if progress is not None:
            progress(folded)
        if not more:
            return total


@transaction.atomic
def _fold_batch(batch_size: int, cutoff: datetime) -> tuple[int, bool]:
    FoldCursor.objects.get_or_create(name=TRACKING_CURSOR)
    cursor = FoldCursor.objects.select_for_update().get(name=TRACKING_CURSOR)
    rows = list(
        TrackingEvent.objects.filter(id__gt=cursor.last_id)
        .order_by("id")
        .values_list(
            "id",
            "day",
            "occurred_at",
            "kind",
            "visitor_id",
            "session_id",
            "product_id",
            "dwell_ms",
            "channel",
            "source",
            "device",
        )[:batch_size]
    )
    ready = []
    for row in rows:
        if row[2] > cutoff:
            break
        ready.append(row)
    if not ready:
        return 0, False
    fold_rows(ready)
    FoldCursor.objects.filter(name=TRACKING_CURSOR).update(last_id=ready[-1][0])
    return len(ready), len(ready) == batch_size


def fold_rows(rows: Iterable[FoldRow]) -> None:
    """Apply a batch of (id, day, at, kind, visitor, session, product, dwell, channel, source, device)."""
    day_deltas: dict[date, Counter[str]] = defaultdict(Counter)
    product_deltas: Deltas = defaultdict(Counter)
    visitor_days: set[tuple[date, str]] = set()
    members: set[tuple[date, int, str, str]] = set()  # (day, product, kind, visitor)
    sessions: dict[str, list[Any]] = {}  # session -> [day, visitor, channel, source, device, stage]
    paid_sessions: set[str] = set()
    for _id, day, _at, kind, visitor, session, product, dwell, channel, source, device in rows:
        if kind == Kind.PAID:  # not a visit of its own: it raises the visit it names to "paid"
            paid_sessions.add(session)
            continue
        visitor_days.add((day, visitor))
        if kind == Kind.PAGE_VIEW:
            day_deltas[day]["page_views"] += 1
        if product is not None:
            figures = product_deltas[(day, product)]
            if kind == Kind.PRODUCT_VIEW:
                figures["views"] += 1
                members.add((day, product, "view", visitor))
            elif kind == Kind.ADD_TO_CART:
                figures["add_to_carts"] += 1
                members.add((day, product, "cart", visitor))
            elif kind == Kind.LEAVE and dwell:
                figures["dwell_ms"] += dwell
                figures["dwell_samples"] += 1
            elif kind == Kind.LIST_IMPRESSION:
                figures["list_impressions"] += 1
            elif kind == Kind.LIST_CLICK:
                figures["list_clicks"] += 1
        stage = stage_of(kind)
        if session not in sessions:
            sessions[session] = [day, visitor, channel, source, device, stage]
        elif stage > sessions[session][5]:
            sessions[session][5] = stage

    # distinct visitors per day, and per product and day: count only memberships that are new
    new_visitor_days = _insert_new(VisitorDay, ("day", "visitor_id"), visitor_days)
    for day, _visitor in new_visitor_days:
        day_deltas[day]["visitors"] += 1
    returns = _link_visitor_days(set(new_visitor_days))
    for day, product, kind, _visitor in _insert_new(
        ProductVisitorDay, ("day", "product_id", "kind", "visitor_id"), members
    ):
        product_deltas[(day, product)]["visitors" if kind == "view" else "cart_visitors"] += 1

    # visits and the furthest funnel stage each reached
    source_deltas: Deltas = defaultdict(Counter)
    existing: dict[str, tuple[str, date, str, str, str, int]] = {}
    for session in paid_sessions & sessions.keys():
        sessions[session][5] = int(Stage.PAID)
    paid_elsewhere = paid_sessions - sessions.keys()
    session_ids = list(sessions) + list(paid_elsewhere)
    for offset in range(0, len(session_ids), 5000):
        existing.update(
            {
                row[0]: row
                for row in VisitStage.objects.filter(session_id__in=session_ids[offset : offset + 5000]).values_list(
                    "session_id", "day", "channel", "source", "device", "stage"
                )
            }
        )
    new_stages, raised = [], []
    for session in paid_elsewhere:  # a visit folded before: raise it (a paid event of no visit is ignored)
        known = existing.get(session)
        if known is not None and known[5] < Stage.PAID:
            raised.append((int(Stage.PAID), session))
            for reached in range(known[5] + 1, int(Stage.PAID) + 1):
                source_deltas[known[1:5]][STAGE_COLUMNS[reached]] += 1
    for session, (day, visitor, channel, source, device, stage) in sessions.items():
        known = existing.get(session)
        if known is None:
            new_stages.append(
                VisitStage(
                    session_id=session,
                    day=day,
                    visitor_id=visitor,
                    channel=channel,
                    source=source,
                    device=device,
                    stage=stage,
                )
            )
            key, before = (day, channel, source, device), 0
            day_deltas[day]["visits"] += 1
        elif stage > known[5]:
            raised.append((stage, session))
            key, before = known[1:5], known[5]
        else:
            continue
        for reached in range(before + 1, stage + 1):
            source_deltas[key][STAGE_COLUMNS[reached]] += 1
    VisitStage.objects.bulk_create(new_stages, batch_size=2000)
    if raised:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {VisitStage._meta.db_table} SET stage = %s WHERE session_id = %s", raised)

    _add_figures(DailyStat, ("day",), {(d,): f for d, f in day_deltas.items()}, FOLD_DAY_COLUMNS)
    _add_figures(VisitorReturnDay, ("day", "prev_day"), returns, ("visitors",))
    _add_figures(DailyProductStat, ("day", "product_id"), product_deltas, FOLD_PRODUCT_COLUMNS)
    _add_figures(DailySourceStat, ("day", "channel", "source", "device"), source_deltas, FOLD_SOURCE_COLUMNS)


def _link_visitor_days(new_rows: set[tuple[date, str]]) -> Deltas:
    """Set prev_day (the visitor's previous day seen) on the membership rows of the visitors of
    `new_rows` ((day, visitor) just inserted) where it changed: a new row, and the row after a day
    inserted late. Returns the VisitorReturnDay deltas. Folds are serialized by the cursor lock."""
    returns: Deltas = defaultdict(Counter)
    if not new_rows:
        return returns
    table = VisitorDay._meta.db_table
    visitors = list({visitor for _day, visitor in new_rows})
    changed = []
    for offset in range(0, len(visitors), 900):
        days_of: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
        for visitor, day, prev in VisitorDay.objects.filter(visitor_id__in=visitors[offset : offset + 900]).values_list(
            "visitor_id", "day", "prev_day"
        ):
            days_of[visitor].append((day, prev))
        for visitor, rows in days_of.items():
            rows.sort()
            before = None
            for day, prev in rows:
                if (day, visitor) in new_rows:
                    returns[(day, before or NEVER)]["visitors"] += 1
                elif prev != before:
                    returns[(day, prev or NEVER)]["visitors"] -= 1
                    returns[(day, before or NEVER)]["visitors"] += 1
                if prev != before:
                    changed.append((_db_value(before), visitor, _db_value(day)))
                before = day
    if changed:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET prev_day = %s WHERE visitor_id = %s AND day = %s", changed)
    return returns


NEVER = date.min  # VisitorReturnDay.prev_day of a visitor's first day


FOLD_DAY_COLUMNS = ("visitors", "visits", "page_views")
FOLD_PRODUCT_COLUMNS = (
    "views",
    "visitors",
    "dwell_ms",
    "dwell_samples",
    "add_to_carts",
    "cart_visitors",
    "list_impressions",
    "list_clicks",
)
FOLD_SOURCE_COLUMNS = (
    "visits",
    "product_view_visits",
    "cart_visits",
    "checkout_visits",
    "purchase_visits",
    "paid_visits",
)


def _db_value(value: Any) -> Any:
    return connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value


def _insert_new(model: type[Model], columns: tuple[str, ...], keys: set[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Insert membership rows, skipping those already there; returns the ones that were new.
    One multi-row INSERT … ON CONFLICT DO NOTHING RETURNING per chunk (SQLite ≥ 3.35, PostgreSQL)."""
    if not keys:
        return []
    table = model._meta.db_table
    days = {_db_value(k[0]): k[0] for k in keys}  # the RETURNING day comes back as text on SQLite
    ordered = list(keys)
    inserted = []
    per_chunk = max(1, 900 // len(columns))
    with connection.cursor() as cursor:
        for offset in range(0, len(ordered), per_chunk):
            chunk = ordered[offset : offset + per_chunk]
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            params = [_db_value(v) for key in chunk for v in key]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders} "
                f"ON CONFLICT DO NOTHING RETURNING {', '.join(columns)}",
                params,
            )
            for row in cursor.fetchall():
                day = row[0] if isinstance(row[0], date) else days[str(row[0])]
                inserted.append((day, *row[1:]))
    return inserted


def _add_figures(model: type[Model], key_fields: tuple[str, ...], deltas: Deltas, columns: tuple[str, ...]) -> None:
    """Add `deltas` ({key tuple: {column: delta}}) to rollup rows: one read, one upsert.

    Only the fold writes these columns (the order handlers write others, and folds are serialized
    by the cursor lock), so "read, add, write back" cannot lose an update; a row created meanwhile
    by an order handler holds zeros in these columns, which the upsert then sets."""
    if not deltas:
        return
    by_first: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    for key in deltas:
        by_first[key[0]].append(key)
    existing = {}
    for first, keys in by_first.items():  # one read per day: no cross product of days × products
        filters = {key_fields[0]: first}
        filters.update({f"{name}__in": {key[i] for key in keys} for i, name in enumerate(key_fields) if i})
        existing.update(
            {
                tuple(row[: len(key_fields)]): row[len(key_fields) :]
                for row in model._default_manager.filter(**filters).values_list(*key_fields, *columns)
            }
        )
    table = model._meta.db_table
    fields = {f.name: f for f in model._meta.concrete_fields}
    key_columns = [str(fields[name].column) for name in key_fields]
    other_fields = [
        f for f in fields.values() if f.column not in key_columns and f.column not in columns and not f.primary_key
    ]
    others = [str(f.column) for f in other_fields]
    defaults = [f.get_default() for f in other_fields]
    all_columns = [*key_columns, *columns, *others]
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(all_columns)}) VALUES ({', '.join(['%s'] * len(all_columns))}) "
        f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}"
    )
    params = []
    for key, figures in deltas.items():
        before = existing.get(key, (0,) * len(columns))
        params.append(
            [*(_db_value(k) for k in key), *(before[i] + figures.get(c, 0) for i, c in enumerate(columns)), *defaults]
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


STAGE_COLUMNS = {
    1: "visits",
    2: "product_view_visits",
    3: "cart_visits",
    4: "checkout_visits",
    5: "purchase_visits",
    6: "paid_visits",
}


# --- orders (called by handlers.py, inside the order change's transaction) --------------------


def _product_lines(order_id: int) -> dict[int, tuple[int, Decimal]]:
    """product id -> (units, line total) of an order."""
    totals: dict[int, list[Any]] = {}  # product -> [units, line total]
    for product, quantity, line_total in OrderLine.objects.filter(order_id=order_id).values_list(
        "product_id_snapshot", "quantity", "line_total"
    ):
        if product is None:
            continue
        entry = totals.setdefault(product, [0, Decimal("0.00")])
        entry[0] += quantity
        entry[1] += line_total
    return {p: (u, s) for p, (u, s) in totals.items()}


def _insert_order_fact(fact: OrderFact) -> bool:
    """Insert the order's fact row unless it is there already; True when this call inserted it."""
    fields = list(OrderFact._meta.concrete_fields)
    quote, table = connection.ops.quote_name, str(OrderFact._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING {quote('order_id')}",
            [f.get_db_prep_save(getattr(fact, f.attname), connection) for f in fields],
        )
        return cursor.fetchone() is not None


def count_order_placed(order_id: int) -> None:
    """An order was placed: it counts in its day's orders and sales, and per product."""
    order = Order.objects.only("id", "email", "grand_total", "placed_at").get(pk=order_id)
    day = local_day(order.placed_at)
    is_new = (
        not Order.objects.filter(email=order.email, placed_at__lt=order.placed_at)
        .exclude(status=Order.Status.CANCELLED)
        .exclude(pk=order.pk)
        .exists()
    )
    if not _insert_order_fact(
        OrderFact(order_id=order.pk, day=day, email=order.email, grand_total=order.grand_total, is_new_customer=is_new)
    ):
        return  # counted already
    count_buyer_order(order.email, day, order.grand_total)
    _bump(
        DailyStat,
        {"day": day},
        {"orders": 1, "sales": order.grand_total, "new_customer_orders" if is_new else "returning_customer_orders": 1},
    )
    for product, (units, sales) in _product_lines(order.pk).items():
        _bump(DailyProductStat, {"day": day, "product_id": product}, {"units": units, "sales": sales})


def _count_buyer(fact: OrderFact, sign: int) -> None:
    for product in _product_lines(fact.order_id):
        keys: dict[str, Any] = {"day": fact.day, "product_id": product, "email": fact.email}
        ProductBuyerDay.objects.get_or_create(**keys)
        ProductBuyerDay.objects.filter(**keys).update(orders=F("orders") + sign)
        now_orders = ProductBuyerDay.objects.filter(**keys).values_list("orders", flat=True).get()
        if (sign > 0 and now_orders == 1) or (sign < 0 and now_orders == 0):
            _bump(DailyProductStat, {"day": fact.day, "product_id": product}, {"buyers": sign})


def count_order_changed(order_id: int) -> None:
    """After a transition: a newly paid order counts its buyer; a cancelled one takes back all it counted."""
    order = Order.objects.only("id", "status", "paid_at").get(pk=order_id)
    fact = OrderFact.objects.filter(order_id=order_id).first()
    if fact is None:
        return
    if order.status == Order.Status.CANCELLED:
        if OrderFact.objects.filter(order_id=order_id, cancelled=False).update(cancelled=True) != 1:
            return
        recount_buyer(fact.email)
        _bump(
            DailyStat,
            {"day": fact.day},
            {
                "orders": -1,
                "sales": -fact.grand_total,
                "new_customer_orders" if fact.is_new_customer else "returning_customer_orders": -1,
            },
        )
        for product, (units, sales) in _product_lines(order_id).items():
            _bump(DailyProductStat, {"day": fact.day, "product_id": product}, {"units": -units, "sales": -sales})
        if fact.paid:
            _count_buyer(fact, -1)
    elif order.paid_at is not None:
        if OrderFact.objects.filter(order_id=order_id, paid=False, cancelled=False).update(paid=True) == 1:
            _count_buyer(fact, +1)
            record_order_paid(order_id)


def record_paid_if_paid_already(order_id: int) -> None:
    """After a purchase event: an order paid before its purchase event was recorded (e.g. nothing to pay)."""
    if Order.objects.filter(pk=order_id, paid_at__isnull=False).exists():
        record_order_paid(order_id)


def record_order_paid(order_id: int) -> None:
    """The order was paid: append a "paid" event to the visit that placed it (named by its purchase
    event), which the fold turns into the funnel's last step. No purchase event: nothing to mark."""
    purchase = (
        TrackingEvent.objects.filter(order_id=order_id, kind=Kind.PURCHASE)
        .order_by("id")
        .values_list("visitor_id", "session_id", "channel", "source", "utm_campaign", "device")
        .first()
    )
    if purchase is None or TrackingEvent.objects.filter(order_id=order_id, kind=Kind.PAID).exists():
        return
    visitor, session, channel, source, campaign, device = purchase
    record_events(
        VisitContext(
            visitor_id=visitor, session_id=session, channel=channel, source=source, utm_campaign=campaign, device=device
        ),
        [EventInput(kind=Kind.PAID, order_id=order_id)],
        from_browser=False,
    )


def count_refund(refund_id: int) -> None:
    """Money went back: it counts on the day it went back, for the day and for each product of the order."""
    refund = Refund.objects.only("id", "order_id", "amount", "shipping_amount", "created_at", "status").get(
        pk=refund_id
    )
    if refund.status != Refund.Status.SUCCEEDED:
        return
    if not CountedRefund.objects.get_or_create(refund_id=refund.pk)[1]:
        return  # counted already
    day = local_day(refund.created_at)
    _bump(DailyStat, {"day": day}, {"refunds": refund.amount, "refund_count": 1})
    lines = {p: sales for p, (_units, sales) in _product_lines(refund.order_id).items()}
    for product, share in split_refund(refund.amount, refund.shipping_amount, lines).items():
        _bump(DailyProductStat, {"day": day, "product_id": product}, {"refunds": share})


# --- rebuilding (after a bulk import: demo data, the benchmark, a repair) --------------------

ROLLUP_MODELS = (
    DailyStat,
    DailyProductStat,
    DailySourceStat,
    VisitorDay,
    VisitorReturnDay,
    ProductVisitorDay,
    VisitStage,
    OrderFact,
    ProductBuyerDay,
    CountedRefund,
    FoldCursor,
    BuyerSummary,
    BuyerMonth,
    CohortMonth,
    RfmCell,
    RfmCellRule,
)


def rebuild_rollups(*, progress: Progress | None = None) -> None:
    """Recompute every rollup from the raw tables: fold all tracking events again, then count
    every order and refund day by day. New vs returning is judged on today's data (an earlier
    order cancelled since no longer makes a later one "returning")."""
    with transaction.atomic():
        for model in ROLLUP_MODELS:
            model.objects.all().delete()
    fold_tracking_events(batch_size=20_000, lag_seconds=0, progress=progress)
    _rebuild_orders(progress)
    _rebuild_refunds(progress)
    rebuild_buyer_summaries()


def _merge_product_stats(day: date, deltas: dict[int, dict[str, Any]]) -> None:
    existing = {s.product_id: s for s in DailyProductStat.objects.filter(day=day, product_id__in=list(deltas))}
    new, changed = [], []
    for product, figures in deltas.items():
        stat = existing.get(product)
        if stat is None:
            new.append(DailyProductStat(day=day, product_id=product, **figures))
            continue
        for name, value in figures.items():
            setattr(stat, name, getattr(stat, name) + value)
        changed.append(stat)
    DailyProductStat.objects.bulk_create(new, batch_size=2000)
    if changed:  # one plain UPDATE per row (bulk_update's CASE over thousands of rows is slow on SQLite)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {DailyProductStat._meta.db_table} SET units = %s, sales = %s, buyers = %s, refunds = %s "
                f"WHERE id = %s",
                [
                    (
                        s.units,
                        connection.ops.adapt_decimalfield_value(s.sales, 14, 2),
                        s.buyers,
                        connection.ops.adapt_decimalfield_value(Decimal(s.refunds), 14, 2),
                        s.pk,
                    )
                    for s in changed
                ],
            )


def _rebuild_orders(progress: Progress | None = None) -> None:
    from .shopdays import days_between, period_bounds

    first = Order.objects.order_by("placed_at").values_list("placed_at", flat=True).first()
    last = Order.objects.order_by("-placed_at").values_list("placed_at", flat=True).first()
    if first is None or last is None:
        return
    customers: set[str] = set()
    for day in days_between(local_day(first), local_day(last)):
        start, end = period_bounds(day, day)
        with transaction.atomic():
            facts: dict[int, OrderFact] = {}
            day_figures: dict[str, Any] = Counter()
            for pk, email, total, status, paid_at in (
                Order.objects.filter(placed_at__gte=start, placed_at__lt=end)
                .order_by("placed_at", "id")
                .values_list("id", "email", "grand_total", "status", "paid_at")
                .iterator(chunk_size=5000)
            ):
                cancelled = status == Order.Status.CANCELLED
                is_new = email not in customers
                facts[pk] = OrderFact(
                    order_id=pk,
                    day=day,
                    email=email,
                    grand_total=total,
                    is_new_customer=is_new,
                    paid=paid_at is not None,
                    cancelled=cancelled,
                )
                if not cancelled:
                    customers.add(email)
                    day_figures["orders"] += 1
                    day_figures["sales"] += total
                    day_figures["new_customer_orders" if is_new else "returning_customer_orders"] += 1
            OrderFact.objects.bulk_create(facts.values(), batch_size=5000)
            products: dict[int, dict[str, Any]] = defaultdict(
                lambda: {"units": 0, "sales": Decimal("0.00"), "buyers": 0, "refunds": 0}
            )
            buyers: Counter[tuple[int, str]] = Counter()
            seen_lines: set[tuple[int, int]] = set()
            for order_id, product, quantity, line_total in (
                OrderLine.objects.filter(
                    order__placed_at__gte=start, order__placed_at__lt=end, product_id_snapshot__isnull=False
                )
                .values_list("order_id", "product_id_snapshot", "quantity", "line_total")
                .iterator(chunk_size=5000)
            ):
                fact = facts[order_id]
                if fact.cancelled or product is None:  # (no product: excluded by the filter)
                    continue
                products[product]["units"] += quantity
                products[product]["sales"] += line_total
                if fact.paid and (order_id, product) not in seen_lines:
                    seen_lines.add((order_id, product))
                    buyers[(product, fact.email)] += 1
            for product, _email in buyers:
                products[product]["buyers"] += 1
            ProductBuyerDay.objects.bulk_create(
                [ProductBuyerDay(day=day, product_id=p, email=e, orders=n) for (p, e), n in buyers.items()],
                batch_size=5000,
            )
            _bump(DailyStat, {"day": day}, day_figures)
            _merge_product_stats(day, products)
        if progress is not None:
            progress(len(facts))


def _rebuild_refunds(progress: Progress | None = None) -> None:
    refunds = list(
        Refund.objects.filter(status=Refund.Status.SUCCEEDED).values_list(
            "id", "order_id", "amount", "created_at", "shipping_amount"
        )
    )
    for offset in range(0, len(refunds), 5000):
        chunk = refunds[offset : offset + 5000]
        products_of: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
        for order_id, product, line_total in OrderLine.objects.filter(
            order_id__in={r[1] for r in chunk}, product_id_snapshot__isnull=False
        ).values_list("order_id", "product_id_snapshot", "line_total"):
            if product is not None:  # (excluded by the filter)
                products_of[order_id][product] += line_total
        with transaction.atomic():
            by_day: dict[date, dict[str, Any]] = defaultdict(Counter)
            by_product: dict[date, dict[int, dict[str, Any]]] = defaultdict(
                lambda: defaultdict(lambda: {"units": 0, "sales": Decimal("0.00"), "buyers": 0, "refunds": 0})
            )
            for _pk, order_id, amount, created_at, shipping in chunk:
                day = local_day(created_at)
                by_day[day]["refunds"] += amount
                by_day[day]["refund_count"] += 1
                for product, share in split_refund(amount, shipping, products_of[order_id]).items():
                    by_product[day][product]["refunds"] += share
            CountedRefund.objects.bulk_create([CountedRefund(refund_id=r[0]) for r in chunk])
            for day, figures in by_day.items():
                _bump(DailyStat, {"day": day}, figures)
            for day, deltas in by_product.items():
                _merge_product_stats(day, deltas)
        if progress is not None:
            progress(len(chunk))


# --- buyers: the per-buyer summary and the cohort cells (RFM segments, cohorts) ---------------


BUYER_FIGURES = ("orders", "spent_fen", "first_day", "last_day", "first_month", "active_months")


def _lock_buyer_row(email: str) -> BuyerSummary:
    """The buyer's summary row, created empty when missing, in one statement: an upsert that
    touches the row, so (on PostgreSQL) it stays locked until the transaction ends."""
    quote, meta = connection.ops.quote_name, BuyerSummary._meta
    table = quote(meta.db_table)
    fields = [f for f in meta.concrete_fields if f.name in BUYER_FIGURES]
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('email')}, {columns}) VALUES (%s, {', '.join(['%s'] * len(fields))}) "
            f"ON CONFLICT ({quote('email')}) DO UPDATE SET {quote('email')} = excluded.{quote('email')} "
            f"RETURNING {quote('id')}, {columns}",
            [email, *(f.get_db_prep_save(f.get_default(), connection) for f in fields)],
        )
        row = cursor.fetchone()
    return BuyerSummary(
        id=row[0], email=email, **{f.name: f.to_python(v) for f, v in zip(fields, row[1:], strict=True)}
    )


def _locked_buyer(email: str) -> tuple[BuyerSummary, set[date]]:
    """The buyer's summary row, locked (so two changes to one buyer's orders take turns), and the
    months the cohort cells count them in now."""
    summary = _lock_buyer_row(email)
    return summary, set(BuyerMonth.objects.filter(email=email).values_list("month", flat=True))


def _move_rfm_cell(summary: BuyerSummary, figures: BuyerFigures) -> None:
    """The buyer leaves the RFM cell of their stored summary and joins the one of their new figures:
    one upsert of one or two rows (none when nothing the cells count changed)."""
    rule = rfm_rule()
    deltas: dict[tuple[date, bool, bool], list[int]] = {}
    if summary.orders > 0 and summary.last_day is not None:
        band = rfm_band(orders=summary.orders, spent_fen=summary.spent_fen, rule=rule)
        deltas[(summary.last_day, *band)] = [-1, -summary.spent_fen]
    if figures.orders > 0 and figures.last_day is not None:
        band = rfm_band(orders=figures.orders, spent_fen=figures.spent_fen, rule=rule)
        cell = deltas.setdefault((figures.last_day, *band), [0, 0])
        cell[0] += 1
        cell[1] += figures.spent_fen
    rows = [(key, d) for key, d in deltas.items() if d != [0, 0]]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(RfmCell._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (last_day, frequent, high_value, customers, spent_fen) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
            + " ON CONFLICT (last_day, frequent, high_value) DO UPDATE SET "
            f"customers = {table}.customers + excluded.customers, spent_fen = {table}.spent_fen + excluded.spent_fen",
            [v for (day, frequent, high), (n, fen) in rows for v in (_db_value(day), frequent, high, n, fen)],
        )


def _store_buyer(summary: BuyerSummary, figures: BuyerFigures, before: set[date]) -> None:
    _move_rfm_cell(summary, figures)
    for (cohort, offset), deltas in cell_changes(before, figures.months).items():
        _bump(CohortMonth, {"cohort": cohort, "offset": offset}, deltas)
    gone, new = before - figures.months, figures.months - before
    if gone:
        BuyerMonth.objects.filter(email=summary.email, month__in=gone).delete()
    BuyerMonth.objects.bulk_create([BuyerMonth(email=summary.email, month=m) for m in new])
    BuyerSummary.objects.filter(pk=summary.pk).update(
        orders=figures.orders,
        spent_fen=figures.spent_fen,
        first_day=figures.first_day,
        last_day=figures.last_day,
        first_month=figures.first_month,
        active_months=len(figures.months),
    )


def count_buyer_order(email: str, day: date, total: Decimal) -> None:
    """An order placed (called once per order, by count_order_placed): one more for its buyer, in
    constant time however many orders the buyer has."""
    summary, months = _locked_buyer(email)
    figures = BuyerFigures(
        orders=summary.orders,
        spent_fen=summary.spent_fen,
        first_day=summary.first_day,
        last_day=summary.last_day,
        months=set(months),
    )
    figures.add(day, total)
    _store_buyer(summary, figures, months)


def recount_buyer(email: str) -> None:
    """An order cancelled: the buyer's figures again from their orders that still count."""
    summary, months = _locked_buyer(email)
    figures = BuyerFigures()
    for placed_at, total in (
        Order.objects.filter(email=email)
        .exclude(status=Order.Status.CANCELLED)
        .values_list("placed_at", "grand_total")
        .iterator(chunk_size=5000)
    ):
        figures.add(local_day(placed_at), total)
    _store_buyer(summary, figures, months)


def raw_buyer_figures() -> dict[str, BuyerFigures]:
    """Every buyer's figures straight from the orders (the rebuild, and tests that check the summary)."""
    buyers: dict[str, BuyerFigures] = defaultdict(BuyerFigures)
    for email, placed_at, total in (
        Order.objects.exclude(status=Order.Status.CANCELLED)
        .order_by()
        .values_list("email", "placed_at", "grand_total")
        .iterator(chunk_size=10_000)
    ):
        buyers[email].add(local_day(placed_at), total)
    return dict(buyers)


def rebuild_buyer_summaries() -> None:
    """Recompute the buyer summaries, their months and the cohort cells from the orders."""
    buyers = raw_buyer_figures()
    cells: Counter[tuple[date, int, str]] = Counter()
    for figures in buyers.values():
        cells.update(cohort_cells(figures.months))
    with transaction.atomic():
        for model in (BuyerSummary, BuyerMonth, CohortMonth):
            model.objects.all().delete()
        emails = list(buyers)
        for offset in range(0, len(emails), 5000):
            BuyerSummary.objects.bulk_create(
                [
                    BuyerSummary(
                        email=email,
                        orders=f.orders,
                        spent_fen=f.spent_fen,
                        first_day=f.first_day,
                        last_day=f.last_day,
                        first_month=f.first_month,
                        active_months=len(f.months),
                    )
                    for email, f in ((e, buyers[e]) for e in emails[offset : offset + 5000])
                ]
            )
        months: list[BuyerMonth] = []
        for email, f in buyers.items():  # in chunks: a million orders make about a million rows
            months.extend(BuyerMonth(email=email, month=m) for m in f.months)
            if len(months) >= 5000:
                BuyerMonth.objects.bulk_create(months)
                months = []
        BuyerMonth.objects.bulk_create(months)
        table: dict[tuple[date, int], dict[str, int]] = defaultdict(dict)
        for (cohort, offset, column), n in cells.items():
            table[(cohort, offset)][column] = n
        CohortMonth.objects.bulk_create(
            [CohortMonth(cohort=c, offset=o, **figures) for (c, o), figures in table.items()], batch_size=5000
        )
        rebuild_rfm_cells()


def rebuild_rfm_cells() -> None:
    """Cut the RFM cells again from the buyer summaries under the shop's rule of now (one grouped
    INSERT … SELECT), and note the rule they were cut by. Part of the rebuild; after a change of
    settings.ANALYTICS_RFM_RULE, `dianpu rebuild_analytics --rfm-cells` does only this."""
    rule = rfm_rule()
    quote = connection.ops.quote_name
    cells, summaries = quote(RfmCell._meta.db_table), quote(BuyerSummary._meta.db_table)
    with transaction.atomic():
        RfmCell.objects.all().delete()
        RfmCellRule.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {cells} (last_day, frequent, high_value, customers, spent_fen) "
                "SELECT last_day, orders >= %s, spent_fen >= %s, COUNT(*), SUM(spent_fen) "
                f"FROM {summaries} WHERE orders > 0 GROUP BY 1, 2, 3",
                [rule.loyal_orders, high_value_fen(rule)],
            )
        RfmCellRule.objects.create(loyal_orders=rule.loyal_orders, high_value_fen=high_value_fen(rule))

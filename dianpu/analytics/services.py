"""Analytics use cases: record tracking events, fold them into rollups, keep the order rollups
in step with orders (called by handlers.py inside the order change's transaction)."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F

from dianpu.core import clock
from dianpu.orders.models import Order, OrderLine
from dianpu.payments.models import Refund

from .shopdays import local_day
from .domain.tracking import BROWSER_KINDS, MAX_EVENTS_PER_BATCH, Kind, stage_of
from .models import (
    CountedRefund,
    DailyProductStat,
    DailySourceStat,
    DailyStat,
    FoldCursor,
    OrderFact,
    ProductBuyerDay,
    ProductVisitorDay,
    TrackingEvent,
    VisitorDay,
    VisitStage,
)

TRACKING_CURSOR = "tracking"
FOLD_BATCH = 5000


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
        TrackingEvent(day=day, occurred_at=now, kind=e.kind, visitor_id=context.visitor_id[:64],
                      session_id=context.session_id[:64], path=e.path[:300], product_id=e.product_id,
                      order_id=e.order_id, dwell_ms=max(0, min(int(e.dwell_ms), 3_600_000)),
                      channel=context.channel[:20], source=context.source[:100],
                      utm_campaign=context.utm_campaign[:100], device=context.device[:10])
        for e in events[:MAX_EVENTS_PER_BATCH] if e.kind in allowed
    ]
    if rows:
        TrackingEvent.objects.bulk_create(rows)
    return len(rows)


# --- bumping rollup rows (concurrency-safe: create if missing, then one relative UPDATE) ------

def _bump(model, keys: dict, deltas: dict) -> None:
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    model.objects.get_or_create(**keys)
    model.objects.filter(**keys).update(**{name: F(name) + value for name, value in deltas.items()})


# --- folding tracking events -----------------------------------------------------------------

def fold_tracking_events(*, batch_size: int = FOLD_BATCH, lag_seconds: int | None = None, progress=None) -> int:
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
def _fold_batch(batch_size: int, cutoff) -> tuple[int, bool]:
    FoldCursor.objects.get_or_create(name=TRACKING_CURSOR)
    cursor = FoldCursor.objects.select_for_update().get(name=TRACKING_CURSOR)
    rows = list(
        TrackingEvent.objects.filter(id__gt=cursor.last_id).order_by("id")
        .values_list("id", "day", "occurred_at", "kind", "visitor_id", "session_id", "product_id", "dwell_ms",
                     "channel", "source", "device")[:batch_size]
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


def fold_rows(rows) -> None:
    """Apply a batch of (id, day, at, kind, visitor, session, product, dwell, channel, source, device)."""
    day_deltas: dict = defaultdict(Counter)
    product_deltas: dict = defaultdict(Counter)
    visitor_days: set = set()
    members: set = set()  # (day, product, kind, visitor)
    sessions: dict = {}
    for _id, day, _at, kind, visitor, session, product, dwell, channel, source, device in rows:
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

    # distinct visitors per day
    days = {d for d, _v in visitor_days}
    known = set(VisitorDay.objects.filter(day__in=days, visitor_id__in={v for _d, v in visitor_days})
                .values_list("day", "visitor_id"))
    new_visitor_days = visitor_days - known
    VisitorDay.objects.bulk_create([VisitorDay(day=d, visitor_id=v) for d, v in new_visitor_days])
    for d, _v in new_visitor_days:
        day_deltas[d]["visitors"] += 1

    # distinct viewers / carters per product and day
    if members:
        known = set(ProductVisitorDay.objects.filter(
            day__in={m[0] for m in members}, product_id__in={m[1] for m in members},
            visitor_id__in={m[3] for m in members}).values_list("day", "product_id", "kind", "visitor_id"))
        new_members = members - known
        ProductVisitorDay.objects.bulk_create([ProductVisitorDay(day=d, product_id=p, kind=k, visitor_id=v)
                                               for d, p, k, v in new_members])
        for d, p, k, _v in new_members:
            product_deltas[(d, p)]["visitors" if k == "view" else "cart_visitors"] += 1

    # visits and the furthest funnel stage each reached
    source_deltas: dict = defaultdict(Counter)
    existing = {s.session_id: s for s in VisitStage.objects.filter(session_id__in=list(sessions))}
    new_stages = []
    for session, (day, visitor, channel, source, device, stage) in sessions.items():
        known_stage = existing.get(session)
        if known_stage is None:
            new_stages.append(VisitStage(session_id=session, day=day, visitor_id=visitor, channel=channel,
                                         source=source, device=device, stage=stage))
            key, before = (day, channel, source, device), 0
            day_deltas[day]["visits"] += 1
        elif stage > known_stage.stage:
            VisitStage.objects.filter(session_id=session).update(stage=stage)
            key = (known_stage.day, known_stage.channel, known_stage.source, known_stage.device)
            before = known_stage.stage
        else:
            continue
        for reached in range(before + 1, stage + 1):
            source_deltas[key][STAGE_COLUMNS[reached]] += 1
    VisitStage.objects.bulk_create(new_stages)

    for day, deltas in day_deltas.items():
        _bump(DailyStat, {"day": day}, deltas)
    for (day, product), deltas in product_deltas.items():
        _bump(DailyProductStat, {"day": day, "product_id": product}, deltas)
    for (day, channel, source, device), deltas in source_deltas.items():
        _bump(DailySourceStat, {"day": day, "channel": channel, "source": source, "device": device}, deltas)


STAGE_COLUMNS = {1: "visits", 2: "product_view_visits", 3: "cart_visits", 4: "checkout_visits",
                 5: "purchase_visits"}


# --- orders (called by handlers.py, inside the order change's transaction) --------------------

def _product_lines(order_id: int) -> dict[int, tuple[int, Decimal]]:
    """product id -> (units, line total) of an order."""
    totals: dict[int, list] = {}
    for product, quantity, line_total in OrderLine.objects.filter(order_id=order_id).values_list(
            "product_id_snapshot", "quantity", "line_total"):
        if product is None:
            continue
        entry = totals.setdefault(product, [0, Decimal("0.00")])
        entry[0] += quantity
        entry[1] += line_total
    return {p: (u, s) for p, (u, s) in totals.items()}


def count_order_placed(order_id: int) -> None:
    """An order was placed: it counts in its day's orders and sales, and per product."""
    order = Order.objects.only("id", "email", "grand_total", "placed_at").get(pk=order_id)
    day = local_day(order.placed_at)
    is_new = not Order.objects.filter(email=order.email, placed_at__lt=order.placed_at).exclude(
        status=Order.Status.CANCELLED).exclude(pk=order.pk).exists()
    _fact, created = OrderFact.objects.get_or_create(order_id=order.pk, defaults=dict(
        day=day, email=order.email, grand_total=order.grand_total, is_new_customer=is_new))
    if not created:
        return  # counted already
    _bump(DailyStat, {"day": day}, {"orders": 1, "sales": order.grand_total,
                                     "new_customer_orders" if is_new else "returning_customer_orders": 1})
    for product, (units, sales) in _product_lines(order.pk).items():
        _bump(DailyProductStat, {"day": day, "product_id": product}, {"units": units, "sales": sales})


def _count_buyer(fact: OrderFact, sign: int) -> None:
    for product in _product_lines(fact.order_id):
        keys = {"day": fact.day, "product_id": product, "email": fact.email}
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
        _bump(DailyStat, {"day": fact.day}, {
            "orders": -1, "sales": -fact.grand_total,
            "new_customer_orders" if fact.is_new_customer else "returning_customer_orders": -1})
        for product, (units, sales) in _product_lines(order_id).items():
            _bump(DailyProductStat, {"day": fact.day, "product_id": product}, {"units": -units, "sales": -sales})
        if fact.paid:
            _count_buyer(fact, -1)
    elif order.paid_at is not None:
        if OrderFact.objects.filter(order_id=order_id, paid=False, cancelled=False).update(paid=True) == 1:
            _count_buyer(fact, +1)


def count_refund(refund_id: int) -> None:
    """Money went back: it counts on the day it went back, for the day and for each product of the order."""
    refund = Refund.objects.only("id", "order_id", "amount", "created_at", "status").get(pk=refund_id)
    if refund.status != Refund.Status.SUCCEEDED:
        return
    if not CountedRefund.objects.get_or_create(refund_id=refund.pk)[1]:
        return  # counted already
    day = local_day(refund.created_at)
    _bump(DailyStat, {"day": day}, {"refunds": refund.amount, "refund_count": 1})
    for product in _product_lines(refund.order_id):
        _bump(DailyProductStat, {"day": day, "product_id": product}, {"refunds": 1})

"""Reads for the dashboard, the bestseller table, the funnel and the API — from the rollups —
and the same figures computed straight from the raw tables (tests and the benchmark compare)."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, IntegerField, Max, Min, OuterRef, Q, Sum, Value, When

from dianpu.catalog.models import Product
from dianpu.orders.models import Order, OrderLine
from dianpu.payments.models import Refund

from .domain.flags import FlagRule, evaluate_flag
from .domain.refunds import split_refund
from .domain.rfm import AT_RISK, HIGH_VALUE, LOST, LOYAL, OTHER, SEGMENTS, RfmRule, classify_customer, high_value_fen
from .domain.tracking import STAGE_OF_KIND, Kind, Stage
from .models import DailyProductStat, DailySourceStat, DailyStat, ProductVisitorDay, TrackingEvent, VisitorReturnDay
from .shopdays import days_between, period_bounds, previous_period

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FUNNEL_STEPS = ("visits", "product_view_visits", "cart_visits", "checkout_visits", "purchase_visits", "paid_visits")


def rate(part, whole, places: int = 4) -> float:
    return round(float(part) / float(whole), places) if whole else 0.0


def _money(value) -> Decimal:
    return (Decimal(value) if value is not None else ZERO).quantize(CENT)


def flag_rule() -> FlagRule:
    cfg = settings.ANALYTICS_FLAG_RULE
    return FlagRule(
        decline_days=int(cfg["decline_days"]),
        recovery_days=int(cfg["recovery_days"]),
        min_drop_percent=Decimal(str(cfg["min_drop_percent"])),
        metrics=tuple(cfg["metrics"]),
    )


# --- summary ---------------------------------------------------------------------------------


def _summary_from(orders: int, sales: Decimal, refunds: Decimal, visitors: int, **extra) -> dict:
    return {
        "orders": orders,
        "sales": sales,
        "average_order_value": (sales / orders).quantize(CENT) if orders else ZERO,
        "refunds": refunds,
        "visitors": visitors,
        "conversion_rate": rate(orders, visitors),
        **extra,
    }


def count_visitors(date_from: date, date_to: date) -> int:
    """Distinct visitors of the period: each is counted on its first day in the period — the day
    whose previous day seen is before the period (or none): a sum over VisitorReturnDay."""
    return (
        VisitorReturnDay.objects.filter(day__range=(date_from, date_to), prev_day__lt=date_from).aggregate(
            n=Sum("visitors")
        )["n"]
        or 0
    )


def get_summary(date_from: date, date_to: date) -> dict:
    """Orders placed in the period and not cancelled, their sales, the money refunded in the period,
    distinct visitors; conversion = orders ÷ visitors. From the rollups."""
    agg = DailyStat.objects.filter(day__range=(date_from, date_to)).aggregate(
        orders=Sum("orders"),
        sales=Sum("sales"),
        refunds=Sum("refunds"),
        refund_count=Sum("refund_count"),
        new=Sum("new_customer_orders"),
        returning=Sum("returning_customer_orders"),
        visits=Sum("visits"),
        page_views=Sum("page_views"),
    )
    visitors = count_visitors(date_from, date_to)
    sales, refunds = _money(agg["sales"]), _money(agg["refunds"])
    return _summary_from(
        agg["orders"] or 0,
        sales,
        refunds,
        visitors,
        refund_count=agg["refund_count"] or 0,
        refund_rate=rate(refunds, sales),
        new_customer_orders=agg["new"] or 0,
        returning_customer_orders=agg["returning"] or 0,
        visits=agg["visits"] or 0,
        page_views=agg["page_views"] or 0,
    )


def raw_summary(date_from: date, date_to: date) -> dict:
    """The contract figures of get_summary, straight from orders, refunds and tracking events."""
    start, end = period_bounds(date_from, date_to)
    agg = (
        Order.objects.filter(placed_at__gte=start, placed_at__lt=end)
        .exclude(status=Order.Status.CANCELLED)
        .aggregate(orders=Count("id"), sales=Sum("grand_total"))
    )
    refunds = Refund.objects.filter(
        status=Refund.Status.SUCCEEDED, created_at__gte=start, created_at__lt=end
    ).aggregate(total=Sum("amount"))["total"]
    visitors = (
        TrackingEvent.objects.filter(day__range=(date_from, date_to))
        .exclude(kind=Kind.PAID)
        .values("visitor_id")
        .distinct()
        .count()
    )
    return _summary_from(agg["orders"], _money(agg["sales"]), _money(refunds), visitors)


def summarize_orders(date_from: date, date_to: date) -> dict:
    """Orders placed in the period and not cancelled, and their sales: a sum over the daily rollups."""
    agg = DailyStat.objects.filter(day__range=(date_from, date_to)).aggregate(orders=Sum("orders"), sales=Sum("sales"))
    return {"orders": agg["orders"] or 0, "sales": _money(agg["sales"])}


def get_daily_series(date_from: date, date_to: date) -> list[dict]:
    rows = {r["day"]: r for r in DailyStat.objects.filter(day__range=(date_from, date_to)).values()}
    out = []
    for day in days_between(date_from, date_to):
        r = rows.get(day, {})
        out.append(
            {
                "date": day.isoformat(),
                "orders": r.get("orders", 0),
                "sales": _money(r.get("sales")),
                "refunds": _money(r.get("refunds")),
                "visitors": r.get("visitors", 0),
                "visits": r.get("visits", 0),
                "new_customer_orders": r.get("new_customer_orders", 0),
                "returning_customer_orders": r.get("returning_customer_orders", 0),
            }
        )
    return out


def get_dashboard(date_from: date, date_to: date) -> dict:
    """The period against the one just before it, and the daily series for the charts."""
    prev_from, prev_to = previous_period(date_from, date_to)
    current, previous = get_summary(date_from, date_to), get_summary(prev_from, prev_to)
    changes = {}
    for key in (
        "orders",
        "sales",
        "average_order_value",
        "visitors",
        "conversion_rate",
        "refund_rate",
        "refunds",
        "new_customer_orders",
        "returning_customer_orders",
    ):
        before, now = previous[key], current[key]
        changes[key] = None if not before else round((float(now) - float(before)) / float(before) * 100, 1)
    return {
        "date_from": date_from,
        "date_to": date_to,
        "previous_from": prev_from,
        "previous_to": prev_to,
        "current": current,
        "previous": previous,
        "changes": changes,
        "series": get_daily_series(date_from, date_to),
        "previous_series": get_daily_series(prev_from, prev_to),
    }


# --- bestseller tracking ---------------------------------------------------------------------

PRODUCT_FIGURES = (
    "views",
    "visitors",
    "dwell_ms",
    "dwell_samples",
    "add_to_carts",
    "cart_visitors",
    "list_impressions",
    "list_clicks",
    "buyers",
    "units",
    "sales",
    "refunds",
)


def converted_visitors(
    date_from: date, date_to: date, product_id: int | None = None, products: list[int] | None = None
) -> dict[tuple, int]:
    """(day, product) → the product's visitors that day who bought it: visitors (ProductVisitorDay
    "view") whose purchase event that day names a paid, not cancelled order holding the product.
    A subset of the visitors, so conversion = converted ÷ visitors is never above 100 %; buyers
    who were not tracked (blocked tracking, orders from the API or a platform) count as buyers
    but not as converted visitors."""
    lines = (
        OrderLine.objects.filter(product_id_snapshot=OuterRef(OuterRef("product_id")), order__paid_at__isnull=False)
        .exclude(order__status=Order.Status.CANCELLED)
        .values("order_id")
    )
    purchase = TrackingEvent.objects.filter(
        kind=Kind.PURCHASE, day=OuterRef("day"), visitor_id=OuterRef("visitor_id"), order_id__in=lines
    )
    members = ProductVisitorDay.objects.filter(day__range=(date_from, date_to), kind="view")
    if product_id is not None:
        members = members.filter(product_id=product_id)
    if products is not None:
        members = members.filter(product_id__in=products)
    return {
        (row["day"], row["product_id"]): row["n"]
        for row in members.filter(Exists(purchase)).values("day", "product_id").annotate(n=Count("id")).order_by()
    }


def _bestseller_item(product, figures: dict, flag) -> dict:
    visitors = figures["visitors"]
    return {
        "product_id": product[0] if product else None,
        "slug": product[1] if product else "",
        "name": product[2] if product else "",
        "visitors": visitors,
        "views": figures["views"],
        "avg_dwell_seconds": round(figures["dwell_ms"] / figures["dwell_samples"] / 1000, 1)
        if figures["dwell_samples"]
        else 0.0,
        "add_to_cart_rate": rate(figures["cart_visitors"], visitors),
        "buyers": figures["buyers"],
        "converted_visitors": figures.get("converted", 0),
        "conversion_rate": rate(figures.get("converted", 0), visitors),
        "units": figures["units"],
        "sales": _money(figures["sales"]),
        "refunds": _money(figures["refunds"]),
        "list_impressions": figures["list_impressions"],
        "list_clicks": figures["list_clicks"],
        "click_through_rate": rate(figures["list_clicks"], figures["list_impressions"]),
        "flag": flag,
    }


def _flag_window_series(
    window: list[date], metrics: tuple[str, ...], products: list[int] | None = None
) -> dict[int, dict[str, list]]:
    """Per product, each flag metric day by day over the window: one plain read of the columns
    needed over the window's days (the flag-window index covers the default metrics), no model or
    converter per row. Money columns are read as ROUND(column, 2) — an expression, so SQLite hands
    back the stored number without the per-row Decimal converter, rounded to cents in the database so
    equal amounts compare equal (PostgreSQL gives Decimal either way); on SQLite the day is read as
    text for the same reason (no date converter per row). Only `products` when given.
    A product's figures are kept in one flat list, metric after metric, so a row is placed by one
    slice assignment (`flat[day::width] = figures`) rather than a loop over the metrics."""
    table = DailyProductStat._meta.db_table
    columns = ", ".join(
        f"ROUND({field.column}, 2)" if field.get_internal_type() == "DecimalField" else field.column
        for field in (DailyProductStat._meta.get_field(m) for m in metrics)
    )
    day_column = "CAST(day AS TEXT)" if connection.vendor == "sqlite" else "day"
    at_of: dict = {}
    for at, day in enumerate(window):
        at_of[day] = at_of[day.isoformat()] = at  # PostgreSQL gives dates, SQLite their text
    width = len(window)
    by_product: dict[int, list] = {}
    if products is not None and not products:
        return {}  # nobody sold: PostgreSQL refuses an empty IN ()
    with connection.cursor() as cursor:
        only = f" AND product_id IN ({', '.join(['%s'] * len(products))})" if products is not None else ""
        cursor.execute(
            f"SELECT product_id, {day_column}, {columns} FROM {table} WHERE day BETWEEN %s AND %s{only}",
            [
                connection.ops.adapt_datefield_value(window[0]),
                connection.ops.adapt_datefield_value(window[-1]),
                *(products or ()),
            ],
        )
        empty = [0] * (width * len(metrics))
        for row in cursor.fetchall():
            flat = by_product.get(row[0])
            if flat is None:
                flat = by_product[row[0]] = empty.copy()
            flat[at_of[row[1]] :: width] = row[2:]
    return {
        product_id: {metric: flat[i * width : (i + 1) * width] for i, metric in enumerate(metrics)}
        for product_id, flat in by_product.items()
    }


def _best_sellers(ranked, limit: int, keys: tuple[str, str], window: list[date]) -> list[int]:
    """The first `limit` product ids of the full list, from (product id, sales, visitors) rows of the
    period ordered by sales and visitors (`keys` name those two): ties are broken by slug as the full
    list sorts them, so the rows tying with the last place are read again with their slugs; when that
    place has no sales and no visitors, the tie also holds the products with figures in the flag
    window only (the full list shows them too, with nothing in the period)."""
    rows = [(pk, _money(sales), visitors or 0) for pk, sales, visitors in ranked[:limit]]
    nothing = (ZERO, 0)
    last = rows[-1][1:] if len(rows) == limit else nothing
    head = [pk for pk, *figures in rows if tuple(figures) != last]
    ties = set(ranked.filter(**{keys[0]: last[0], keys[1]: last[1]}).values_list("product_id", flat=True))
    if last == nothing:
        ties |= set(
            DailyProductStat.objects.filter(day__range=(window[0], window[-1]))
            .values_list("product_id", flat=True)
            .distinct()
        ) - set(head)
    slugs = dict(Product.objects.filter(id__in=ties).values_list("id", "slug"))
    return head + sorted(ties, key=lambda p: slugs.get(p, ""))[: limit - len(head)]


def list_bestsellers(
    day: date, *, flagged_only: bool = False, date_from: date | None = None, limit: int | None = None
) -> list[dict]:
    """Per product, the figures of `date_from`..`day` (default: the day alone; visitors are summed
    day by day) and its flag as of `day` (from the days before, settings.ANALYTICS_FLAG_RULE).
    Products with any figure in the flag window or the period are listed, best sellers first.
    With `limit`: only the `limit` best sellers of the period (by sales, then visitors), and the
    flags of those alone — the flag window is then read for `limit` products, not the catalogue."""
    rule = flag_rule()
    date_from = date_from or day
    window = days_between(day - timedelta(days=rule.lookback_days - 1), day)
    rows = DailyProductStat.objects.filter(day__range=(date_from, day))
    if date_from == day:
        figures = rows.values_list("product_id", *PRODUCT_FIGURES)
        ranked = rows.order_by("-sales", "-visitors").values_list("product_id", "sales", "visitors")
    else:
        totals = rows.values("product_id").annotate(**{f"t_{f}": Sum(f) for f in PRODUCT_FIGURES})
        figures = totals.values_list("product_id", *[f"t_{f}" for f in PRODUCT_FIGURES])
        ranked = (
            rows.values("product_id")
            .annotate(t_sales=Sum("sales"), t_visitors=Sum("visitors"))
            .order_by("-t_sales", "-t_visitors")
            .values_list("product_id", "t_sales", "t_visitors")
        )
    if limit is not None:
        top = _best_sellers(
            ranked, limit, ("sales", "visitors") if date_from == day else ("t_sales", "t_visitors"), window
        )
        today = {row[0]: row[1:] for row in figures.filter(product_id__in=top).order_by()}
        series = _flag_window_series(window, rule.metrics, top)
    else:
        today = {row[0]: row[1:] for row in figures.order_by()}
        series = _flag_window_series(window, rule.metrics)
    converted: dict[int, int] = defaultdict(int)
    for (_day, product), n in converted_visitors(
        date_from, day, products=list(today) if limit is not None else None
    ).items():
        converted[product] += n
    empty = (0,) * len(PRODUCT_FIGURES)
    flags = {p: evaluate_flag(by_metric, rule) for p, by_metric in series.items()}
    shown = [p for p in series.keys() | today.keys() if flags.get(p) is not None or not flagged_only]
    products = {
        pk: (pk, slug, name)
        for pk, slug, name in Product.objects.filter(id__in=shown).values_list("id", "slug", "name")
    }
    items = [
        _bestseller_item(
            products.get(p),
            {
                **dict(zip(PRODUCT_FIGURES, [v or 0 for v in today.get(p, empty)], strict=True)),
                "converted": converted[p],
            },
            flags.get(p),
        )
        for p in shown
    ]
    items.sort(key=lambda i: (-i["sales"], -i["visitors"], i["slug"]))
    return items


def get_product_track(product_id: int, date_from: date, date_to: date) -> list[dict]:
    """One product day by day: its bestseller figures and the flag each day had (the rule applied
    to the window ending that day)."""
    rule = flag_rule()
    first = date_from - timedelta(days=rule.lookback_days - 1)
    stored = {
        r["day"]: r
        for r in DailyProductStat.objects.filter(product_id=product_id, day__range=(first, date_to)).values(
            "day", *PRODUCT_FIGURES
        )
    }
    converted = converted_visitors(date_from, date_to, product_id)
    empty = dict.fromkeys(PRODUCT_FIGURES, 0)
    all_days = days_between(first, date_to)
    metric_series = {m: [stored.get(d, empty)[m] for d in all_days] for m in rule.metrics}
    out = []
    for at, day in enumerate(all_days):
        if day < date_from:
            continue
        window = slice(at - rule.lookback_days + 1, at + 1)
        flag = evaluate_flag({m: values[window] for m, values in metric_series.items()}, rule)
        item = _bestseller_item(
            None, {**stored.get(day, empty), "converted": converted.get((day, product_id), 0)}, flag
        )
        out.append(
            {"date": day.isoformat(), **{k: v for k, v in item.items() if k not in ("product_id", "slug", "name")}}
        )
    return out


def raw_product_day(day: date) -> dict[int, dict]:
    """The per product figures of one day straight from events, orders and refunds."""
    out: dict[int, dict] = defaultdict(lambda: dict.fromkeys(PRODUCT_FIGURES, 0))
    events = TrackingEvent.objects.filter(day=day, product_id__isnull=False)
    for row in events.values("product_id").annotate(
        n_views=Count("id", filter=Q(kind=Kind.PRODUCT_VIEW)),
        n_visitors=Count("visitor_id", filter=Q(kind=Kind.PRODUCT_VIEW), distinct=True),
        n_add_to_carts=Count("id", filter=Q(kind=Kind.ADD_TO_CART)),
        n_cart_visitors=Count("visitor_id", filter=Q(kind=Kind.ADD_TO_CART), distinct=True),
        n_dwell_ms=Sum("dwell_ms", filter=Q(kind=Kind.LEAVE, dwell_ms__gt=0)),
        n_dwell_samples=Count("id", filter=Q(kind=Kind.LEAVE, dwell_ms__gt=0)),
        n_list_impressions=Count("id", filter=Q(kind=Kind.LIST_IMPRESSION)),
        n_list_clicks=Count("id", filter=Q(kind=Kind.LIST_CLICK)),
    ):
        product = row.pop("product_id")
        out[product].update({k[2:]: v or 0 for k, v in row.items()})
    start, end = period_bounds(day, day)
    lines = OrderLine.objects.filter(
        order__placed_at__gte=start, order__placed_at__lt=end, product_id_snapshot__isnull=False
    ).exclude(order__status=Order.Status.CANCELLED)
    for row in lines.values("product_id_snapshot").annotate(
        n_units=Sum("quantity"),
        n_sales=Sum("line_total"),
        n_buyers=Count("order__email", filter=Q(order__paid_at__isnull=False), distinct=True),
    ):
        out[row["product_id_snapshot"]].update(
            units=row["n_units"], sales=_money(row["n_sales"]), buyers=row["n_buyers"]
        )
    refunded = Refund.objects.filter(status=Refund.Status.SUCCEEDED, created_at__gte=start, created_at__lt=end)
    for refund_order, amount, shipping in refunded.values_list("order_id", "amount", "shipping_amount"):
        lines: dict = defaultdict(lambda: ZERO)
        for product, line_total in OrderLine.objects.filter(
            order_id=refund_order, product_id_snapshot__isnull=False
        ).values_list("product_id_snapshot", "line_total"):
            lines[product] += line_total
        for product, share in split_refund(amount, shipping, lines).items():
            out[product]["refunds"] += share
    return {p: {**f, "sales": _money(f["sales"]), "refunds": _money(f["refunds"])} for p, f in out.items()}


def rollup_product_day(day: date) -> dict[int, dict]:
    return {
        row.pop("product_id"): {**row, "sales": _money(row["sales"]), "refunds": _money(row["refunds"])}
        for row in DailyProductStat.objects.filter(day=day).values("product_id", *PRODUCT_FIGURES)
        if any(row[f] for f in PRODUCT_FIGURES)
    }


# --- funnel and sources ----------------------------------------------------------------------


def _funnel_steps(counts: dict) -> list[dict]:
    steps = []
    for i, key in enumerate(FUNNEL_STEPS):
        value = counts.get(key) or 0
        before = (counts.get(FUNNEL_STEPS[i - 1]) or 0) if i else None
        steps.append(
            {
                "step": key,
                "visits": value,
                "drop_off_rate": None if before is None else round(1 - rate(value, before), 4) if before else 0.0,
                "rate_from_start": rate(value, counts.get("visits") or 0),
            }
        )
    return steps


def get_funnel(date_from: date, date_to: date, *, by: str = "") -> dict:
    """Visit → product view → add to cart → checkout → purchase, overall and per channel or device."""
    qs = DailySourceStat.objects.filter(day__range=(date_from, date_to))
    total = qs.aggregate(**{step: Sum(step) for step in FUNNEL_STEPS})
    groups = []
    if by in ("channel", "device", "source"):
        for row in qs.values(by).annotate(**{step: Sum(step) for step in FUNNEL_STEPS}).order_by("-visits"):
            groups.append({"key": row[by], "steps": _funnel_steps(row)})
    return {"steps": _funnel_steps(total), "groups": groups}


def raw_funnel_counts(date_from: date, date_to: date) -> dict:
    """Funnel counts straight from the events: per visit, its first day and its furthest stage;
    a visit whose purchase event names an order that has been paid reached "paid"."""
    paid_orders = Order.objects.filter(paid_at__isnull=False).values("id")
    stage = Case(
        When(kind=Kind.PURCHASE, order_id__in=paid_orders, then=Value(int(Stage.PAID))),
        *[When(kind=kind, then=Value(int(s))) for kind, s in STAGE_OF_KIND.items()],
        default=Value(1),
        output_field=IntegerField(),
    )
    visits = (
        TrackingEvent.objects.filter(day__range=(date_from - timedelta(days=1), date_to + timedelta(days=1)))
        .exclude(kind=Kind.PAID)
        .values("session_id")
        .annotate(first_day=Min("day"), stage=Max(stage))
        .filter(first_day__range=(date_from, date_to))
    )
    counts = dict.fromkeys(FUNNEL_STEPS, 0)
    for row in visits.values_list("stage", flat=True).iterator():
        for reached in range(1, row + 1):
            counts[FUNNEL_STEPS[reached - 1]] += 1
    return counts


def list_sources(date_from: date, date_to: date) -> list[dict]:
    rows = (
        DailySourceStat.objects.filter(day__range=(date_from, date_to))
        .values("channel", "source")
        .annotate(**{step: Sum(step) for step in FUNNEL_STEPS})
        .order_by("-visits", "channel", "source")
    )
    return [{**r, "conversion_rate": rate(r["purchase_visits"], r["visits"])} for r in rows]


def list_channels(date_from: date, date_to: date, *, by: str = "channel") -> list[dict]:
    rows = (
        DailySourceStat.objects.filter(day__range=(date_from, date_to))
        .values(by)
        .annotate(**{step: Sum(step) for step in FUNNEL_STEPS})
        .order_by("-visits")
    )
    return [
        {"key": r[by], **{s: r[s] for s in FUNNEL_STEPS}, "conversion_rate": rate(r["purchase_visits"], r["visits"])}
        for r in rows
    ]


# --- sales analysis, cohorts, RFM (from the order tables) ------------------------------------

PRICE_BANDS = (Decimal("0"), Decimal("50"), Decimal("100"), Decimal("200"), Decimal("500"), Decimal("1000"))


def price_band_of(unit_price: Decimal) -> str:
    lower = max(b for b in PRICE_BANDS if unit_price >= b)
    higher = [b for b in PRICE_BANDS if b > lower]
    return f"{lower:.0f}–{higher[0]:.0f}" if higher else f"{lower:.0f}+"


def _counted_lines(date_from: date, date_to: date):
    start, end = period_bounds(date_from, date_to)
    return OrderLine.objects.filter(order__placed_at__gte=start, order__placed_at__lt=end).exclude(
        order__status=Order.Status.CANCELLED
    )


def _counted_orders(date_from: date, date_to: date):
    start, end = period_bounds(date_from, date_to)
    return Order.objects.filter(placed_at__gte=start, placed_at__lt=end).exclude(status=Order.Status.CANCELLED)


def get_sales_breakdown(date_from: date, date_to: date, *, by: str, with_margin: bool = False) -> list[dict]:
    """Sales of the period by category, price_band, product, region, channel, hour or weekday.
    Margin (sales − units × the variant's cost price) only when `with_margin`."""
    from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

    from dianpu.catalog.models import Variant

    from .domain.tracking import classify_channel
    from .shopdays import shop_tz

    groups: dict = defaultdict(lambda: {"orders": set(), "units": 0, "sales": ZERO, "cost": ZERO})
    if by in ("category", "price_band", "product"):
        costs = {}
        rows = _counted_lines(date_from, date_to).values_list(
            "order_id", "product_id_snapshot", "variant_id", "unit_price", "quantity", "line_total"
        )
        rows = list(rows)
        if with_margin:
            costs = dict(Variant.objects.filter(id__in={r[2] for r in rows if r[2]}).values_list("id", "cost_price"))
        products = {
            p.id: p for p in Product.objects.filter(id__in={r[1] for r in rows if r[1]}).select_related("category")
        }
        for order_id, product_id, variant_id, unit_price, quantity, line_total in rows:
            product = products.get(product_id)
            if by == "category":
                key = product.category.name if product and product.category else "—"
            elif by == "price_band":
                key = price_band_of(unit_price)
            else:
                key = product.name if product else "—"
            g = groups[key]
            g["orders"].add(order_id)
            g["units"] += quantity
            g["sales"] += line_total
            g["cost"] += costs.get(variant_id, ZERO) * quantity
    else:
        orders = _counted_orders(date_from, date_to)
        if by == "region":
            rows = orders.values_list("id", "ship_province", "grand_total")
        elif by == "hour":
            rows = orders.annotate(k=ExtractHour("placed_at", tzinfo=shop_tz())).values_list("id", "k", "grand_total")
        elif by == "weekday":
            rows = orders.annotate(k=ExtractIsoWeekDay("placed_at", tzinfo=shop_tz())).values_list(
                "id", "k", "grand_total"
            )
        elif by == "channel":
            rows = [
                (i, classify_channel(utm_source=s, utm_medium=m, referrer_host=r).value, t)
                for i, s, m, r, t in orders.values_list(
                    "id", "utm_source", "utm_medium", "referrer_host", "grand_total"
                )
            ]
        else:
            raise ValueError(by)
        for order_id, key, total in rows:
            g = groups[key]
            g["orders"].add(order_id)
            g["sales"] += total
    out = []
    for key, g in groups.items():
        row = {"key": key, "orders": len(g["orders"]), "units": g["units"], "sales": _money(g["sales"])}
        if with_margin and by in ("category", "price_band", "product"):
            row["margin"] = _money(g["sales"] - g["cost"])
        out.append(row)
    if by in ("hour", "weekday"):
        out.sort(key=lambda r: r["key"])
    else:
        out.sort(key=lambda r: (-r["sales"], str(r["key"])))
    return out


def get_cohorts(date_from: date, date_to: date) -> list[dict]:
    """Customers by the month of their first order; how many ordered again in each later month.
    From the cohort cells (services.refresh of the buyer summaries); raw_cohorts is the same from orders."""
    from .models import CohortMonth

    cohorts: dict[date, dict] = {}
    for cohort, offset, customers, repeaters in CohortMonth.objects.filter(
        cohort__gte=date_from.replace(day=1), cohort__lte=date_to, customers__gt=0
    ).values_list("cohort", "offset", "customers", "repeaters"):
        c = cohorts.setdefault(cohort, {"customers": 0, "returned": {}, "repeat": 0})
        if offset == 0:
            c["customers"], c["repeat"] = customers, repeaters
        else:
            c["returned"][offset] = customers
    out = []
    for month in sorted(cohorts):
        c = cohorts[month]
        if not c["customers"]:
            continue
        width = max(c["returned"], default=0)
        out.append(
            {
                "month": month.strftime("%Y-%m"),
                "customers": c["customers"],
                "repurchase_rate": rate(c["repeat"], c["customers"]),
                "returned": [c["returned"].get(k, 0) for k in range(1, width + 1)],
            }
        )
    return out


def raw_cohorts(date_from: date, date_to: date) -> list[dict]:
    """Customers by the month of their first order; how many ordered again in each later month."""
    first_month: dict[str, date] = {}
    months_active: dict[str, set] = defaultdict(set)
    from .shopdays import shop_tz

    tz = shop_tz()
    for email, placed_at in (
        Order.objects.exclude(status=Order.Status.CANCELLED)
        .order_by("placed_at")
        .values_list("email", "placed_at")
        .iterator()
    ):
        month = placed_at.astimezone(tz).date().replace(day=1)
        first_month.setdefault(email, month)
        months_active[email].add(month)
    cohorts: dict[date, dict] = {}
    for email, month in first_month.items():
        if not (date_from.replace(day=1) <= month <= date_to):
            continue
        c = cohorts.setdefault(month, {"customers": 0, "returned": defaultdict(int), "repeat": 0})
        c["customers"] += 1
        later = sorted(m for m in months_active[email] if m > month)
        if later:
            c["repeat"] += 1
        for m in later:
            c["returned"][(m.year - month.year) * 12 + m.month - month.month] += 1
    out = []
    for month in sorted(cohorts):
        c = cohorts[month]
        width = max(c["returned"], default=0)
        out.append(
            {
                "month": month.strftime("%Y-%m"),
                "customers": c["customers"],
                "repurchase_rate": rate(c["repeat"], c["customers"]),
                "returned": [c["returned"].get(k, 0) for k in range(1, width + 1)],
            }
        )
    return out


def rfm_rule() -> RfmRule:
    cfg = settings.ANALYTICS_RFM_RULE
    return RfmRule(
        active_days=int(cfg["active_days"]),
        lost_days=int(cfg["lost_days"]),
        loyal_orders=int(cfg["loyal_orders"]),
        high_value_amount=Decimal(str(cfg["high_value_amount"])),
    )


def get_rfm_segments(as_of: date) -> dict:
    """Per RFM segment the customers (by e-mail) with orders not cancelled up to `as_of`, and their
    revenue. As of today (or later) from the RFM cells (a sum over a few thousand rows), or, when the
    cells were cut by another rule than the shop's, from the buyer summaries (one pass over an index);
    for a past day from the orders (raw_rfm_segments, which also lists the members).
    A past day cannot be served exactly from the summaries: they hold each buyer's figures as of now,
    and a buyer who ordered since that day had fewer orders, less money and another last day then;
    the buyer months and cohort cells carry no money. Only the buyers whose last order is on or before
    the day are unchanged — for the rest their orders up to the day must be read again."""
    from dianpu.core import clock

    from .models import RfmCellRule
    from .shopdays import local_day

    if as_of < local_day(clock.now()):
        return raw_rfm_segments(as_of)
    rule = rfm_rule()
    cut = RfmCellRule.objects.values_list("loyal_orders", "high_value_fen").first()
    if cut == (rule.loyal_orders, high_value_fen(rule)):
        segments = _rfm_from_cells(as_of, rule)
    else:
        segments = _rfm_from_summaries(as_of, rule)
    return {
        "segments": [
            {
                "segment": s["segment"],
                "customers": s["customers"],
                "revenue": (Decimal(s["revenue_fen"]) / 100).quantize(CENT),
            }
            for s in segments.values()
        ]
    }


def _rfm_from_cells(as_of: date, rule: RfmRule) -> dict[str, dict]:
    """The segments from the RFM cells: recency by the cell's last day, then (active buyers) the
    cell's bands. One grouped read: at most four rows (frequent × high value)."""
    from .models import RfmCell

    lost = Q(last_day__lt=as_of - timedelta(days=rule.lost_days))
    at_risk = Q(last_day__lt=as_of - timedelta(days=rule.active_days)) & ~lost
    active = Q(last_day__gte=as_of - timedelta(days=rule.active_days)) & ~lost
    segments = {s: {"segment": s, "customers": 0, "revenue_fen": 0} for s in SEGMENTS}
    rows = (
        RfmCell.objects.order_by()
        .values("frequent", "high_value")
        .annotate(
            **{
                f"{name}_{column}": Sum(column, filter=where)
                for name, where in (("lost", lost), ("at_risk", at_risk), ("active", active))
                for column in ("customers", "spent_fen")
            }
        )
    )
    for row in rows:
        if row["high_value"]:
            active_segment = HIGH_VALUE
        elif row["frequent"]:
            active_segment = LOYAL
        else:
            active_segment = OTHER
        for name, segment in (("lost", LOST), ("at_risk", AT_RISK), ("active", active_segment)):
            segments[segment]["customers"] += row[f"{name}_customers"] or 0
            segments[segment]["revenue_fen"] += row[f"{name}_spent_fen"] or 0
    return segments


def _rfm_from_summaries(as_of: date, rule: RfmRule) -> dict[str, dict]:
    """The segments from the buyer summaries: one pass over an index, grouped by the last order's day."""
    from .models import BuyerSummary

    high = Q(spent_fen__gte=high_value_fen(rule))
    loyal = Q(orders__gte=rule.loyal_orders) & ~high
    segments = {s: {"segment": s, "customers": 0, "revenue_fen": 0} for s in SEGMENTS}
    rows = (
        BuyerSummary.objects.filter(orders__gt=0)
        .order_by()
        .values("last_day")
        .annotate(
            n=Count("id"),
            fen=Sum("spent_fen"),
            high_n=Count("id", filter=high),
            high_fen=Sum("spent_fen", filter=high),
            loyal_n=Count("id", filter=loyal),
            loyal_fen=Sum("spent_fen", filter=loyal),
        )
    )
    for row in rows:
        recency = (as_of - row["last_day"]).days
        inactive = classify_customer(recency_days=recency, orders=0, monetary=ZERO, rule=rule)
        if inactive in (AT_RISK, LOST):  # whatever they spent
            segments[inactive]["customers"] += row["n"]
            segments[inactive]["revenue_fen"] += row["fen"]
            continue
        high_n, high_fen = row["high_n"], row["high_fen"] or 0
        loyal_n, loyal_fen = row["loyal_n"], row["loyal_fen"] or 0
        for segment, n, fen in (
            (HIGH_VALUE, high_n, high_fen),
            (LOYAL, loyal_n, loyal_fen),
            (OTHER, row["n"] - high_n - loyal_n, row["fen"] - high_fen - loyal_fen),
        ):
            segments[segment]["customers"] += n
            segments[segment]["revenue_fen"] += fen
    return segments


def raw_rfm_segments(as_of: date) -> dict:
    """Every customer (by e-mail) with orders not cancelled up to `as_of`, put in one RFM segment;
    per segment the count and revenue, and the members. Straight from the orders."""
    from .shopdays import local_day

    _start, end = period_bounds(as_of, as_of)
    rule = rfm_rule()
    segments = {s: {"segment": s, "customers": 0, "revenue": ZERO} for s in SEGMENTS}
    members: dict[str, str] = {}
    rows = (
        Order.objects.filter(placed_at__lt=end)
        .exclude(status=Order.Status.CANCELLED)
        .values("email")
        .annotate(last=Max("placed_at"), n=Count("id"), money=Sum("grand_total"))
    )
    for row in rows.iterator():
        segment = classify_customer(
            recency_days=(as_of - local_day(row["last"])).days, orders=row["n"], monetary=row["money"], rule=rule
        )
        members[row["email"]] = segment
        segments[segment]["customers"] += 1
        segments[segment]["revenue"] += row["money"]
    return {"segments": [{**s, "revenue": _money(s["revenue"])} for s in segments.values()], "members": members}


ROW_LIMIT = 5000


def list_rows(kind: str, date_from: date, date_to: date) -> list[dict]:
    """The rows behind a dashboard figure (at most ROW_LIMIT): visits, refunds, new or returning
    customers' orders."""
    from .models import OrderFact, VisitStage
    from .shopdays import shop_tz

    tz = shop_tz()
    if kind == "visits":
        return list(
            VisitStage.objects.filter(day__range=(date_from, date_to))
            .order_by("-day", "session_id")
            .values("day", "visitor_id", "channel", "source", "device", "stage")[:ROW_LIMIT]
        )
    start, end = period_bounds(date_from, date_to)
    if kind == "refunds":
        return [
            {
                "created_at": r["created_at"].astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                "number": r["order__number"],
                "amount": r["amount"],
                "reason": r["reason"],
            }
            for r in Refund.objects.filter(status=Refund.Status.SUCCEEDED, created_at__gte=start, created_at__lt=end)
            .order_by("-created_at")
            .values("created_at", "order__number", "amount", "reason")[:ROW_LIMIT]
        ]
    facts = OrderFact.objects.filter(
        day__range=(date_from, date_to), cancelled=False, is_new_customer=(kind == "new")
    ).values_list("order_id", flat=True)
    orders = Order.objects.filter(id__in=list(facts[:ROW_LIMIT])).order_by("-placed_at")
    return [
        {
            "placed_at": o.placed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            "number": o.number,
            "email": o.email,
            "grand_total": o.grand_total,
        }
        for o in orders
    ]


def list_user_paths(
    date_from: date, date_to: date, *, steps: int = 3, limit: int = 15, max_visits: int = 50_000
) -> dict:
    """The most common page sequences (page types) before a purchase and before leaving, over the
    visits that began in the period (the latest `max_visits` of them)."""
    from .domain.paths import page_type, summarize_paths
    from .models import VisitStage

    sessions = list(
        VisitStage.objects.filter(day__range=(date_from, date_to))
        .order_by("-day")
        .values_list("session_id", flat=True)[:max_visits]
    )
    visits: dict[str, list] = {}
    for offset in range(0, len(sessions), 5000):
        for session, kind, path in (
            TrackingEvent.objects.filter(
                session_id__in=sessions[offset : offset + 5000], kind__in=(Kind.PAGE_VIEW, Kind.PURCHASE)
            )
            .order_by("session_id", "id")
            .values_list("session_id", "kind", "path")
        ):
            entry = visits.setdefault(session, [[], False])
            if entry[1]:
                continue  # pages after the purchase do not lead to it
            if kind == Kind.PURCHASE:
                entry[1] = True
            else:
                entry[0].append(page_type(path))
    before_purchase, before_leaving = summarize_paths(((p, bought) for p, bought in visits.values()), steps=steps)
    purchases, leaves = sum(before_purchase.values()), sum(before_leaving.values())
    return {
        "before_purchase": [
            {"pages": list(k), "visits": n, "share": rate(n, purchases)} for k, n in before_purchase.most_common(limit)
        ],
        "before_leaving": [
            {"pages": list(k), "visits": n, "share": rate(n, leaves)} for k, n in before_leaving.most_common(limit)
        ],
    }

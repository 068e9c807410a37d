"""Order reads for the console, the API, the storefront's status page and the console home."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from dianpu.core import clock
from dianpu.core.errors import NotFoundError

from .domain.states import ACTION_PERMISSIONS, allowed_actions
from .messages import MESSAGES
from .messages import HOLD_REASON_LABELS
from .models import BlacklistEntry, Order
from .services import facts_of


def list_orders(*, status: str = "", statuses=(), search: str = "", date_from=None, date_to=None,
                payment_method: str = "") -> QuerySet:
    """Orders newest first, filtered by one status or any of `statuses`, search text and dates."""
    orders = Order.objects.all()
    if status:
        orders = orders.filter(status=status)
    if statuses:
        orders = orders.filter(status__in=list(statuses))
    if payment_method:
        orders = orders.filter(payment_method=payment_method)
    if search:
        s = search.strip()
        orders = orders.filter(Q(number__iexact=s) | Q(email__iexact=s) | Q(ship_phone=s) | Q(ship_name=s)
                               | Q(tracking_number__iexact=s))
    if date_from:
        orders = orders.filter(placed_at__gte=_start_of(date_from))
    if date_to:
        orders = orders.filter(placed_at__lt=_start_of(date_to) + timedelta(days=1))
    return orders.order_by("-placed_at", "-id")


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min)) if not isinstance(day, datetime) else day


def get_order(number: str) -> Order:
    order = Order.objects.prefetch_related("lines", "history__actor", "shipments", "payments").filter(number=number).first()
    if order is None:
        raise NotFoundError(MESSAGES["order_not_found"], code="order_not_found")
    return order


def get_order_for_customer(number: str, email: str) -> Order | None:
    """The order-status page: both the number and the e-mail must match."""
    if not number or not email:
        return None
    return (Order.objects.prefetch_related("lines", "history", "shipments")
            .filter(number=number.strip().upper(), email__iexact=email.strip()).first())


def list_allowed_actions(order: Order, user=None) -> list[str]:
    """Actions the order's state allows, narrowed to what `user` may do when given."""
    actions = allowed_actions(facts_of(order))
    if user is not None:
        actions = [a for a in actions if user.has_perm(ACTION_PERMISSIONS[a])]
    return [a.value for a in actions]


COUNTED = ~Q(status=Order.Status.CANCELLED)


def summarize_sales(start: datetime, end: datetime) -> dict:
    """Orders (not cancelled) placed in [start, end) and their total."""
    row = Order.objects.filter(COUNTED, placed_at__gte=start, placed_at__lt=end).aggregate(
        orders=Count("id"), sales=Sum("grand_total"))
    return {"orders": row["orders"] or 0, "sales": row["sales"] or 0}


def summarize_today_and_month() -> dict:
    now = timezone.localtime(clock.now())
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = today.replace(day=1)
    tomorrow = today + timedelta(days=1)
    return {
        "today": summarize_sales(today, tomorrow),
        "month": summarize_sales(month, tomorrow),
        "to_ship": Order.objects.filter(status__in=[Order.Status.PAID, Order.Status.REVIEWED, Order.Status.PICKING]).count(),
        "awaiting_payment": Order.objects.filter(status=Order.Status.PENDING_PAYMENT).count(),
    }


def list_daily_sales(days: int = 30) -> list[dict]:
    """Orders and sales per day for the last `days` days (for the console's chart)."""
    now = timezone.localtime(clock.now())
    start = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = {d: {"orders": 0, "sales": 0} for d in (start.date() + timedelta(days=i) for i in range(days))}
    tz = timezone.get_current_timezone()
    for placed_at, total in Order.objects.filter(COUNTED, placed_at__gte=start).values_list("placed_at", "grand_total").iterator():
        day = placed_at.astimezone(tz).date()
        if day in rows:
            rows[day]["orders"] += 1
            rows[day]["sales"] += total
    return [{"date": d.isoformat(), **v} for d, v in rows.items()]


def list_held_orders() -> QuerySet:
    """Orders waiting for review (审单), oldest hold first."""
    return Order.objects.exclude(hold_reasons=[]).exclude(status=Order.Status.CANCELLED).order_by("held_at", "id")


def describe_hold_reasons(order: Order) -> list[dict]:
    return [{"code": r.get("code", ""), "label": str(HOLD_REASON_LABELS.get(r.get("code", ""), r.get("code", ""))),
             "detail": r.get("detail", "")} for r in order.hold_reasons]


def list_blacklist(kind: str = "") -> QuerySet:
    entries = BlacklistEntry.objects.select_related("created_by")
    return entries.filter(kind=kind) if kind else entries

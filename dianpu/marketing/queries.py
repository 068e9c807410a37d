"""Campaign figures: live (sales vs goal by hour, top products, stock running out, promotion
cost vs budget) and the post-campaign report. Reads orders; writes nothing."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.inventory.queries import get_available_by_variant
from dianpu.orders.models import Order, OrderLine
from dianpu.promotions.models import OrderDiscount

from .domain.festivals import goal_attainment, hourly_series
from .messages import MESSAGES
from .models import Campaign

LOW_STOCK = 10


def list_campaigns():
    return Campaign.objects.prefetch_related("promotions")


def get_campaign(pk: int) -> Campaign:
    campaign = Campaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise DomainError(str(MESSAGES["campaign_not_found"]), code="campaign_not_found", status=404)
    return campaign


def campaign_status(c: Campaign, now=None) -> str:
    now = now or clock.now()
    return "ended" if c.ends_at <= now else "live" if c.starts_at <= now else "scheduled"


def _lines(campaign: Campaign, until):
    lines = OrderLine.objects.filter(order__placed_at__gte=campaign.starts_at, order__placed_at__lt=until).exclude(
        order__status=Order.Status.CANCELLED
    )
    product_ids = list(campaign.products.values_list("id", flat=True))
    if product_ids:
        lines = lines.filter(product_id_snapshot__in=product_ids)
    return lines, product_ids


def _figures(campaign: Campaign, until) -> dict:
    lines, product_ids = _lines(campaign, until)
    tz = timezone.get_current_timezone()
    points = [
        (at.astimezone(tz), total - discount)
        for at, total, discount in lines.values_list("order__placed_at", "line_total", "discount_total")
    ]
    sales = sum((amount for _at, amount in points), Decimal("0.00"))
    orders = lines.values("order_id").distinct().count()
    units = lines.aggregate(units=Sum("quantity"))["units"] or 0
    top = list(
        lines.values("sku", "product_name")
        .annotate(units=Sum("quantity"), sales=Sum("line_total"))
        .order_by("-units", "sku")[:10]
    )
    promotion_ids = list(campaign.promotions.values_list("id", flat=True))
    costs = list(
        OrderDiscount.objects.filter(
            promotion_id__in=promotion_ids, created_at__gte=campaign.starts_at, created_at__lt=until
        )
        .exclude(order__status=Order.Status.CANCELLED)
        .values("promotion_id", "label")
        .annotate(amount=Sum("amount"), orders=Count("order_id", distinct=True))
        .order_by("-amount")
    )
    cost = sum((row["amount"] for row in costs), Decimal("0.00"))
    return {
        "points": points,
        "sales": sales,
        "orders": orders,
        "units": units,
        "top_products": top,
        "promotion_costs": costs,
        "promotion_cost": cost,
        "product_ids": product_ids,
        "attainment": goal_attainment(sales, campaign.sales_goal),
        "budget_used": goal_attainment(cost, campaign.budget),
        "average_order": (sales / orders).quantize(Decimal("0.01")) if orders else Decimal("0.00"),
    }


def _running_out(product_ids) -> list[dict]:
    from dianpu.catalog.models import Variant

    variants = list(Variant.objects.filter(product_id__in=product_ids, is_active=True).select_related("product"))
    available = get_available_by_variant([v.id for v in variants])
    rows = [
        {"sku": v.sku, "name": v.product.name, "available": available.get(v.id, 0)}
        for v in variants
        if available.get(v.id, 0) <= LOW_STOCK
    ]
    return sorted(rows, key=lambda r: (r["available"], r["sku"]))


def get_campaign_live(campaign: Campaign) -> dict:
    now = clock.now()
    until = min(now, campaign.ends_at)
    figures = _figures(campaign, until)
    tz = timezone.get_current_timezone()
    start = campaign.starts_at.astimezone(tz)
    end = max(start + timedelta(hours=1), min(now, campaign.ends_at).astimezone(tz))
    labels, hourly, cumulative = hourly_series(figures.pop("points"), start, end)
    total_hours = max(1, int((campaign.ends_at - campaign.starts_at).total_seconds() // 3600))
    goal_line = [(campaign.sales_goal * (i + 1) / total_hours).quantize(Decimal("0.01")) for i in range(len(labels))]
    suggestions = []
    if figures["attainment"] is not None and now < campaign.ends_at:
        elapsed = (now - campaign.starts_at).total_seconds() / max(
            1, (campaign.ends_at - campaign.starts_at).total_seconds()
        )
        if elapsed > 0.2 and figures["attainment"] < Decimal(str(elapsed * 100 * 0.8)):
            suggestions.append("behind_goal")
    if figures["budget_used"] is not None and figures["budget_used"] >= 90:
        suggestions.append("budget_nearly_spent")
    running_out = _running_out(figures["product_ids"]) if figures["product_ids"] else []
    if running_out:
        suggestions.append("restock")
    return {
        **figures,
        "status": campaign_status(campaign, now),
        "chart": {
            "labels": labels,
            "sales": [str(s) for s in hourly],
            "cumulative": [str(s) for s in cumulative],
            "goal": [str(g) for g in goal_line],
        },
        "running_out": running_out,
        "suggestions": suggestions,
    }


def get_campaign_report(campaign: Campaign) -> dict:
    figures = _figures(campaign, campaign.ends_at)
    by_day: dict = defaultdict(lambda: Decimal("0.00"))
    for at, amount in figures.pop("points"):
        by_day[at.date().isoformat()] += amount
    attributed = (
        Order.objects.exclude(status=Order.Status.CANCELLED)
        .filter(
            Q(utm_campaign=campaign.utm_campaign) & ~Q(utm_campaign=""),
            placed_at__gte=campaign.starts_at,
            placed_at__lt=campaign.ends_at,
        )
        .aggregate(orders=Count("id"), sales=Sum("grand_total"))
    )
    return {
        **figures,
        "by_day": sorted(by_day.items()),
        "attributed_orders": attributed["orders"] or 0,
        "attributed_sales": attributed["sales"] or Decimal("0.00"),
        "within_budget": campaign.budget == 0 or figures["promotion_cost"] <= campaign.budget,
    }

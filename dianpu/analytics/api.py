"""Analytics endpoints: the figures (JSON, role-checked) and the tracking collect endpoint."""

import json
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from ninja import Query, Router, Schema

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.bounds import ShopDate
from dianpu.core.errors import DomainError

from . import queries, services
from .messages import MESSAGES
from .visitor import visit_context

router = Router(tags=["analytics"])
MAX_PERIOD_DAYS = 3660


class Period(Schema):
    date_from: ShopDate
    date_to: ShopDate


def _checked(period: Period) -> tuple[date, date]:
    if period.date_from > period.date_to or (period.date_to - period.date_from).days >= MAX_PERIOD_DAYS:
        raise DomainError(str(MESSAGES["bad_period"]), code="bad_period", status=422)
    return period.date_from, period.date_to


class SummaryOut(Schema):
    orders: int
    sales: Decimal
    average_order_value: Decimal
    refunds: Decimal
    visitors: int
    conversion_rate: float


class BestsellerItem(Schema):
    slug: str
    name: str
    visitors: int
    views: int
    avg_dwell_seconds: float
    add_to_cart_rate: float
    buyers: int
    conversion_rate: float
    units: int
    sales: Decimal
    refunds: Decimal  # money refunded that day for the product's lines
    list_impressions: int
    list_clicks: int
    click_through_rate: float
    flag: str | None


class BestsellersOut(Schema):
    items: list[BestsellerItem]


class BestsellerQuery(Schema):
    date: ShopDate


class FunnelStep(Schema):
    step: str
    visits: int
    drop_off_rate: float | None
    rate_from_start: float


class FunnelGroup(Schema):
    key: str
    steps: list[FunnelStep]


class FunnelOut(Schema):
    steps: list[FunnelStep]
    groups: list[FunnelGroup]


class FunnelQuery(Period):
    by: str = ""


@router.get(
    "/analytics/summary",
    response=SummaryOut,
    auth=StaffToken(),
    summary="Orders (placed, not cancelled), sales, average order value, refunds, visitors, conversion",
)
def summary(request, period: Query[Period]):
    require_perm(request.auth, roles.VIEW_ANALYTICS)
    return queries.get_summary(*_checked(period))


@router.get(
    "/analytics/bestsellers",
    response=BestsellersOut,
    auth=StaffToken(),
    summary="Bestseller tracking (爆款数据跟踪) for one day, with declining / improve_or_replace flags",
)
def bestsellers(request, query: Query[BestsellerQuery]):
    require_perm(request.auth, roles.VIEW_ANALYTICS)
    return {"items": queries.list_bestsellers(query.date)}


@router.get(
    "/analytics/funnel",
    response=FunnelOut,
    auth=StaffToken(),
    summary="Conversion funnel (visit → product view → cart → checkout → order placed → paid), "
    "by channel/device/source",
)
def funnel(request, query: Query[FunnelQuery]):
    require_perm(request.auth, roles.VIEW_ANALYTICS)
    date_from, date_to = _checked(query)
    return queries.get_funnel(date_from, date_to, by=query.by)


class SalesQuery(Period):
    by: str = "category"


class SalesRow(Schema):
    key: str
    orders: int
    units: int
    sales: Decimal
    margin: Decimal | None = None


class SalesOut(Schema):
    by: str
    items: list[SalesRow]


SALES_BREAKDOWNS = ("category", "price_band", "product", "region", "channel", "hour", "weekday")


@router.get(
    "/analytics/sales",
    response=SalesOut,
    auth=StaffToken(),
    summary="Sales by category, price_band, product, region, channel, hour or weekday; margin for finance/owner",
)
def sales(request, query: Query[SalesQuery]):
    require_perm(request.auth, roles.VIEW_ANALYTICS)
    date_from, date_to = _checked(query)
    if query.by not in SALES_BREAKDOWNS:
        raise DomainError(
            str(MESSAGES["bad_breakdown"]) % {"choices": ", ".join(SALES_BREAKDOWNS)}, code="bad_breakdown", status=422
        )
    with_margin = request.auth.has_perm(roles.VIEW_MARGINS)
    rows = queries.get_sales_breakdown(date_from, date_to, by=query.by, with_margin=with_margin)
    return {"by": query.by, "items": [{**r, "key": str(r["key"])} for r in rows]}


def _events_from(body: bytes) -> list[services.EventInput]:
    try:
        data = json.loads(body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return []
    raw_events = data.get("events") if isinstance(data, dict) else None
    events = []
    for raw in raw_events if isinstance(raw_events, list) else []:
        if not isinstance(raw, dict):
            continue
        try:
            product = int(raw["product_id"]) if raw.get("product_id") not in (None, "") else None
            dwell = int(raw.get("dwell_ms") or 0)
        except (TypeError, ValueError):
            continue
        events.append(
            services.EventInput(
                kind=str(raw.get("kind", ""))[:20],
                path=str(raw.get("path", ""))[:300],
                product_id=product if product and 0 < product < 2**62 else None,
                dwell_ms=dwell,
            )
        )
    return events


@router.post("/analytics/collect", auth=None, include_in_schema=False, url_name="analytics_collect")
def collect(request):
    """Beacons from the storefront's tracking script (navigator.sendBeacon). Always 204: the browser
    does not read the answer; events are dropped when tracking is not allowed."""
    context = visit_context(request)
    if context is not None:
        services.record_events(context, _events_from(request.body))
    return HttpResponse(status=204)

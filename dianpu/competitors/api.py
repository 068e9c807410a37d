"""Competitor monitoring endpoints (owner, operator, marketing: competitors.monitor_competitors)."""

from decimal import Decimal

from ninja import Router, Schema, Status

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.http import client_ip

from . import queries, services

router = Router(tags=["competitors"], auth=StaffToken())


class Problem(Schema):
    code: str
    detail: str


class Created(Schema):
    id: int


class CompetitorIn(Schema):
    name: str = ""
    platform: str = ""
    url: str = ""
    notes: str = ""


class CompetitorOut(Schema):
    id: int
    name: str
    platform: str
    url: str
    notes: str


class CompetitorProductIn(Schema):
    competitor_id: int
    name: str = ""
    url: str = ""
    our_products: list[str] = []
    price_selector: str = ""
    promotion_selector: str = ""
    sales_selector: str = ""
    image_selector: str = ""
    undercut_margin_percent: Decimal | None = None


class CompetitorProductOut(Schema):
    id: int
    competitor_id: int
    name: str
    url: str
    our_products: list[str]
    price_selector: str
    undercut_margin_percent: str
    last_price: str | None
    last_error_code: str
    last_error_detail: str


class SnapshotIn(Schema):
    price: str | Decimal
    promotion_text: str = ""
    sales_count: int | None = None
    rating: Decimal | None = None
    review_count: int | None = None
    main_image_url: str = ""


class SnapshotOut(Schema):
    id: int
    competitor_product_id: int
    taken_at: str
    price: str
    promotion_text: str
    sales_count: int | None
    rating: str | None
    review_count: int | None
    main_image_url: str
    changes: list[str]
    source: str


class AlertOut(Schema):
    id: int
    kind: str
    competitor_product_id: int
    our_product: str
    their_price: str
    our_price: str
    promotion_text: str
    created_at: str


class AlertList(Schema):
    items: list[AlertOut]


class PriceSuggestionOut(Schema):
    our_product: str
    price: str
    floor: str
    their_price: str
    our_price: str


def _snapshot_out(s) -> dict:
    return {
        "id": s.pk,
        "competitor_product_id": s.product_id,
        "taken_at": s.taken_at.isoformat(),
        "price": str(s.price),
        "promotion_text": s.promotion_text,
        "sales_count": s.sales_count,
        "rating": None if s.rating is None else str(s.rating),
        "review_count": s.review_count,
        "main_image_url": s.main_image_url,
        "changes": list(s.changes or []),
        "source": s.source,
    }


def _product_out(p) -> dict:
    latest = getattr(p, "latest", None)
    return {
        "id": p.pk,
        "competitor_id": p.competitor_id,
        "name": p.name,
        "url": p.url,
        "our_products": [o.slug for o in p.our_products.all()],
        "price_selector": p.price_selector,
        "undercut_margin_percent": str(p.undercut_margin_percent),
        "last_price": None if latest is None else str(latest.price),
        "last_error_code": p.last_error_code,
        "last_error_detail": p.last_error_detail,
    }


def _alert_out(a) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "competitor_product_id": a.product_id,
        "our_product": a.our_product.slug,
        "their_price": str(a.their_price),
        "our_price": str(a.our_price),
        "promotion_text": a.promotion_text,
        "created_at": a.created_at.isoformat(),
    }


@router.post("/competitors", response={201: Created, 403: Problem, 422: Problem}, summary="Add a competitor shop")
def create_competitor(request, payload: CompetitorIn):
    require_perm(request.user, roles.MONITOR_COMPETITORS)
    competitor = services.create_competitor(
        name=payload.name, platform=payload.platform, url=payload.url, notes=payload.notes, actor=request.user
    )
    return Status(201, {"id": competitor.pk})


@router.get("/competitors", response={200: list[CompetitorOut], 403: Problem}, summary="Competitor shops (max 200)")
def list_competitors(request, limit: int = 100, offset: int = 0):
    require_perm(request.user, roles.MONITOR_COMPETITORS)
    return [
        {"id": c.pk, "name": c.name, "platform": c.platform, "url": c.url, "notes": c.notes}
        for c in queries.list_competitors(limit=limit, offset=offset)
    ]


@router.post(
    "/competitor-products",
    response={201: Created, 403: Problem, 404: Problem, 422: Problem},
    summary="Add a competitor product mapped to our products (by slug)",
)
def create_competitor_product(request, payload: CompetitorProductIn):
    require_perm(request.user, roles.MONITOR_COMPETITORS)
    product = services.create_competitor_product(
        competitor_id=payload.competitor_id,
        name=payload.name,
        url=payload.url,
        our_products=payload.our_products,
        price_selector=payload.price_selector,
        promotion_selector=payload.promotion_selector,
        sales_selector=payload.sales_selector,
        image_selector=payload.image_selector,
        undercut_margin_percent=payload.undercut_margin_percent,
        actor=request.user,
    )
    return Status(201, {"id": product.pk})


@router.get(
    "/competitor-products",
    response={200: list[CompetitorProductOut], 403: Problem},
    summary="Competitor products with their latest price and fetch error (max 200)",
)
def list_competitor_products(request, competitor_id: int | None = None, limit: int = 100, offset: int = 0):
    require_perm(request.user, roles.MONITOR_COMPETITORS)
    return [
        _product_out(p)
        for p in queries.list_competitor_products(competitor_id=competitor_id, limit=limit, offset=offset)
    ]


@router.post(
    "/competitor-products/{product_id}/snapshots",
    response={201: SnapshotOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Record a snapshot by hand (raises the alerts)",
)
def record_snapshot(request, product_id: int, payload: SnapshotIn):
    require_perm(request.user, roles.MONITOR_COMPETITORS)
    snapshot = services.record_snapshot(
        product=queries.get_competitor_product(product_id),
        price=payload.price,
        promotion_text=payload.promotion_text,
        sales_count=payload.sales_count,
        rating=payload.rating,
        review_count=payload.review_count,
        main_image_url=payload.main_image_url,
    )
    return Status(201, _snapshot_out(snapshot))


@router.get(
    "/competitor-products/{product_id}/snapshots",
    response={200: list[SnapshotOut], 403: Problem, 404: Problem},
    summary="Snapshot history, oldest first (days <= 365, max 200)",
)
def list_snapshots(request, product_id: int, days: int = 30, limit: int = 200):
    require_perm(request.user, roles.MONITOR_COMPETITORS)
    return [
        _snapshot_out(s)
        for s in queries.list_snapshots(queries.get_competitor_product(product_id), days=days, limit=limit)
    ]


@router.post(
    "/competitor-products/{product_id}/fetch",
    response={201: SnapshotOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Read the product's page now (codes: url_not_allowed, fetch_failed, selector_no_match, price_unparsed)",
)
def fetch_now(request, product_id: int):
    require_perm(request.user, roles.MONITOR_COMPETITORS)
    snapshot = services.fetch_product(queries.get_competitor_product(product_id), wait=False)
    return Status(201, _snapshot_out(snapshot))


@router.get(
    "/competitor-alerts", response={200: AlertList, 403: Problem}, summary="Open alerts, newest first (max 200)"
)
def list_alerts(request, limit: int = 100, offset: int = 0):
    require_perm(request.user, roles.MONITOR_COMPETITORS)
    return {"items": [_alert_out(a) for a in queries.list_alerts(limit=limit, offset=offset)]}


@router.get(
    "/competitor-products/{product_id}/suggested-price",
    response={200: PriceSuggestionOut, 403: Problem, 404: Problem, 422: Problem},
    summary="A price that answers theirs, never below our floor (cost x (1 + minimum margin))",
)
def suggested_price(request, product_id: int, our_product: str | None = None):
    require_perm(request.user, roles.MONITOR_COMPETITORS)
    found = services.suggested_price(queries.get_competitor_product(product_id), our_product)
    return {k: str(v) for k, v in found.items()}


@router.post(
    "/competitor-alerts/{alert_id}/apply",
    response={200: dict, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Apply the suggested price through the catalog pricing service (needs catalog.change_price)",
)
def apply_alert(request, alert_id: int):
    require_perm(request.user, roles.MONITOR_COMPETITORS, roles.CHANGE_PRICE)
    price = services.apply_suggested_price(
        alert=queries.get_alert(alert_id), actor=request.user, ip_address=client_ip(request)
    )
    return {"price": str(price)}

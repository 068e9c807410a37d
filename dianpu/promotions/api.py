"""Staff promotion and coupon endpoints (owner or marketing: promotions.manage_promotions)."""

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.bounds import PageNumber
from dianpu.core.http import client_ip

from . import queries, services
from .schemas import (
    CouponBatchIn,
    CouponBatchOut,
    CouponIn,
    CouponList,
    CouponOut,
    CouponPatch,
    Problem,
    PromotionIn,
    PromotionList,
    PromotionOut,
    PromotionPatch,
)

router = Router(tags=["promotions"], auth=StaffToken())


class ListFilters(Schema):
    status: str = ""
    search: str = ""
    page: PageNumber = 1
    page_size: int = 50


def _aware(value):
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _data(payload, *, exclude_unset=False) -> dict:
    data = payload.dict(exclude_unset=exclude_unset)
    for key in ("starts_at", "ends_at"):
        if key in data:
            data[key] = _aware(data[key])
    if data.get("tiers") is not None:
        data["tiers"] = [{k: v for k, v in t.items() if v is not None} for t in data["tiers"]]
    if exclude_unset:
        return data
    return {k: v for k, v in data.items() if v is not None}


def promotion_out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "status": queries.promotion_status(p),
        "starts_at": p.starts_at,
        "ends_at": p.ends_at,
        "priority": p.priority,
        "exclusive": p.exclusive,
        "allow_below_floor": p.allow_below_floor,
        "scope": p.scope,
        "conditions": p.conditions,
        "params": p.params,
        "budget": p.budget,
        "flash_sold": p.flash_sold,
        "cost": queries.sum_promotion_cost([p.pk]),
    }


def coupon_out(c) -> dict:
    return {
        "code": c.code,
        "name": c.name,
        "kind": c.kind,
        "amount": c.amount,
        "percent": c.percent,
        "min_spend": c.min_spend,
        "usage_limit": c.usage_limit,
        "per_customer_limit": c.per_customer_limit,
        "used_count": c.used_count,
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "scope": c.scope,
        "segments": c.segments,
        "is_active": c.is_active,
        "batch": c.batch_id,
    }


@router.get("/promotions", response=PromotionList, summary="List promotions (status: live, scheduled, ended)")
def list_promotions(request, filters: Query[ListFilters]):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    rows = queries.list_promotions(status=filters.status)
    size = max(1, min(filters.page_size, 200))
    page = max(1, filters.page)
    return {"items": [promotion_out(p) for p in rows[(page - 1) * size : page * size]], "count": rows.count()}


@router.post(
    "/promotions",
    response={201: PromotionOut, 403: Problem, 422: Problem},
    summary="Create a promotion; 422 names bad fields, exclusive_overlap, end before start",
)
def create_promotion(request, payload: PromotionIn):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    promotion = services.create_promotion(_data(payload), actor=request.user, ip_address=client_ip(request))
    return Status(201, promotion_out(promotion))


@router.get("/promotions/{promotion_id}", response={200: PromotionOut, 404: Problem})
def get_promotion(request, promotion_id: int):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    return promotion_out(queries.get_promotion(promotion_id))


@router.patch("/promotions/{promotion_id}", response={200: PromotionOut, 404: Problem, 422: Problem})
def update_promotion(request, promotion_id: int, payload: PromotionPatch):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    promotion = services.update_promotion(
        queries.get_promotion(promotion_id),
        _data(payload, exclude_unset=True),
        actor=request.user,
        ip_address=client_ip(request),
    )
    return promotion_out(promotion)


@router.post(
    "/promotions/{promotion_id}/end", response={200: PromotionOut, 404: Problem}, summary="Stop a promotion now"
)
def end_promotion(request, promotion_id: int):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    return promotion_out(
        services.end_promotion(queries.get_promotion(promotion_id), actor=request.user, ip_address=client_ip(request))
    )


@router.get("/coupons", response=CouponList, summary="List coupons (search by code or name)")
def list_coupons(request, filters: Query[ListFilters]):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    rows = queries.list_coupons(search=filters.search)
    size = max(1, min(filters.page_size, 200))
    page = max(1, filters.page)
    return {"items": [coupon_out(c) for c in rows[(page - 1) * size : page * size]], "count": rows.count()}


@router.post(
    "/coupons",
    response={201: CouponOut, 403: Problem, 409: Problem, 422: Problem},
    summary="Create a coupon code (amount, percent or shipping)",
)
def create_coupon(request, payload: CouponIn):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    coupon = services.create_coupon(_data(payload), actor=request.user, ip_address=client_ip(request))
    return Status(201, coupon_out(coupon))


@router.get("/coupons/{code}", response={200: CouponOut, 404: Problem})
def get_coupon(request, code: str):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    return coupon_out(queries.get_coupon(code))


@router.patch(
    "/coupons/{code}",
    response={200: CouponOut, 404: Problem, 422: Problem},
    summary="Change a coupon's terms, or withdraw it (is_active false)",
)
def update_coupon(request, code: str, payload: CouponPatch):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    coupon = services.update_coupon(
        queries.get_coupon(code), _data(payload, exclude_unset=True), actor=request.user, ip_address=client_ip(request)
    )
    return coupon_out(coupon)


@router.post(
    "/coupon-batches",
    response={201: CouponBatchOut, 403: Problem, 422: Problem},
    summary="Generate a batch of single-use codes PREFIX-XXXXXXXX",
)
def issue_batch(request, payload: CouponBatchIn):
    require_perm(request.user, roles.MANAGE_PROMOTIONS)
    data = _data(payload)
    name, prefix, quantity = data.pop("name", ""), data.pop("prefix", ""), data.pop("quantity", 0)
    data.pop("code", None)
    batch = services.issue_coupon_batch(
        name=name, prefix=prefix, quantity=quantity, template=data, actor=request.user, ip_address=client_ip(request)
    )
    return Status(
        201,
        {
            "id": batch.pk,
            "name": batch.name,
            "prefix": batch.prefix,
            "quantity": batch.quantity,
            "codes": list(batch.coupons.order_by("code").values_list("code", flat=True)),
        },
    )

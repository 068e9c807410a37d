"""Promotion and coupon use cases: create / change / end, batches, and redemption at checkout.

Counters (coupon uses, per-customer uses, flash-sale units) move only by conditional
single-statement UPDATEs, so two checkouts racing for the last use cannot both win.
"""

import secrets
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model, Q

from dianpu.audit.services import record_audit
from dianpu.catalog.models import Category, Variant
from dianpu.core import clock
from dianpu.core.actors import Actor
from dianpu.core.errors import DomainError, ValidationFailed

from .domain.definitions import check_coupon, check_promotion, params_of, scopes_overlap
from .domain.window import OPEN_END
from .messages import FIELD_ERRORS, MESSAGES
from .models import (
    Coupon,
    CouponBatch,
    CouponRedemption,
    CouponUse,
    FlashSalePurchase,
    OrderDiscount,
    PriceFloor,
    Promotion,
    PromotionLock,
)
from .queries import PricedCart, coupon_error

# A promotion or coupon definition as posted by the console or the API (JSON-like, not yet checked).
Definition = dict[str, Any]

PROMOTION_FIELDS = (
    "name",
    "kind",
    "starts_at",
    "ends_at",
    "priority",
    "exclusive",
    "allow_below_floor",
    "scope",
    "conditions",
    "budget",
    "is_active",
)


def _invalid(errors: dict[str, str]) -> ValidationFailed:
    return ValidationFailed(
        {k: str(FIELD_ERRORS.get(v, v)) for k, v in errors.items()}, detail=str(MESSAGES["invalid"])
    )


def _categories_of_sku(sku: str) -> set[str]:
    v = Variant.objects.select_related("product__category").filter(sku=sku).first()
    if v is None or v.product.category is None:
        return set()
    slugs: set[str] = set()
    category: Category | None = v.product.category
    while category is not None:
        slugs.add(category.slug)
        category = category.parent
    return slugs


EXCLUSIVE_LOCK = "exclusive"


def _serialize_exclusive_saves() -> None:
    """Take the exclusive-promotions lock for the rest of the transaction (a conditional UPDATE on
    its row; the row is created the first time). Two saves of exclusive promotions then check for
    overlap one after the other: the second sees the first."""
    if PromotionLock.objects.filter(name=EXCLUSIVE_LOCK).update(version=F("version") + 1) == 1:
        return
    try:
        with transaction.atomic():
            PromotionLock.objects.create(name=EXCLUSIVE_LOCK)
    except IntegrityError:  # created meanwhile by the other saver
        pass
    PromotionLock.objects.filter(name=EXCLUSIVE_LOCK).update(version=F("version") + 1)


def _check_exclusive_overlap(data: Definition, exclude_pk: int | None = None) -> None:
    if not data.get("exclusive") or not data.get("is_active", True):
        return
    _serialize_exclusive_saves()
    others = Promotion.objects.filter(
        exclusive=True, is_active=True, starts_at__lt=data["ends_at"], ends_at__gt=data["starts_at"]
    )
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        if scopes_overlap(data.get("scope") or {"all": True}, other.scope or {"all": True}, _categories_of_sku):
            raise DomainError(
                str(MESSAGES["exclusive_overlap"]) % {"other": other.name},
                code="exclusive_overlap",
                status=422,
                other=other.pk,
            )


def _default_window(data: Definition) -> Definition:
    """No start: from now. No end: until ended by hand (an open end far in the future)."""
    if data.get("starts_at") is None:
        data["starts_at"] = clock.now()
    if data.get("ends_at") is None:
        data["ends_at"] = OPEN_END
    return data


def _normalise(data: Definition) -> Definition:
    data = _default_window(dict(data))
    data.setdefault("scope", {"all": True})
    data.setdefault("priority", 0)
    data["exclusive"] = bool(data.get("exclusive", False))
    data["allow_below_floor"] = bool(data.get("allow_below_floor", False))
    data["conditions"] = list(data.get("conditions") or [])
    if data.get("budget") is not None:
        budget = Decimal(str(data["budget"]))
        if budget < 0:
            raise _invalid({"budget": "negative"})
        data["budget"] = budget
    return data


def _jsonable_params(params: Any) -> Any:
    """`params` (a dict, or a list of dicts) with Decimals as strings, as a JSON column stores them."""

    def plain(v: Any) -> Any:
        if isinstance(v, Decimal):
            return str(v)
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v

    return plain(params)


@transaction.atomic
def create_promotion(data: Definition, *, actor: Actor = None, ip_address: str | None = None) -> Promotion:
    """Save a promotion after checking it whole: kind fields, window, amounts, scope, and that
    no other exclusive promotion overlaps it in time and scope. Nothing is saved on refusal."""
    data = _normalise(data)
    errors = check_promotion(data)
    if errors:
        raise _invalid(errors)
    _check_exclusive_overlap(data)
    params = _jsonable_params(params_of(data))
    now = clock.now()
    promotion = Promotion.objects.create(
        name=data["name"].strip(),
        kind=data["kind"],
        params=params,
        scope=_jsonable_params(data["scope"]),
        conditions=_jsonable_params(data["conditions"]),
        priority=data["priority"],
        exclusive=data["exclusive"],
        allow_below_floor=data["allow_below_floor"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        budget=data.get("budget"),
        is_active=data.get("is_active", True),
        flash_cap=int(params["stock_cap"]) if data["kind"] == "flash_sale" else None,
        created_at=now,
        updated_at=now,
    )
    record_audit(
        actor=actor,
        action="promotion.created",
        obj=promotion,
        changes={"kind": ("", promotion.kind), "window": ("", f"{promotion.starts_at} – {promotion.ends_at}")},
        ip_address=ip_address,
    )
    return promotion


@transaction.atomic
def update_promotion(
    promotion: Promotion, changes: Definition, *, actor: Actor = None, ip_address: str | None = None
) -> Promotion:
    current = Promotion.objects.select_for_update().get(pk=promotion.pk)
    data = {
        "name": current.name,
        "kind": current.kind,
        "starts_at": current.starts_at,
        "ends_at": current.ends_at,
        "priority": current.priority,
        "exclusive": current.exclusive,
        "allow_below_floor": current.allow_below_floor,
        "scope": current.scope,
        "conditions": current.conditions,
        "budget": current.budget,
        "is_active": current.is_active,
        **current.params,
    }
    data.update({k: v for k, v in changes.items()})
    data = _normalise(data)
    errors = check_promotion(data)
    if errors:
        raise _invalid(errors)
    _check_exclusive_overlap(data, exclude_pk=current.pk)
    params = _jsonable_params(params_of(data))
    before = {f: getattr(current, f) for f in PROMOTION_FIELDS}
    for field in PROMOTION_FIELDS:
        if field in data:
            setattr(current, field, data[field])
    current.name = current.name.strip()
    current.params = params
    current.scope = _jsonable_params(current.scope)
    if current.kind == "flash_sale":
        cap = int(params["stock_cap"])
        if cap < current.flash_sold:
            raise _invalid({"stock_cap": "too_large"})
        current.flash_cap = cap
    current.updated_at = clock.now()
    current.save()
    diff = {f: (before[f], getattr(current, f)) for f in PROMOTION_FIELDS if before[f] != getattr(current, f)}
    record_audit(actor=actor, action="promotion.changed", obj=current, changes=diff, ip_address=ip_address)
    return current


@transaction.atomic
def end_promotion(promotion: Promotion, *, actor: Actor = None, ip_address: str | None = None) -> Promotion:
    """Stop a promotion now (it stays on record, with what it gave)."""
    now = clock.now()
    updates: dict[str, Any] = {"is_active": False, "updated_at": now}
    if promotion.ends_at > now and promotion.starts_at < now:
        updates["ends_at"] = now
    Promotion.objects.filter(pk=promotion.pk).update(**updates)
    promotion.refresh_from_db()
    record_audit(
        actor=actor,
        action="promotion.ended",
        obj=promotion,
        changes={"is_active": (True, False)},
        ip_address=ip_address,
    )
    return promotion


def _coupon_fields(data: Definition) -> dict[str, Any]:
    return dict(
        name=str(data.get("name") or "").strip()[:100],
        kind=data["kind"],
        amount=Decimal(str(data.get("amount") or 0)),
        percent=Decimal(str(data.get("percent") or 0)),
        min_spend=Decimal(str(data.get("min_spend") or 0)),
        scope=_jsonable_params(data.get("scope") or {"all": True}),
        segments=list(data.get("segments") or []),
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        usage_limit=data.get("usage_limit"),
        per_customer_limit=data.get("per_customer_limit"),
    )


@transaction.atomic
def create_coupon(data: Definition, *, actor: Actor = None, ip_address: str | None = None) -> Coupon:
    data = _default_window(dict(data))
    errors = check_coupon(data)
    if errors:
        raise _invalid(errors)
    code = data["code"].strip()
    if Coupon.objects.filter(code__iexact=code).exists():
        raise DomainError(str(MESSAGES["coupon_code_taken"]) % {"code": code}, code="coupon_code_taken", status=409)
    try:
        with transaction.atomic():
            coupon = Coupon.objects.create(code=code, created_at=clock.now(), **_coupon_fields(data))
    except IntegrityError:  # the same code saved a moment ago by someone else
        raise DomainError(
            str(MESSAGES["coupon_code_taken"]) % {"code": code}, code="coupon_code_taken", status=409
        ) from None
    record_audit(
        actor=actor, action="coupon.created", obj=coupon, changes={"kind": ("", coupon.kind)}, ip_address=ip_address
    )
    return coupon


COUPON_FIELDS = (
    "name",
    "kind",
    "amount",
    "percent",
    "min_spend",
    "scope",
    "segments",
    "starts_at",
    "ends_at",
    "usage_limit",
    "per_customer_limit",
    "is_active",
)


@transaction.atomic
def update_coupon(coupon: Coupon, changes: Definition, *, actor: Actor = None, ip_address: str | None = None) -> Coupon:
    """Change a coupon's terms (its code stays). The total-use limit cannot go below the uses
    already counted."""
    current = Coupon.objects.select_for_update().get(pk=coupon.pk)
    data = {f: getattr(current, f) for f in COUPON_FIELDS}
    data.update(changes)
    data["code"] = current.code
    errors = check_coupon(data)
    if (
        data.get("usage_limit") is not None
        and isinstance(data["usage_limit"], int)
        and data["usage_limit"] < current.used_count
    ):
        errors["usage_limit"] = "below_used"
    if errors:
        raise _invalid(errors)
    before = {f: getattr(current, f) for f in COUPON_FIELDS}
    for key, value in _coupon_fields(data).items():
        setattr(current, key, value)
    current.is_active = bool(data.get("is_active", True))
    current.save()
    diff = {f: (before[f], getattr(current, f)) for f in COUPON_FIELDS if before[f] != getattr(current, f)}
    record_audit(actor=actor, action="coupon.changed", obj=current, changes=diff, ip_address=ip_address)
    return current


ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@transaction.atomic
def issue_coupon_batch(
    *,
    name: str,
    prefix: str,
    quantity: int,
    template: Definition,
    actor: Actor = None,
    ip_address: str | None = None,
) -> CouponBatch:
    """Generate `quantity` single-use codes PREFIX-XXXXXXXX sharing one definition."""
    errors: dict[str, str] = {}
    prefix = (prefix or "").strip().upper()
    if not prefix.isalnum() or len(prefix) > 12:
        errors["prefix"] = "prefix_invalid"
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 10000:
        errors["quantity"] = "quantity_invalid"
    if not (name or "").strip():
        errors["name"] = "required"
    template = _default_window({**template, "code": f"{prefix or 'X'}-CHECK"})
    template.setdefault("usage_limit", 1)
    template.setdefault("per_customer_limit", 1)
    errors.update({k: v for k, v in check_coupon(template).items() if k != "code"})
    if errors:
        raise _invalid(errors)
    batch = CouponBatch.objects.create(
        name=name.strip()[:100],
        prefix=prefix,
        quantity=quantity,
        created_at=clock.now(),
        created_by=actor.get_username() if actor is not None else "",
    )
    fields = _coupon_fields({**template, "name": template.get("name") or name})
    now = clock.now()
    codes: set[str] = set()
    while len(codes) < quantity:
        codes.add(f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(8)))
    taken = set(Coupon.objects.filter(code__in=codes).values_list("code", flat=True))
    while taken:  # astronomically rare: draw again for the clashes
        codes -= taken
        fresh = {f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(8)) for _ in taken}
        taken = set(Coupon.objects.filter(code__in=fresh).values_list("code", flat=True)) | (fresh & codes)
        codes |= fresh - taken
    Coupon.objects.bulk_create(
        [Coupon(code=c, batch=batch, created_at=now, **fields) for c in sorted(codes)], batch_size=500
    )
    record_audit(
        actor=actor,
        action="coupon.batch_issued",
        obj=batch,
        changes={"quantity": ("", quantity)},
        ip_address=ip_address,
    )
    return batch


@transaction.atomic
def set_price_floor(*, sku: str, price: Decimal | str | None, actor: Actor = None) -> None:
    variant = Variant.objects.filter(sku=sku).first()
    if variant is None:
        raise _invalid({"sku": "required"})
    if price in (None, ""):
        PriceFloor.objects.filter(variant=variant).delete()
        return
    floor = Decimal(str(price))
    if floor < 0:
        raise _invalid({"price": "negative"})
    PriceFloor.objects.update_or_create(variant=variant, defaults={"price": floor})
    record_audit(actor=actor, action="promotion.floor_set", obj=variant, changes={"floor": ("", floor)})


def _count_customer_use(coupon: Coupon, email: str) -> bool:
    if coupon.per_customer_limit is None:
        return True
    try:
        with transaction.atomic():
            CouponUse.objects.get_or_create(coupon=coupon, email=email)
    except IntegrityError:  # another checkout created the row first
        pass
    return (
        CouponUse.objects.filter(coupon=coupon, email=email, uses__lt=coupon.per_customer_limit).update(
            uses=F("uses") + 1
        )
        == 1
    )


def _count_flash_units(promotion: Promotion, email: str, units: int) -> bool:
    limit = int(promotion.params.get("per_customer_limit", 1))
    if (
        Promotion.objects.filter(
            pk=promotion.pk, flash_cap__isnull=False, flash_sold__lte=F("flash_cap") - units
        ).update(flash_sold=F("flash_sold") + units)
        != 1
    ):
        return False
    try:
        with transaction.atomic():
            FlashSalePurchase.objects.get_or_create(promotion=promotion, email=email)
    except IntegrityError:
        pass
    return (
        FlashSalePurchase.objects.filter(promotion=promotion, email=email, units__lte=limit - units).update(
            units=F("units") + units
        )
        == 1
    )


def redeem_pricing(*, order: Model, email: str, priced: PricedCart) -> None:  # order: an orders.Order
    """Count the coupons and flash units an order used and record what each rule gave.

    Runs inside checkout's transaction: if the last use of a coupon or the last flash unit went
    to someone else meanwhile, raises 422 (coupon_used_up / flash_sold_out) and the whole
    checkout rolls back.
    """
    assert transaction.get_connection().in_atomic_block, "redeem_pricing runs inside checkout's transaction"
    email = email.strip().lower()
    result = priced.result
    now = clock.now()
    for code in result.applied_coupons:
        coupon = priced.coupons[code]
        counted = (
            Coupon.objects.filter(pk=coupon.pk, is_active=True)
            .filter(Q(usage_limit__isnull=True) | Q(used_count__lt=F("usage_limit")))
            .update(used_count=F("used_count") + 1)
        )
        if counted != 1 or not _count_customer_use(coupon, email):
            raise coupon_error("coupon_used_up", code, coupon)
    for rule_id, units in result.flash_units:
        if not _count_flash_units(priced.promotions[rule_id], email, units):
            raise DomainError(str(MESSAGES["flash_sold_out"]), code="flash_sold_out", status=422)
    coupon_amounts: dict[str, Decimal] = {}
    rows: list[OrderDiscount] = []
    for a in result.adjustments:
        promotion = priced.promotions.get(a.rule_id) if a.source == "promotion" else None
        coupon = priced.coupons.get(a.rule_id[2:]) if a.source == "coupon" else None
        if coupon is not None:
            coupon_amounts[coupon.code] = coupon_amounts.get(coupon.code, Decimal("0.00")) + a.amount
        rows.append(
            OrderDiscount(
                order_id=order.pk,
                promotion=promotion,
                coupon=coupon,
                source=a.source,
                code=a.code,
                label=a.label[:100],
                amount=a.amount,
                target=a.target,
                created_at=now,
            )
        )
    OrderDiscount.objects.bulk_create(rows)
    CouponRedemption.objects.bulk_create(
        [
            CouponRedemption(
                coupon=priced.coupons[code], order_id=order.pk, email=email, amount=amount, redeemed_at=now
            )
            for code, amount in coupon_amounts.items()
        ]
    )

"""Promotion and coupon definitions as stored (JSON-like dicts): checked, then built into rules.

`check_promotion` / `check_coupon` return {field: error code} (empty when fine); the service
turns codes into text. `promotion_from_definition` builds the engine's `Promotion`.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .benefits import BENEFITS, build_benefit
from .conditions import CONDITIONS, build_condition
from .types import CouponFacts, Promotion, Scope

# A definition as stored or posted: JSON-like, values not yet checked (the boundary of the engine).
Definition = Mapping[str, Any]

COUPON_KINDS = ("amount", "percent", "shipping")
# Fields each kind needs, besides name/kind/window/priority/exclusive/scope.
KIND_FIELDS = {
    "percent_off": ("percent",),
    "amount_off": ("amount",),
    "member_price": (),
    "flash_sale": ("price", "stock_cap"),
    "buy_x_get_y": ("buy", "get"),
    "bundle": ("skus", "price"),
    "spend_x_save_y": ("tiers",),
    "spend_x_percent_off": ("tiers",),
    "free_shipping": (),
}
PARAM_KEYS = (
    "percent",
    "amount",
    "price",
    "tiers",
    "repeat",
    "buy",
    "get",
    "discount_percent",
    "threshold",
    "skus",
    "prices",
    "per_customer_limit",
    "stock_cap",
)


def scope_from_json(data: Definition | None) -> Scope:
    data = data or {}
    if data.get("all"):
        return Scope(all=True)
    return Scope(
        skus=frozenset(data.get("skus") or ()),
        categories=frozenset(data.get("categories") or ()),
        tags=frozenset(data.get("tags") or ()),
        brands=frozenset(data.get("brands") or ()),
    )


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None or isinstance(value, float) and value != value:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _check_scope(scope: object, errors: dict[str, str]) -> None:
    if not isinstance(scope, dict):
        errors["scope"] = "scope_invalid"
        return
    if scope.get("all") is True:
        return
    lists = [scope.get(k) for k in ("skus", "categories", "tags", "brands") if k in scope]
    if (
        not lists
        or any(not isinstance(v, list) or not all(isinstance(x, str) and x for x in v) for v in lists)
        or not any(lists)
    ):
        errors["scope"] = "scope_invalid"


def _check_window(starts_at: datetime | None, ends_at: datetime | None, errors: dict[str, str]) -> None:
    if starts_at is None:
        errors["starts_at"] = "required"
    if ends_at is None:
        errors["ends_at"] = "required"
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "ends_before_start"


def _positive(
    data: Definition,
    key: str,
    errors: dict[str, str],
    *,
    whole: bool = False,
    maximum: int | None = None,
    allow_zero: bool = False,
) -> None:
    value = _number(data.get(key))
    if value is None:
        errors[key] = "required" if data.get(key) is None else "not_a_number"
    elif value < 0:
        errors[key] = "negative"
    elif value == 0 and not allow_zero:
        errors[key] = "must_be_positive"
    elif whole and value != value.to_integral_value():
        errors[key] = "whole_number"
    elif maximum is not None and value > maximum:
        errors[key] = "too_large"
    elif _finer_than_fen(value):
        errors[key] = "too_precise"


def _finer_than_fen(value: Decimal) -> bool:
    exponent = value.as_tuple().exponent  # an int: _number lets only finite numbers through
    return isinstance(exponent, int) and exponent < -2


def check_promotion(data: Definition) -> dict[str, str]:
    """What is wrong with a promotion definition: {field: code}."""
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = "required"
    elif len(name) > 100:
        errors["name"] = "too_long"
    kind = data.get("kind")
    if kind not in BENEFITS:
        errors["kind"] = "kind_unknown"
    _check_window(data.get("starts_at"), data.get("ends_at"), errors)
    priority = data.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int) or not -1000 <= priority <= 1000:
        errors["priority"] = "priority_invalid"
    _check_scope(data.get("scope", {"all": True}), errors)
    if kind not in BENEFITS:
        return errors
    for key in KIND_FIELDS[kind]:
        if data.get(key) is None:
            errors[key] = "required"
    if kind in ("percent_off",):
        _positive(data, "percent", errors, maximum=100)
    if kind == "member_price":
        if data.get("prices"):
            if not isinstance(data["prices"], dict):
                errors["prices"] = "not_a_number"
            else:
                for price in data["prices"].values():
                    _positive({"p": price}, "p", errors)
                    if "p" in errors:
                        errors["prices"] = errors.pop("p")
        else:
            _positive(data, "percent", errors, maximum=100)
    if kind == "amount_off":
        _positive(data, "amount", errors)
    if kind in ("flash_sale", "bundle") and "price" not in errors:
        _positive(data, "price", errors, allow_zero=True)
    if kind == "flash_sale":
        _positive(data, "stock_cap", errors, whole=True)
        if data.get("per_customer_limit") is not None:
            _positive(data, "per_customer_limit", errors, whole=True)
    if kind == "buy_x_get_y":
        _positive(data, "buy", errors, whole=True, maximum=100)
        _positive(data, "get", errors, whole=True, maximum=100)
        if data.get("discount_percent") is not None:
            _positive(data, "discount_percent", errors, maximum=100)
    if kind == "bundle" and "skus" not in errors:
        skus = data.get("skus")
        if not isinstance(skus, list) or len(skus) < 2 or len(set(skus)) != len(skus):
            errors["skus"] = "bundle_needs_two_skus"
    if kind in ("spend_x_save_y", "spend_x_percent_off") and "tiers" not in errors:
        key = "amount" if kind == "spend_x_save_y" else "percent"
        tiers = data.get("tiers")
        if not isinstance(tiers, list) or not tiers or len(tiers) > 10:
            errors["tiers"] = "tiers_invalid"
        else:
            thresholds = []
            for n, tier in enumerate(tiers):
                if not isinstance(tier, dict):
                    errors["tiers"] = "tiers_invalid"
                    break
                sub: dict[str, str] = {}
                _positive(tier, "threshold", sub)
                _positive(tier, key, sub, maximum=100 if key == "percent" else None)
                if sub:
                    errors[f"tiers.{n}"] = "negative" if "negative" in sub.values() else "tiers_invalid"
                    continue
                threshold, amount = _number(tier["threshold"]), _number(tier[key])
                thresholds.append(threshold)
                if key == "amount" and threshold is not None and amount is not None and amount > threshold:
                    errors[f"tiers.{n}"] = "saving_above_threshold"
            if len(set(thresholds)) != len(thresholds):
                errors["tiers"] = "tiers_repeated"
    if kind == "free_shipping" and data.get("threshold") is not None:
        _positive(data, "threshold", errors, allow_zero=True)
    for n, cond in enumerate(data.get("conditions") or []):
        if not isinstance(cond, dict) or cond.get("kind") not in CONDITIONS:
            errors[f"conditions.{n}"] = "condition_unknown"
    return errors


def check_coupon(data: Definition) -> dict[str, str]:
    errors: dict[str, str] = {}
    code = str(data.get("code") or "").strip()
    if not code:
        errors["code"] = "required"
    elif len(code) > 40 or not all(ch.isalnum() or ch in "-_" for ch in code):
        errors["code"] = "code_invalid"
    kind = data.get("kind")
    if kind not in COUPON_KINDS:
        errors["kind"] = "kind_unknown"
    elif kind == "amount":
        _positive(data, "amount", errors)
    elif kind == "percent":
        _positive(data, "percent", errors, maximum=100)
    elif data.get("amount") is not None:
        _positive(data, "amount", errors, allow_zero=True)
    if data.get("min_spend") is not None:
        _positive(data, "min_spend", errors, allow_zero=True)
    for key in ("usage_limit", "per_customer_limit"):
        if data.get(key) is not None:
            _positive(data, key, errors, whole=True)
    _check_window(data.get("starts_at"), data.get("ends_at"), errors)
    _check_scope(data.get("scope", {"all": True}), errors)
    return errors


def params_of(data: Definition) -> dict[str, Any]:
    return {k: data[k] for k in PARAM_KEYS if data.get(k) is not None}


def promotion_from_definition(
    *,
    id: str,
    label: str,
    kind: str,
    params: Definition,
    scope: Definition | None = None,
    conditions: Iterable[Definition] | None = (),
    priority: int = 0,
    exclusive: bool = False,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    allow_below_floor: bool = False,
) -> Promotion:
    return Promotion(
        id=id,
        label=label,
        benefit=build_benefit(kind, params),
        scope=scope_from_json(scope or {"all": True}),
        conditions=tuple(build_condition(c["kind"], c) for c in conditions or ()),
        priority=priority,
        exclusive=exclusive,
        starts_at=starts_at,
        ends_at=ends_at,
        allow_below_floor=allow_below_floor,
    )


def coupon_from_definition(
    *,
    code: str,
    label: str,
    kind: str,
    amount: Decimal | int | str | None = None,
    percent: Decimal | int | str | None = None,
    min_spend: Decimal | int | str | None = None,
    scope: Definition | None = None,
    segments: Iterable[str] | None = (),
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    uses_left: int | None = None,
    customer_uses_left: int | None = None,
    allow_below_floor: bool = False,
) -> CouponFacts:
    return CouponFacts(
        code=code,
        label=label,
        kind=kind,
        amount=Decimal(str(amount or 0)),
        percent=Decimal(str(percent or 0)),
        min_spend=Decimal(str(min_spend or 0)),
        scope=scope_from_json(scope or {"all": True}),
        segments=frozenset(segments or ()),
        starts_at=starts_at,
        ends_at=ends_at,
        uses_left=uses_left,
        customer_uses_left=customer_uses_left,
        allow_below_floor=allow_below_floor,
    )


def scopes_overlap(
    a: Definition | None, b: Definition | None, categories_of_sku: Callable[[str], set[str]] | None = None
) -> bool:
    """Could one line be in both scopes? `categories_of_sku` (sku -> set of slugs) lets a SKU
    list be compared with a category list; without it such pairs count as overlapping."""
    a, b = a or {"all": True}, b or {"all": True}
    if a.get("all") or b.get("all"):
        return True
    for key in ("skus", "categories", "tags", "brands"):
        if set(a.get(key) or ()) & set(b.get(key) or ()):
            return True
    for x, y in ((a, b), (b, a)):
        if x.get("skus") and (y.get("categories") or y.get("tags") or y.get("brands")):
            if categories_of_sku is None:
                return True
            wanted = set(y.get("categories") or ())
            if any(categories_of_sku(s) & wanted for s in x["skus"]) or y.get("tags") or y.get("brands"):
                return True
    if (a.get("categories") and (b.get("tags") or b.get("brands"))) or (
        b.get("categories") and (a.get("tags") or a.get("brands"))
    ):
        return True
    return False

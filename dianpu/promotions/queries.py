"""Reads: load the facts and the live rules, then run the pure engine (fetch first, compute second)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dianpu.catalog.models import Category, Product, Variant
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.customers.models import Customer, MembershipTier

from .domain import CartFacts, CustomerFacts, LineFacts, PricingResult, evaluate_cart
from .domain.definitions import coupon_from_definition, promotion_from_definition
from .messages import EXPLANATIONS, HINTS, MESSAGES
from .models import Coupon, CouponUse, FlashSalePurchase, OrderDiscount, PriceFloor, Promotion

MAX_COUPONS = 5


@dataclass(frozen=True)
class CartItem:
    variant: Variant  # with its product loaded
    quantity: int


def _category_slugs(category_ids: set[int]) -> dict[int, frozenset]:
    """Category id -> its slug and every ancestor's (a category scope covers its subtree), for
    `category_ids` only (the cart's; the table is read as bare rows, not model instances)."""
    rows = {cid: (slug, parent_id) for cid, slug, parent_id in Category.objects.values_list("id", "slug", "parent_id")}
    out = {}
    for cid in category_ids:
        slugs, seen, current = set(), set(), cid
        while current is not None and current in rows and current not in seen:
            seen.add(current)
            slugs.add(rows[current][0])
            current = rows[current][1]
        out[cid] = frozenset(slugs)
    return out


def scope_kinds(scopes) -> frozenset[str]:
    """Which line facts the scopes look at ("categories", "tags"): the others need not be read."""
    kinds = set()
    for scope in scopes:
        if scope.categories:
            kinds.add("categories")
        if scope.tags:
            kinds.add("tags")
    return frozenset(kinds)


def line_facts(items: list[CartItem], needs: frozenset[str] = frozenset({"categories", "tags"})) -> tuple:
    """The engine's facts of each line. A line's categories and tags only serve scopes that name
    categories or tags: `needs` (see scope_kinds) says which of the two to read."""
    variant_ids = [it.variant.id for it in items]
    floors = dict(PriceFloor.objects.filter(variant_id__in=variant_ids).values_list("variant_id", "price"))
    category_ids = {it.variant.product.category_id for it in items} - {None} if "categories" in needs else set()
    categories = _category_slugs(category_ids) if category_ids else {}
    tags: dict[int, set] = {}
    if "tags" in needs:
        for product_id, slug in _product_tags({it.variant.product_id for it in items}):
            tags.setdefault(product_id, set()).add(slug)
    return tuple(
        LineFacts(
            sku=it.variant.sku,
            unit_price=it.variant.selling_price,
            quantity=it.quantity,
            product_id=it.variant.product_id,
            categories=categories.get(it.variant.product.category_id, frozenset()),
            tags=frozenset(tags.get(it.variant.product_id, ())),
            brand=it.variant.product.brand,
            floor_price=floors.get(it.variant.id, Decimal("0.00")),
        )
        for it in items
    )


def _product_tags(product_ids) -> list[tuple[int, str]]:
    return list(Product.tags.through.objects.filter(product_id__in=product_ids).values_list("product_id", "tag__slug"))


BUILT_IN_SEGMENTS = ("new", "returning", "recent_buyers", "lapsed")


def customer_facts(email: str, member_id: int | None = None) -> CustomerFacts:
    """Who is buying: tier, segments, first order or not.

    Built-in segments come from the customer's orders: `new` (no order yet), `returning`,
    `recent_buyers` (an order in the last 90 days), `lapsed` (none for 180 days). Membership tier
    and further segments belong to the CRM; they are read when the customer has them. The tier's
    perks belong to the signed-in member (`member_id`), never to whoever types their e-mail.
    """
    email = (email or "").strip().lower()
    member = Customer.objects.filter(pk=member_id).first() if member_id is not None else None
    # A signed-in member's own segments and orders (their order is theirs whatever e-mail it names;
    # an account opened by mobile number has no e-mail of its own); a guest's by e-mail.
    customer = member or (Customer.objects.filter(email=email).first() if email else None)
    tier = str(getattr(member, "tier", "") or "")
    segments = getattr(customer, "segments", None) or ()
    if isinstance(segments, str):
        segments = [s for s in segments.split(",") if s]
    segments = set(segments)
    last = customer.orders.aggregate(last=Max("placed_at"))["last"] if customer is not None else None
    if last is None:
        segments.add("new")
    else:
        now = clock.now()
        segments.add("returning")
        if last >= now - timedelta(days=90):
            segments.add("recent_buyers")
        if last < now - timedelta(days=180):
            segments.add("lapsed")
    return CustomerFacts(email=email, tier=tier, segments=frozenset(segments), is_first_order=last is None)


def membership_rules(tier_code: str, items: list[CartItem]) -> list:
    """The perks of the customer's membership tier (会员等级), as engine rules behind a member-tier
    condition: member prices (the SKUs' `member_price`, or the tier's discount when that gives
    more) and free shipping. They stack with promotions like any item or shipping rule."""
    if not tier_code:
        return []
    tier = MembershipTier.objects.filter(code=tier_code).first()
    if tier is None:
        return []
    name = tier.name_en if (get_language() or "").startswith("en") else tier.name
    condition = [{"kind": "member_tier", "tiers": [tier.code]}]
    rules = []
    percent = tier.discount_percent or Decimal("0")
    prices = {}
    for it in items:
        unit = it.variant.selling_price
        best = unit * (100 - percent) / 100 if percent else unit
        if tier.member_price and it.variant.member_price is not None:
            best = min(best, it.variant.member_price)
        best = best.quantize(Decimal("0.01"))
        if best < unit:
            prices[it.variant.sku] = str(best)
    if prices:
        rules.append(
            promotion_from_definition(
                id="M:price",
                label=f"{_('会员价')}（{name}）",
                kind="member_price",
                params={"prices": prices},
                conditions=condition,
            )
        )
    if tier.free_shipping:
        rules.append(
            promotion_from_definition(
                id="M:shipping", label=f"{_('包邮')}（{name}）", kind="free_shipping", params={}, conditions=condition
            )
        )
    return rules


def rule_of(p: Promotion):
    return promotion_from_definition(
        id=p.rule_id,
        label=p.name,
        kind=p.kind,
        params=p.params,
        scope=p.scope,
        conditions=p.conditions,
        priority=p.priority,
        exclusive=p.exclusive,
        starts_at=p.starts_at,
        ends_at=p.ends_at,
        allow_below_floor=p.allow_below_floor,
    )


def list_live_promotions(now=None) -> list[Promotion]:
    """Active promotions inside their window, leaving out those whose budget is spent (a soft
    cap: orders placed at the same moment may pass it by their own discounts)."""
    now = now or clock.now()
    live = list(Promotion.objects.filter(is_active=True, starts_at__lte=now, ends_at__gt=now))
    capped = [p.pk for p in live if p.budget is not None]
    if capped:
        spent = dict(
            OrderDiscount.objects.filter(promotion_id__in=capped)
            .values("promotion_id")
            .annotate(total=Sum("amount"))
            .values_list("promotion_id", "total")
        )
        live = [p for p in live if p.budget is None or spent.get(p.pk, Decimal("0")) < p.budget]
    return live


def coupon_facts(coupon: Coupon, email: str):
    customer_left = None
    if coupon.per_customer_limit is not None:
        used = CouponUse.objects.filter(coupon=coupon, email=email).values_list("uses", flat=True).first() or 0
        customer_left = coupon.per_customer_limit - used
    return coupon_from_definition(
        code=coupon.code,
        label=coupon.name or coupon.code,
        kind=coupon.kind,
        amount=coupon.amount,
        percent=coupon.percent,
        min_spend=coupon.min_spend,
        scope=coupon.scope,
        segments=coupon.segments,
        starts_at=coupon.starts_at,
        ends_at=coupon.ends_at,
        uses_left=None if coupon.usage_limit is None else coupon.usage_limit - coupon.used_count,
        customer_uses_left=customer_left,
    )


def coupon_error(reason: str, code: str, coupon: Coupon | None = None) -> DomainError:
    params = {"code": code, "min_spend": f"{coupon.min_spend:.2f}" if coupon else ""}
    return DomainError(str(MESSAGES[reason]) % params, code=reason, status=422, coupon=code)


def find_coupons(codes) -> dict[str, Coupon]:
    """Entered codes (case-insensitive) -> coupon; raises 422 coupon_unknown for the first unknown."""
    codes = [str(c).strip() for c in codes or () if str(c).strip()]
    if len(codes) > MAX_COUPONS:
        raise DomainError(str(MESSAGES["too_many_coupons"]), code="too_many_coupons", status=422)
    found: dict[str, Coupon] = {}
    for code in dict.fromkeys(codes):
        coupon = Coupon.objects.filter(code=code).first() or Coupon.objects.filter(code__iexact=code).first()
        if coupon is None:
            raise coupon_error("coupon_unknown", code)
        if not coupon.is_active:
            raise coupon_error("coupon_inactive", code)
        found[coupon.code] = coupon
    return found


@dataclass(frozen=True)
class PricedCart:
    result: PricingResult
    coupons: dict  # code -> Coupon (those entered)
    promotions: dict  # rule id -> Promotion
    customer: CustomerFacts


def price_cart(
    *,
    items: list[CartItem],
    email: str = "",
    coupon_codes=(),
    shipping_fee=Decimal("0.00"),
    now=None,
    strict: bool = True,
    member_id: int | None = None,
) -> PricedCart:
    """Price cart items with the live promotions and the coupons entered. With `strict`, a coupon
    that cannot apply raises 422 with a code saying why (coupon_expired, coupon_min_spend, ...)."""
    now = now or clock.now()
    coupons = find_coupons(coupon_codes) if strict else _known_coupons(coupon_codes)
    live = list_live_promotions(now)
    promotions = {p.rule_id: p for p in live}
    customer = customer_facts(email, member_id)
    flash = [p for p in live if p.kind == Promotion.Kind.FLASH_SALE]
    bought = {}
    if flash and customer.email:
        bought = {
            f"P{pid}": units
            for pid, units in FlashSalePurchase.objects.filter(promotion__in=flash, email=customer.email).values_list(
                "promotion_id", "units"
            )
        }
    left = {p.rule_id: max(0, (p.flash_cap or 0) - p.flash_sold) for p in flash}
    rules = [rule_of(p) for p in live] + membership_rules(customer.tier, items)
    entered = [coupon_facts(c, customer.email) for c in coupons.values()]
    facts = CartFacts(
        lines=line_facts(items, scope_kinds([r.scope for r in rules] + [c.scope for c in entered])),
        customer=customer,
        shipping_fee=shipping_fee,
        now=now,
        coupon_codes=tuple(coupons),
        flash_bought=tuple(sorted(bought.items())),
        flash_left=tuple(sorted(left.items())),
    )
    result = evaluate_cart(facts, rules, entered)
    if strict and result.rejected_coupons:
        first = result.rejected_coupons[0]
        raise coupon_error(first.reason, first.code, coupons.get(first.code))
    return PricedCart(result=result, coupons=coupons, promotions=promotions, customer=customer)


def _known_coupons(codes) -> dict[str, Coupon]:
    try:
        return find_coupons(codes)
    except DomainError:
        return {}


def explain(adjustment) -> str:
    return str(EXPLANATIONS.get(adjustment.code, adjustment.code))


def applied_rows(result: PricingResult) -> list[dict]:
    """What the cart and the quote show: one row per discount, with the rule that gave it."""
    return [
        {
            "source": a.source,
            "rule_id": a.rule_id,
            "label": a.label,
            "kind": explain(a),
            "code": a.code,
            "amount": a.amount,
            "target": a.target,
        }
        for a in result.adjustments
    ]


def hint_texts(result: PricingResult) -> list[str]:
    texts = []
    for h in result.hints:
        reward = f"{h.reward:.2f}" if h.reward_kind != "percent" else f"{h.reward.normalize():f}"
        texts.append(
            str(HINTS[h.reward_kind]) % {"needed": f"{h.amount_needed:.2f}", "reward": reward, "label": h.label}
        )
    return texts


def snapshot_of(result: PricingResult) -> dict:
    """The order's record of the rules that priced it (JSON)."""

    def money(d):
        return f"{d:.2f}"

    return {
        "engine": 1,
        "subtotal": money(result.subtotal),
        "discount_total": money(result.discount_total),
        "shipping_fee": money(result.shipping_fee),
        "shipping_discount": money(result.shipping_discount),
        "total": money(result.total),
        "adjustments": [
            {
                "source": a.source,
                "rule_id": a.rule_id,
                "label": a.label,
                "code": a.code,
                "amount": money(a.amount),
                "target": a.target,
                "lines": {sku: money(v) for sku, v in a.lines},
                "params": {k: str(v) for k, v in a.params},
            }
            for a in result.adjustments
        ],
        "lines": [{"sku": ln.sku, "discount": money(ln.discount)} for ln in result.lines],
        "coupons": list(result.applied_coupons),
        "excluded": list(result.excluded),
    }


def list_promotions(*, status: str = "", now=None):
    now = now or clock.now()
    rows = Promotion.objects.all()
    if status == "live":
        rows = rows.filter(is_active=True, starts_at__lte=now, ends_at__gt=now)
    elif status == "scheduled":
        rows = rows.filter(is_active=True, starts_at__gt=now)
    elif status == "ended":
        rows = rows.filter(Q(ends_at__lte=now) | Q(is_active=False))
    return rows


def list_coupons(*, search: str = "", batch_id: int | None = None):
    rows = Coupon.objects.select_related("batch")
    if search:
        rows = rows.filter(Q(code__icontains=search) | Q(name__icontains=search))
    if batch_id:
        rows = rows.filter(batch_id=batch_id)
    return rows


def get_promotion(pk: int) -> Promotion:
    p = Promotion.objects.filter(pk=pk).first()
    if p is None:
        raise DomainError(str(MESSAGES["promotion_not_found"]), code="promotion_not_found", status=404)
    return p


def get_coupon(code: str) -> Coupon:
    c = Coupon.objects.filter(code=code).first()
    if c is None:
        raise DomainError(str(MESSAGES["coupon_not_found"]), code="coupon_not_found", status=404)
    return c


def promotion_status(p: Promotion, now=None) -> str:
    now = now or clock.now()
    if not p.is_active or p.ends_at <= now:
        return "ended"
    return "live" if p.starts_at <= now else "scheduled"


def sum_promotion_cost(promotion_ids=None, *, since=None, until=None) -> Decimal:
    rows = OrderDiscount.objects.filter(source="promotion")
    if promotion_ids is not None:
        rows = rows.filter(promotion_id__in=promotion_ids)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def status_label(status: str) -> str:
    return {"live": _("进行中"), "scheduled": _("未开始"), "ended": _("已结束")}.get(status, status)


def list_promotions_for_product(product, now=None) -> list[dict]:
    """Live promotions that cover any SKU of `product` (for badges on the product page)."""
    variants = list(product.variants.all())
    if not variants:
        return []
    lines = line_facts([CartItem(v, 1) for v in variants if v.is_active])
    shown = []
    for p in list_live_promotions(now):
        rule = rule_of(p)
        if any(rule.scope.matches(line) for line in lines):
            shown.append({"name": p.name, "kind": str(EXPLANATIONS.get(p.kind, p.kind)), "ends_at": p.ends_at})
    return sorted(shown, key=lambda row: row["name"])


def get_next_schedule_change(now=None):
    """When the next active promotion starts or ends (a cached page that shows promotions is good
    until then), or None."""
    from django.db.models import Min

    now = now or clock.now()
    active = Promotion.objects.filter(is_active=True)
    times = [
        active.filter(starts_at__gt=now).aggregate(t=Min("starts_at"))["t"],
        active.filter(ends_at__gt=now).aggregate(t=Min("ends_at"))["t"],
    ]
    return min((t for t in times if t is not None), default=None)

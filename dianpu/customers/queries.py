"""Reads about customers: the staff list and profile, a customer's own page, the export file.

Order figures are read through the `Customer.orders` relation (orders sit above customers and are
not imported): counted orders are those not cancelled."""

from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext

from dianpu.core.errors import NotFoundError

from .domain.phones import mask_phone, normalize_phone
from .messages import MESSAGES
from .models import Customer, MembershipTier, PointsEntry

MAX_PAGE_SIZE = 100
COUNTED = ~Q(orders__status="cancelled")


def _with_figures(qs):
    return qs.annotate(
        orders_count=Count("orders", filter=COUNTED, distinct=True),
        total_spent=Sum("orders__grand_total", filter=COUNTED & Q(orders__paid_at__isnull=False)),
        last_order_at=Max("orders__placed_at"),
    )


def _filtered(search: str, tier: str, segment: str):
    """Customers matching a name, e-mail, phone or order number, a tier and a segment."""
    qs = Customer.objects.filter(erased_at__isnull=True)
    search = (search or "").strip()[:100]
    if search:
        cond = Q(name__icontains=search) | Q(email__icontains=search.lower()) | Q(orders__number=search.upper())
        phone = normalize_phone(search)
        digits = "".join(ch for ch in search if ch.isdigit())
        if phone:
            cond |= Q(phone=phone)
        elif len(digits) >= 4:
            cond |= Q(phone__contains=digits)
        ids = Customer.objects.filter(cond).values("id")
        qs = qs.filter(id__in=ids)
    if tier:
        qs = qs.filter(tier=tier)
    if segment:
        # JSON "contains" is not portable to SQLite: the members are picked here.
        qs = qs.filter(
            id__in=[
                c
                for c, segs in Customer.objects.exclude(segments=[]).values_list("id", "segments")
                if segment in (segs or [])
            ]
        )
    return qs


def list_customers(
    *, search: str = "", page: int = 1, page_size: int = 50, tier: str = "", segment: str = ""
) -> tuple[list[Customer], int]:
    """Customers matching a name, e-mail, phone or order number; newest first, paged."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    qs = _filtered(search, tier, segment)
    count = qs.count()
    rows = list(_with_figures(qs).order_by("-created_at", "-id")[(page - 1) * page_size : page * page_size])
    return rows, count


def customers_for_export(*, search: str = "", tier: str = "", segment: str = ""):
    """Every customer the list's filters match (for a file), streamed in chunks, with figures."""
    return _with_figures(_filtered(search, tier, segment)).order_by("-created_at", "-id").iterator(chunk_size=2000)


def get_customer(customer_id: int) -> Customer:
    customer = _with_figures(Customer.objects.filter(pk=customer_id)).first()
    if customer is None:
        raise NotFoundError(str(MESSAGES["customer_not_found"]), code="customer_not_found")
    return customer


def tier_names() -> dict[str, tuple[str, str]]:
    return {t.code: (t.name, t.name_en) for t in MembershipTier.objects.all()}


def list_tiers() -> list[MembershipTier]:
    return list(MembershipTier.objects.all())


def visible_orders(customer: Customer, limit: int = 50):
    """A customer's own orders, newest first. Once the e-mail is verified: every order with it,
    guest ones too; before that only those placed since the account was opened."""
    orders = customer.orders.all()
    if customer.email_verified_at is None:
        if customer.signed_up_at is None:
            return orders.none()
        orders = orders.filter(placed_at__gte=customer.signed_up_at)
    return orders.order_by("-placed_at", "-id")[:limit]


def member_coupons(customer: Customer, limit: int = 50):
    """The coupons given to this customer (exchange, birthday, win-back), newest first."""
    return list(customer.member_coupons.all()[:limit])


def list_points_entries(customer: Customer, limit: int = 50) -> list[PointsEntry]:
    return list(customer.points_entries.all()[:limit])


def spend_since(since) -> dict[int, Decimal]:
    """Customer id -> what they paid for orders placed since `since` (cancelled ones left out)."""
    rows = (
        Customer.objects.filter(
            orders__placed_at__gte=since, orders__paid_at__isnull=False, orders__cancelled_at__isnull=True
        )
        .values("id")
        .annotate(spend=Sum("orders__grand_total"))
    )
    return {r["id"]: r["spend"] or Decimal("0") for r in rows}


def shown_phone(phone: str, may_see: bool) -> str:
    return phone if may_see else mask_phone(phone)


def export_customer(customer: Customer) -> dict:
    """Everything dianpu holds about one person (PIPL/GDPR access request), as plain data."""
    orders = []
    for order in customer.orders.prefetch_related("lines").order_by("placed_at", "id"):
        orders.append(
            {
                "number": order.number,
                "status": order.status,
                "placed_at": order.placed_at.isoformat(),
                "email": order.email,
                "ship_name": order.ship_name,
                "ship_phone": order.ship_phone,
                "address": " ".join(
                    p
                    for p in (
                        order.ship_country,
                        order.ship_province,
                        order.ship_city,
                        order.ship_district,
                        order.ship_line1,
                        order.ship_line2,
                        order.ship_postcode,
                    )
                    if p
                ),
                "subtotal": str(order.subtotal),
                "discount_total": str(order.discount_total),
                "shipping_total": str(order.shipping_total),
                "total": str(order.grand_total),
                "note": order.note,
                "lines": [
                    {
                        "sku": ln.sku,
                        "name": ln.product_name,
                        "variant": ln.variant_label,
                        "quantity": ln.quantity,
                        "unit_price": str(ln.unit_price),
                        "line_total": str(ln.line_total),
                    }
                    for ln in order.lines.all()
                ],
            }
        )
    return {
        "customer": {
            "id": customer.pk,
            "email": customer.email,
            "name": customer.name,
            "phone": customer.phone,
            "language": customer.language,
            "created_at": customer.created_at.isoformat(),
            "signed_up_at": customer.signed_up_at.isoformat() if customer.signed_up_at else None,
            "email_verified_at": customer.email_verified_at.isoformat() if customer.email_verified_at else None,
            "birthday": customer.birthday.isoformat() if customer.birthday else None,
            "phone_verified_at": customer.phone_verified_at.isoformat() if customer.phone_verified_at else None,
            "tier": customer.tier,
            "points": customer.points_balance,
            "segments": customer.segments,
            "tags": customer.tags,
            "note": customer.note,
            "consent": {"email": customer.consent_email, "sms": customer.consent_sms},
        },
        "addresses": [
            {
                k: getattr(a, k)
                for k in (
                    "name",
                    "phone",
                    "country",
                    "province",
                    "city",
                    "district",
                    "line1",
                    "line2",
                    "postcode",
                    "is_default",
                )
            }
            for a in customer.addresses.all()
        ],
        "coupons": [
            {
                "code": c.code,
                "source": c.source,
                "name": c.name,
                "amount": str(c.amount),
                "min_spend": str(c.min_spend),
                "ends_at": c.ends_at.isoformat(),
                "created_at": c.created_at.isoformat(),
            }
            for c in customer.member_coupons.order_by("id")
        ],
        "points": [
            {
                "kind": e.kind,
                "delta": e.delta,
                "balance_after": e.balance_after,
                "reference": e.reference,
                "reason": e.reason,
                "created_at": e.created_at.isoformat(),
            }
            for e in customer.points_entries.order_by("created_at", "id")
        ],
        "orders": orders,
    }


def segment_facts(customer_ids, now, rules) -> dict:
    """Customer id -> (segments.CustomerFacts, current stored segments), read in a few queries."""
    from .domain.segments import CustomerFacts

    qs = Customer.objects.filter(erased_at__isnull=True)
    if customer_ids is not None:
        qs = qs.filter(pk__in=list(customer_ids))
    rows = qs.annotate(
        n=Count("orders", filter=COUNTED, distinct=True),
        spend=Sum("orders__grand_total", filter=COUNTED & Q(orders__paid_at__isnull=False)),
        last=Max("orders__placed_at", filter=COUNTED),
    ).values_list("id", "n", "spend", "last", "tier", "tags", "consent_email", "consent_sms", "segments")
    wants = {k for r in rules for k in r.conditions}
    bought_cats: dict[int, set] = {}
    bought_skus: dict[int, set] = {}
    provinces: dict[int, str] = {}
    ids = None if customer_ids is None else list(customer_ids)
    base = Customer.objects.all() if ids is None else Customer.objects.filter(pk__in=ids)
    if "skus" in wants:
        for cid, sku in (
            base.filter(orders__cancelled_at__isnull=True).values_list("id", "orders__lines__sku").distinct()
        ):
            if sku:
                bought_skus.setdefault(cid, set()).add(sku)
    if "categories" in wants:
        for cid, slug in (
            base.filter(orders__cancelled_at__isnull=True)
            .values_list("id", "orders__lines__variant__product__category__slug")
            .distinct()
        ):
            if slug:
                bought_cats.setdefault(cid, set()).add(slug)
    if "provinces" in wants:
        for cid, province in (
            base.filter(orders__cancelled_at__isnull=True)
            .order_by("orders__placed_at")
            .values_list("id", "orders__ship_province")
        ):
            if province:
                provinces[cid] = province  # the latest order's province wins
    out = {}
    for cid, n, spend, last, tier, tags, consent_email, consent_sms, current in rows:
        recency = None if last is None else max(0, (now - last).days)
        out[cid] = (
            CustomerFacts(
                recency_days=recency,
                orders=n or 0,
                spend=spend or Decimal("0"),
                tier=tier,
                tags=frozenset(tags or ()),
                province=provinces.get(cid, ""),
                consent_email=consent_email,
                consent_sms=consent_sms,
                categories=frozenset(bought_cats.get(cid, ())),
                skus=frozenset(bought_skus.get(cid, ())),
            ),
            current,
        )
    return out


def list_segment_figures() -> list[dict]:
    """Per segment (RFM first, then rule segments): customers and what they paid in all."""
    from .domain.segments import RFM_SEGMENTS
    from .models import Segment

    figures = {
        code: {"code": code, "name": code, "kind": "rfm", "customers": 0, "revenue": Decimal("0.00")}
        for code in RFM_SEGMENTS
    }
    for s in Segment.objects.all():
        figures[s.code] = {
            "code": s.code,
            "name": s.name,
            "kind": "rule",
            "customers": 0,
            "revenue": Decimal("0.00"),
            "conditions": s.conditions,
        }
    spend = dict(_with_figures(Customer.objects.exclude(segments=[])).values_list("id", "total_spent"))
    for cid, segments in Customer.objects.exclude(segments=[]).values_list("id", "segments"):
        for code in segments or ():
            if code in figures:
                figures[code]["customers"] += 1
                figures[code]["revenue"] += spend.get(cid) or Decimal("0")
    return list(figures.values())


def list_outreach(page: int = 1, page_size: int = 50):
    from .models import Outreach

    page = max(1, page)
    qs = Outreach.objects.all()
    return list(qs[(page - 1) * page_size : page * page_size]), qs.count()


SEGMENT_LABELS = {
    "high_value": ("高价值客户", "High value"),
    "loyal": ("忠诚客户", "Loyal"),
    "promising": ("潜力客户", "Promising"),
    "at_risk": ("流失风险", "At risk"),
    "lost": ("已流失", "Lost"),
}


def get_customer_360(customer: Customer, *, may_see_contact: bool) -> dict:
    """Everything the customer page shows: profile, figures, addresses, orders, points, timeline."""
    from django.db.models import Avg

    counted = customer.orders.exclude(status="cancelled")
    paid = counted.filter(paid_at__isnull=False)
    orders = list(customer.orders.order_by("-placed_at", "-id")[:50])
    entries = list_points_entries(customer, limit=50)
    timeline = [
        {"at": o.placed_at, "kind": "order", "text": f"{o.number} · {o.get_status_display()} · ¥{o.grand_total}"}
        for o in orders
    ]
    timeline += [
        {"at": e.created_at, "kind": "points", "text": f"{e.get_kind_display()} {e.delta:+d} {e.reference}"}
        for e in entries
    ]
    timeline += [
        {"at": r.created_at, "kind": "privacy", "text": f"{r.get_kind_display()} · {r.actor_label}"}
        for r in customer.privacy_requests.all()[:20]
    ]
    for m in customer.outreach_messages.select_related("outreach")[:20]:
        parts = [m.outreach.name, m.get_status_display()]
        parts += [gettext("已打开")] if m.opened_at else []
        parts += [gettext("已点击")] if m.clicked_at else []
        timeline.append({"at": m.created_at, "kind": "outreach", "text": " · ".join(parts)})
    timeline += [
        {"at": c.created_at, "kind": "coupon", "text": f"{c.get_source_display()} {c.code} ¥{c.amount}"}
        for c in customer.member_coupons.all()[:20]
    ]
    if customer.signed_up_at:
        timeline.append({"at": customer.signed_up_at, "kind": "account", "text": "sign-up"})
    timeline.sort(key=lambda t: t["at"], reverse=True)
    returns = customer.orders.filter(return_requests__isnull=False).distinct().count()
    addresses = [
        {
            "name": a.name,
            "phone": shown_phone(a.phone, may_see_contact),
            "text": " ".join(
                p
                for p in (
                    a.province,
                    a.city,
                    a.district if may_see_contact else "",
                    a.line1 if may_see_contact else "****",
                )
                if p
            ),
            "is_default": a.is_default,
        }
        for a in customer.addresses.all()
    ]
    return {
        "customer": customer,
        "phone": shown_phone(customer.phone, may_see_contact),
        "addresses": addresses,
        "orders": orders,
        "orders_count": counted.count(),
        "lifetime_spend": paid.aggregate(s=Sum("grand_total"))["s"] or Decimal("0.00"),
        "average_order": (paid.aggregate(a=Avg("grand_total"))["a"] or Decimal("0")).quantize(Decimal("0.01")),
        "last_order_at": customer.orders.aggregate(m=Max("placed_at"))["m"],
        "returns": returns,
        "points_entries": entries,
        "timeline": timeline[:100],
        "tier_name": tier_names().get(customer.tier, ("", ""))[0],
    }

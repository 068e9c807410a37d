"""Campaign use cases: create one by hand or from a festival template (with its promotions)."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from dianpu.audit.services import record_audit
from dianpu.catalog.models import Product
from dianpu.core import clock
from dianpu.core.actors import Actor
from dianpu.core.errors import DomainError, ValidationFailed
from dianpu.promotions.models import Promotion
from dianpu.promotions.services import create_promotion

from .domain.festivals import FESTIVALS_BY_CODE, festival_window
from .messages import FIELD_ERRORS, MESSAGES
from .models import Campaign


def _invalid(errors: dict[str, Any]) -> ValidationFailed:
    texts = {}
    for key, value in errors.items():
        code, params = value if isinstance(value, tuple) else (value, {})
        texts[key] = str(FIELD_ERRORS[code]) % params if params else str(FIELD_ERRORS[code])
    return ValidationFailed(texts, detail=str(MESSAGES["invalid"]))


def _money(value: object, key: str, errors: dict[str, Any]) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        errors[key] = "negative"
        return Decimal("0")
    if amount < 0:
        errors[key] = "negative"
    return amount


@transaction.atomic
def create_campaign(
    *,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    budget: object = 0,
    sales_goal: object = 0,
    product_slugs: Sequence[str] = (),
    promotion_ids: Sequence[int] = (),
    utm_campaign: str = "",
    notes: str = "",
    template: str = "",
    actor: Actor = None,
) -> Campaign:
    errors: dict[str, Any] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "required"
    elif len(name) > 100:
        errors["name"] = "too_long"
    if starts_at is None:
        errors["starts_at"] = "required"
    if ends_at is None:
        errors["ends_at"] = "required"
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = "ends_before_start"
    budget = _money(budget, "budget", errors)
    sales_goal = _money(sales_goal, "sales_goal", errors)
    products = list(Product.objects.filter(slug__in=list(product_slugs)))
    missing = sorted(set(product_slugs) - {p.slug for p in products})
    if missing:
        errors["products"] = ("unknown_products", {"items": ", ".join(missing)})
    if errors:
        raise _invalid(errors)
    campaign = Campaign.objects.create(
        name=name,
        starts_at=starts_at,
        ends_at=ends_at,
        budget=budget,
        sales_goal=sales_goal,
        utm_campaign=(utm_campaign or "").strip()[:100],
        notes=notes or "",
        template=template,
        created_at=clock.now(),
    )
    campaign.products.set(products)
    campaign.promotions.set(list(Promotion.objects.filter(pk__in=[int(i) for i in promotion_ids if str(i).isdigit()])))
    record_audit(
        actor=actor,
        action="campaign.created",
        obj=campaign,
        changes={"window": ("", f"{starts_at} – {ends_at}"), "budget": ("", budget)},
    )
    return campaign


@transaction.atomic
def create_campaign_from_template(
    *,
    code: str,
    year: int,
    budget: object = 0,
    sales_goal: object = 0,
    product_slugs: Sequence[str] = (),
    actor: Actor = None,
) -> Campaign:
    """A festival campaign with its usual promotions (scheduled for the festival's dates)."""
    festival = FESTIVALS_BY_CODE.get(code)
    if festival is None:
        raise DomainError(str(MESSAGES["template_unknown"]), code="template_unknown", status=422)
    start, end = (timezone.make_aware(d) for d in festival_window(code, year))
    promotion_ids = []
    for definition in festival.promotions:
        promotion = create_promotion(
            {
                **definition,
                "name": f"{definition['name']} {year}",
                "starts_at": start,
                "ends_at": end,
                "scope": {"all": True},
            },
            actor=actor,
        )
        promotion_ids.append(promotion.pk)
    return create_campaign(
        name=f"{festival.name} {year}",
        starts_at=start,
        ends_at=end,
        budget=budget,
        sales_goal=sales_goal,
        product_slugs=product_slugs,
        promotion_ids=promotion_ids,
        utm_campaign=f"{code}-{year}",
        template=code,
        actor=actor,
    )


def parse_local(value: str) -> datetime | None:
    """A console / API 'YYYY-MM-DDTHH:MM' in the shop's time zone."""
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return timezone.make_aware(datetime.strptime(value.strip(), fmt))
        except (ValueError, AttributeError):
            continue
    return None

"""Bulk actions on a selection of products: list, delist, move category, add tag, change price.

`preview_bulk_action` shows old -> new for every product or SKU without writing; `apply_bulk_action`
applies the same plan in one transaction through `update_product` (so versions, price history, the
floor rule and the audit log behave exactly as for a single edit)."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from dianpu.core.errors import ConflictError, DomainError

from . import queries, services
from .domain.pricing import PRICE_CHANGE_MODES, PriceChange, calculate_floor, calculate_new_price, is_below_floor
from .messages import MESSAGES
from .models import Category, Product

ACTIONS = ("list", "delist", "move_category", "add_tag", "change_price")
PRICE_KINDS = ("price", "sale_price", "member_price")
MAX_SELECTION = 5000


@dataclass(frozen=True)
class BulkAction:
    action: str
    category: Category | None = None
    tag: str = ""
    price_kind: str = "price"
    mode: str = "amount"
    value: Decimal = Decimal("0")


@dataclass
class PreviewRow:
    slug: str
    name: str
    sku: str
    field: str
    old: str
    new: str
    below_floor: bool = False
    floor: Decimal | None = None
    findings: list = field(default_factory=list)
    version: int = 0

    @property
    def changes(self) -> bool:
        return self.old != self.new


def _error(code: str, **extra) -> DomainError:
    return DomainError(MESSAGES[code], code=code, status=422, **extra)


def parse_bulk_action(
    action: str,
    *,
    category: Category | None = None,
    tag: str = "",
    price_kind: str = "price",
    mode: str = "amount",
    value=None,
) -> BulkAction:
    if action not in ACTIONS:
        raise _error("bulk_action_invalid")
    if action == "move_category" and category is None:
        raise _error("category_not_found")
    if action == "add_tag" and not (tag or "").strip():
        raise _error("bulk_action_invalid")
    amount = Decimal("0")
    if action == "change_price":
        if price_kind not in PRICE_KINDS or mode not in PRICE_CHANGE_MODES:
            raise _error("bulk_action_invalid")
        try:
            amount = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise _error("price_not_number") from None
        if not amount.is_finite():
            raise _error("price_not_number")
        if mode == "set" and amount < 0:
            raise _error("price_negative")
    return BulkAction(
        action=action, category=category, tag=(tag or "").strip()[:50], price_kind=price_kind, mode=mode, value=amount
    )


def _products(selection) -> list[Product]:
    products = list(selection.select_related("category").prefetch_related("variants", "tags")[: MAX_SELECTION + 1])
    if not products:
        raise _error("bulk_empty")
    if len(products) > MAX_SELECTION:
        raise DomainError(f"{MAX_SELECTION}+", code="bulk_too_many", status=422)
    return products


def preview_bulk_action(selection, action: BulkAction) -> list[PreviewRow]:
    """Old -> new for each product (or each SKU for a price change); nothing is written."""
    rows = []
    shop_words = queries.get_shop_banned_words() if action.action == "list" else {}
    for p in _products(selection):
        if action.action in ("list", "delist"):
            new = Product.Status.LISTED if action.action == "list" else Product.Status.DELISTED
            findings = queries.get_listing_findings(p, shop_words) if action.action == "list" else []
            rows.append(PreviewRow(p.slug, p.name, "", "status", p.status, new, findings=findings, version=p.version))
        elif action.action == "move_category":
            rows.append(
                PreviewRow(
                    p.slug,
                    p.name,
                    "",
                    "category",
                    p.category.name if p.category else "",
                    action.category.name,
                    version=p.version,
                )
            )
        elif action.action == "add_tag":
            tags = [t.name for t in p.tags.all()]
            new = tags if action.tag in tags else [*tags, action.tag]
            rows.append(PreviewRow(p.slug, p.name, "", "tags", ", ".join(tags), ", ".join(new), version=p.version))
        else:
            margin = services.get_margin_percent(p.category_id)
            for v in p.variants.all():
                old = getattr(v, action.price_kind)
                base = old if old is not None else v.price
                new = calculate_new_price(base, PriceChange(action.mode, action.value))
                floor = calculate_floor(v.cost_price, margin)
                rows.append(
                    PreviewRow(
                        p.slug,
                        p.name,
                        v.sku,
                        action.price_kind,
                        "" if old is None else f"{old:.2f}",
                        f"{new:.2f}",
                        below_floor=is_below_floor(new, floor),
                        floor=floor,
                        version=p.version,
                    )
                )
    return rows


def preview_token(rows: list[PreviewRow]) -> str:
    """A fingerprint of a preview: the same selection, values and product versions give the same
    token, so applying can refuse when anything moved since the operator looked."""
    digest = hashlib.sha256()
    for r in rows:
        digest.update(f"{r.slug}\x1f{r.sku}\x1f{r.field}\x1f{r.old}\x1f{r.new}\x1f{r.version}\x1e".encode())
    return digest.hexdigest()[:20]


@transaction.atomic
def apply_bulk_action(
    *,
    actor,
    selection,
    action: BulkAction,
    reason: str = "",
    override_floor: bool = False,
    ip_address: str | None = None,
    expected_token: str | None = None,
) -> int:
    """Apply the previewed changes; all products or none. Returns how many products changed.

    With `expected_token` (from `preview_token`), a selection that changed since the preview is
    refused; each product is then saved on the version the preview showed (a conditional
    UPDATE), so a change that lands in between is refused too, never overwritten."""
    preview = preview_bulk_action(selection, action)
    if expected_token is not None and preview_token(preview) != expected_token:
        raise ConflictError(MESSAGES["bulk_changed"], code="bulk_changed")
    by_slug: dict[str, list[PreviewRow]] = {}
    for row in preview:
        if row.changes:
            by_slug.setdefault(row.slug, []).append(row)
    products = {p.slug: p for p in Product.objects.filter(slug__in=list(by_slug))}
    for slug, rows in by_slug.items():
        product = products[slug]
        version = rows[0].version
        if action.action in ("list", "delist"):
            services.update_product(
                actor=actor,
                product=product,
                changes={"status": rows[0].new},
                reason=reason,
                ip_address=ip_address,
                expected_version=version,
            )
        elif action.action == "move_category":
            services.update_product(
                actor=actor,
                product=product,
                changes={"category": action.category},
                reason=reason,
                ip_address=ip_address,
                expected_version=version,
            )
        elif action.action == "add_tag":
            tags = [t.strip() for t in rows[0].new.split(",") if t.strip()]
            services.update_product(
                actor=actor,
                product=product,
                changes={"tags": tags},
                reason=reason,
                ip_address=ip_address,
                expected_version=version,
            )
        else:
            services.update_product(
                actor=actor,
                product=product,
                reason=reason,
                ip_address=ip_address,
                expected_version=version,
                variant_changes={
                    r.sku: {action.price_kind: Decimal(r.new), "override_floor": override_floor} for r in rows
                },
            )
    return len(by_slug)

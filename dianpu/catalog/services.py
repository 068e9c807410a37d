"""Catalog use cases: create, edit, list/delist, images, delete. Each owns its transaction."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Q, RestrictedError
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.actors import Actor
from dianpu.core.errors import ConflictError, DomainError, ValidationFailed
from dianpu.core.money import to_money
from dianpu.core.sanitize import clean_text, plain_text, sanitize_html

from .domain.pricing import calculate_floor, is_below_floor, resolve_margin_percent
from .domain.search import build_search_document
from .domain.slugs import first_free_slug, is_valid_slug, make_slug
from .messages import MESSAGES
from .models import Category, MarginRule, PriceHistory, Product, ProductImage, Tag, Variant

if TYPE_CHECKING:
    from .models import BannedWord, Brand, SearchSynonym

THUMBNAIL_SIZE = (480, 480)


@dataclass
class VariantInput:
    sku: str
    price: Decimal
    options: dict[str, str] = field(default_factory=dict)
    options_en: dict[str, str] = field(default_factory=dict)  # the same keys, English texts (English pages)
    compare_at_price: Decimal | None = None
    cost_price: Decimal = Decimal("0")
    weight_grams: int = 0
    barcode: str = ""
    sale_price: Decimal | None = None
    member_price: Decimal | None = None


def clean_options(options: dict[Any, Any] | None) -> dict[str, str]:
    """Option name -> value as stored: plain text, names up to 30 and values up to 50 characters."""
    return {clean_text(str(k))[:30]: clean_text(str(v))[:50] for k, v in (options or {}).items()}


def _error(code: str, status: int = 422, **extra: Any) -> DomainError:
    return DomainError(MESSAGES[code], code=code, status=status, **extra)


def _unique_slug(base: str, exclude_pk: int | None = None) -> str:
    return first_free_slug(base, lambda slug: Product.objects.filter(slug=slug).exclude(pk=exclude_pk).exists())


def refresh_derived_fields(product: Product) -> None:
    """Recompute what is kept from the variants and texts: min price and search document."""
    product.min_price = min((v.selling_price for v in product.variants.filter(is_active=True)), default=Decimal("0"))
    skus = " ".join(product.variants.values_list("sku", flat=True))
    tags = " ".join(product.tags.values_list("name", flat=True))
    category = product.category
    product.search_document = build_search_document(
        product.name,
        product.name_en,
        product.brand,
        tags,
        skus,
        category.name if category else "",
        category.name_en if category else "",
        plain_text(product.description)[:500],
        plain_text(product.description_en)[:500],
    )
    product.search_title = build_search_document(
        product.name,
        product.name_en,
        product.brand,
        category.name if category else "",
        category.name_en if category else "",
    )
    Product.objects.filter(pk=product.pk).update(
        min_price=product.min_price, search_document=product.search_document, search_title=product.search_title
    )
    if getattr(settings, "SEARCH_ENGINE", "database") != "database":
        transaction.on_commit(lambda: _queue_search_sync([product.pk]))


def _queue_search_sync(product_ids: list[int]) -> None:
    """After the commit: the worker sends the products to the external search engine."""
    from .tasks import sync_search_engine

    sync_search_engine(product_ids)


def _clean_variant(v: VariantInput) -> VariantInput:
    sku = clean_text(v.sku)[:64]
    if not sku:
        raise ValidationFailed({"sku": str(_("请填写 SKU 编码。"))})
    price = to_money(v.price)
    cost = to_money(v.cost_price or 0)
    compare = to_money(v.compare_at_price) if v.compare_at_price not in (None, "") else None
    sale = to_money(v.sale_price) if v.sale_price not in (None, "") else None
    member = to_money(v.member_price) if v.member_price not in (None, "") else None
    if price < 0 or cost < 0 or any(x is not None and x < 0 for x in (compare, sale, member)):
        raise _error("price_negative", sku=sku)
    options = clean_options(v.options)
    return VariantInput(
        sku=sku,
        price=price,
        options=options,
        options_en=clean_options(v.options_en),
        compare_at_price=compare,
        cost_price=cost,
        weight_grams=max(0, int(v.weight_grams or 0)),
        barcode=clean_text(v.barcode)[:32],
        sale_price=sale,
        member_price=member,
    )


@transaction.atomic
def create_product(
    *,
    actor: Actor,
    name: str,
    variants: list[VariantInput],
    name_en: str = "",
    description: str = "",
    description_en: str = "",
    brand: str = "",
    category: Category | None = None,
    tags: Sequence[str] = (),
    status: str = Product.Status.DRAFT,
    slug: str = "",
    seo_title: str = "",
    seo_description: str = "",
) -> Product:
    name = clean_text(name)
    if not name:
        raise _error("name_required")
    if not variants:
        raise _error("variants_required")
    if status not in Product.Status.values:
        raise _error("status_invalid")
    cleaned = [_clean_variant(v) for v in variants]
    skus = [v.sku for v in cleaned]
    if len(set(skus)) != len(skus):
        raise _error("sku_duplicated")
    taken = list(Variant.objects.filter(sku__in=skus).values_list("sku", flat=True))
    if taken:
        raise _error("sku_taken", sku=taken[0])
    if slug:
        if not is_valid_slug(slug):
            raise _error("slug_invalid")
        if Product.objects.filter(slug=slug).exists():
            raise _error("slug_taken")
    else:
        slug = _unique_slug(make_slug(name, name_en))
    now = clock.now()
    product = Product.objects.create(
        name=name[:120],
        name_en=clean_text(name_en)[:120],
        slug=slug,
        description=sanitize_html(description),
        description_en=sanitize_html(description_en),
        brand=clean_text(brand)[:80],
        category=category,
        status=status,
        seo_title=clean_text(seo_title)[:70],
        seo_description=clean_text(seo_description)[:200],
        listed_at=now if status == Product.Status.LISTED else None,
    )
    try:
        with transaction.atomic():
            Variant.objects.bulk_create(
                [
                    Variant(
                        product=product,
                        sku=v.sku,
                        options=v.options,
                        options_en=v.options_en,
                        price=v.price,
                        compare_at_price=v.compare_at_price,
                        cost_price=v.cost_price,
                        sale_price=v.sale_price,
                        member_price=v.member_price,
                        weight_grams=v.weight_grams,
                        barcode=v.barcode,
                        position=i,
                    )
                    for i, v in enumerate(cleaned)
                ]
            )
    except IntegrityError as exc:
        raise _error("sku_taken") from exc
    set_product_tags(product, tags)
    refresh_derived_fields(product)
    record_audit(
        actor=actor,
        action="product.created",
        obj=product,
        changes={"status": (None, status), **{f"price[{v.sku}]": (None, v.price) for v in cleaned}},
    )
    return product


def set_product_tags(product: Product, names: Iterable[str] | None) -> None:
    tags = []
    for raw in names or ():
        tag_name = clean_text(raw)[:50]
        if not tag_name:
            continue
        tag, _created = Tag.objects.get_or_create(
            name=tag_name, defaults={"slug": make_slug(tag_name, fallback_prefix="t")}
        )
        tags.append(tag)
    product.tags.set(tags)


PRODUCT_TEXT_FIELDS = {"name": 120, "name_en": 120, "brand": 80, "seo_title": 70, "seo_description": 200}
PRODUCT_HTML_FIELDS = ("description", "description_en")
VARIANT_MONEY_FIELDS = ("price", "sale_price", "member_price", "compare_at_price", "cost_price")
FLOOR_CHECKED = ("price", "sale_price", "member_price")
OPTIONAL_MONEY = ("sale_price", "member_price", "compare_at_price")


@transaction.atomic
def update_product(
    *,
    actor: Actor,
    product: Product,
    changes: dict[str, Any] | None = None,
    variant_changes: dict[str, dict[str, Any]] | None = None,
    expected_version: int | None = None,
    reason: str = "",
    ip_address: str | None = None,
) -> Product:
    """Apply field changes to a product and its variants; price and status changes are audited.

    `changes` may hold name, name_en, description, description_en, brand, seo_title,
    seo_description, slug, category (Category or None), tags (list of names), status.
    `variant_changes` maps SKU -> {price, sale_price, member_price, compare_at_price, cost_price,
    weight_grams, barcode, options, options_en, is_active, override_floor}. A price below the floor (cost x
    (1 + minimum margin)) is refused unless that SKU's `override_floor` is true and a `reason` is
    given; the override is audited. With `expected_version`, an edit of an older version is refused.
    """
    changes = changes or {}
    bumped = Product.objects.filter(pk=product.pk)
    if expected_version is not None:
        bumped = bumped.filter(version=expected_version)
    if bumped.update(version=F("version") + 1) != 1:
        raise ConflictError(MESSAGES["product_changed"], code="product_changed")
    product.refresh_from_db()
    audit_changes: dict[str, Any] = {}
    for field_name, limit in PRODUCT_TEXT_FIELDS.items():
        if field_name in changes:
            value = clean_text(changes[field_name] or "")[:limit]
            if field_name == "name" and not value:
                raise _error("name_required")
            if value != getattr(product, field_name):
                audit_changes[field_name] = (getattr(product, field_name), value)
                setattr(product, field_name, value)
    for field_name in PRODUCT_HTML_FIELDS:
        if field_name in changes:
            value = sanitize_html(changes[field_name] or "")
            if value != getattr(product, field_name):
                audit_changes[field_name] = ("…", "…")
                setattr(product, field_name, value)
    if "slug" in changes and changes["slug"] != product.slug:
        slug = changes["slug"]
        if not is_valid_slug(slug):
            raise _error("slug_invalid")
        if Product.objects.filter(slug=slug).exclude(pk=product.pk).exists():
            raise _error("slug_taken")
        audit_changes["slug"] = (product.slug, slug)
        product.slug = slug
    if "attributes" in changes:
        attributes = clean_attributes(changes["attributes"] or {})
        if attributes != (product.attributes or {}):
            audit_changes["attributes"] = (product.attributes, attributes)
            product.attributes = attributes
    if "category" in changes and changes["category"] != product.category:
        audit_changes["category"] = (product.category, changes["category"])
        product.category = changes["category"]
    for when in ("scheduled_list_at", "scheduled_delist_at"):
        if when in changes and changes[when] != getattr(product, when):
            audit_changes[when] = (getattr(product, when), changes[when])
            setattr(product, when, changes[when])
    if (
        product.scheduled_list_at
        and product.scheduled_delist_at
        and product.scheduled_delist_at <= product.scheduled_list_at
    ):
        raise _error("schedule_invalid")
    if "status" in changes and changes["status"] != product.status:
        status = changes["status"]
        if status not in Product.Status.values:
            raise _error("status_invalid")
        audit_changes["status"] = (product.status, status)
        product.status = status
        if status == Product.Status.LISTED:
            product.listed_at = clock.now()
    product.save()
    if "tags" in changes:
        set_product_tags(product, changes["tags"])
    margin = get_margin_percent(product.category_id)
    history: list[PriceHistory] = []
    overridden: dict[str, Any] = {}
    for sku, fields in (variant_changes or {}).items():
        changed, below = _update_variant(product, sku, fields, margin, reason)
        audit_changes.update(changed)
        overridden.update(below)
        history += _history_rows(product, sku, changed, below, actor, reason, "edit")
    PriceHistory.objects.bulk_create(history)
    if overridden:
        record_audit(
            actor=actor,
            action="price.floor_overridden",
            obj=product,
            changes=overridden,
            reason=reason,
            ip_address=ip_address,
        )
    refresh_derived_fields(product)
    if audit_changes:
        price_changes = {k: v for k, v in audit_changes.items() if k.split("[", 1)[0] in VARIANT_MONEY_FIELDS}
        other = {k: v for k, v in audit_changes.items() if k not in price_changes}
        if price_changes:
            record_audit(
                actor=actor,
                action="price.changed",
                obj=product,
                changes=price_changes,
                reason=reason,
                ip_address=ip_address,
            )
        if other:
            record_audit(
                actor=actor, action="product.changed", obj=product, changes=other, reason=reason, ip_address=ip_address
            )
    return product


def _update_variant(
    product: Product, sku: str, fields: dict[str, Any], margin: Decimal | None, reason: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply one SKU's changes; returns (audit changes, the floor-overridden ones)."""
    variant = product.variants.filter(sku=sku).first()
    if variant is None:
        raise DomainError(MESSAGES["product_not_found"], code="unknown_sku", status=422, sku=sku)
    changed = {}
    for money_field in VARIANT_MONEY_FIELDS:
        if money_field in fields:
            raw = fields[money_field]
            try:
                value = None if raw in (None, "") and money_field in OPTIONAL_MONEY else to_money(raw)
            except (TypeError, ValueError):
                raise _error("price_not_number", sku=sku) from None
            if value is not None and value < 0:
                raise _error("price_negative", sku=sku)
            if value != getattr(variant, money_field):
                changed[f"{money_field}[{sku}]"] = (getattr(variant, money_field), value)
                setattr(variant, money_field, value)
    below = {}
    floor = calculate_floor(variant.cost_price, margin)
    for name in FLOOR_CHECKED:
        key = f"{name}[{sku}]"
        if key in changed and is_below_floor(changed[key][1], floor):
            below[key] = changed[key]
    if below:
        if not fields.get("override_floor"):
            raise DomainError(
                str(MESSAGES["below_floor"]) % {"floor": floor},
                code="below_floor",
                status=422,
                sku=sku,
                floor=str(floor),
            )
        if not (reason or "").strip():
            raise _error("override_reason_required", sku=sku)
    if "weight_grams" in fields:
        variant.weight_grams = max(0, int(fields["weight_grams"] or 0))
    if "barcode" in fields:
        variant.barcode = clean_text(fields["barcode"] or "")[:32]
    if "options" in fields:
        variant.options = clean_options(fields["options"])
    if "options_en" in fields:
        variant.options_en = clean_options(fields["options_en"])
    if "is_active" in fields:
        variant.is_active = bool(fields["is_active"])
    variant.save()
    return changed, below


def _actor_label(actor: Actor) -> str:
    return actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else "system"


def _history_rows(
    product: Product,
    sku: str,
    changed: dict[str, Any],
    below: dict[str, Any],
    actor: Actor,
    reason: str,
    source: str,
) -> list[PriceHistory]:
    variant_id: int | None = None
    rows = []
    now = clock.now()
    for key, (old, new) in changed.items():
        kind = key.split("[", 1)[0]
        if kind not in VARIANT_MONEY_FIELDS:
            continue
        if variant_id is None:  # the SKU exists: its changes were just saved
            variant_id = product.variants.values_list("id", flat=True).get(sku=sku)
        rows.append(
            PriceHistory(
                variant_id=variant_id,
                kind=kind,
                old_amount=old,
                new_amount=new,
                below_floor=key in below,
                reason=(reason or "")[:500],
                actor_label=_actor_label(actor),
                source=source,
                created_at=now,
            )
        )
    return rows


def get_margin_percent(category_id: int | None) -> Decimal | None:
    rules: dict[int | None, Decimal] = dict(
        MarginRule.objects.filter(Q(category__isnull=True) | Q(category_id=category_id)).values_list(
            "category_id", "min_margin_percent"
        )
    )
    return resolve_margin_percent(rules.get(None), {k: v for k, v in rules.items() if k is not None}, category_id)


@transaction.atomic
def set_margin_rule(
    *, actor: Actor, category: Category | None, min_margin_percent: Any, ip_address: str | None = None
) -> MarginRule | None:
    """Set (or with None, remove) the minimum margin for the shop (category None) or one category."""
    existing = MarginRule.objects.filter(category=category).first()
    old = existing.min_margin_percent if existing else None
    if min_margin_percent in (None, ""):
        if existing:
            existing.delete()
        record_audit(
            actor=actor,
            action="price.floor_rule_changed",
            object_type="catalog.marginrule",
            object_repr=str(category or "shop"),
            changes={"min_margin_percent": (old, None)},
            ip_address=ip_address,
        )
        return None
    try:
        percent = Decimal(str(min_margin_percent))
    except Exception:
        raise _error("margin_invalid") from None
    if not percent.is_finite() or percent < 0 or percent > 1000:
        raise _error("margin_invalid")
    percent = percent.quantize(Decimal("0.01"))
    rule, _created = MarginRule.objects.update_or_create(category=category, defaults={"min_margin_percent": percent})
    record_audit(
        actor=actor,
        action="price.floor_rule_changed",
        obj=rule,
        object_repr=str(category or "shop"),
        changes={"min_margin_percent": (old, percent)},
        ip_address=ip_address,
    )
    return rule


@transaction.atomic
def add_variant(*, actor: Actor, product: Product, variant: VariantInput) -> Variant:
    v = _clean_variant(variant)
    if Variant.objects.filter(sku=v.sku).exists():
        raise _error("sku_taken", sku=v.sku)
    created = Variant.objects.create(
        product=product,
        sku=v.sku,
        options=v.options,
        options_en=v.options_en,
        price=v.price,
        compare_at_price=v.compare_at_price,
        cost_price=v.cost_price,
        sale_price=v.sale_price,
        member_price=v.member_price,
        weight_grams=v.weight_grams,
        barcode=v.barcode,
        position=product.variants.count(),
    )
    refresh_derived_fields(product)
    record_audit(actor=actor, action="price.changed", obj=product, changes={f"price[{v.sku}]": (None, v.price)})
    return created


def set_product_status(*, actor: Actor, product: Product, status: str, ip_address: str | None = None) -> Product:
    return update_product(actor=actor, product=product, changes={"status": status}, ip_address=ip_address)


def make_thumbnail(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        rgb = img.convert("RGB")
        rgb.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        rgb.save(out, "JPEG", quality=82, optimize=True, progressive=True)
        return out.getvalue()


@transaction.atomic
def add_product_image(
    *, actor: Actor, product: Product, filename: str, data: bytes, alt_text: str = ""
) -> ProductImage:
    """Store an image and its generated thumbnail; refuses anything that is not a picture."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        thumb = make_thumbnail(data)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise _error("image_invalid") from exc
    stem = make_slug(filename.rsplit(".", 1)[0], fallback_prefix="img")[:40]
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    if ext not in {"jpg", "jpeg", "png", "webp", "gif"}:
        ext = "jpg"
    image = ProductImage(product=product, alt_text=clean_text(alt_text)[:200], position=product.images.count())
    image.image.save(f"{stem}.{ext}", ContentFile(data), save=False)
    image.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumb), save=False)
    image.save()
    record_audit(actor=actor, action="product.image_added", obj=product, changes={"image": (None, image.image.name)})
    return image


@transaction.atomic
def delete_product(*, actor: Actor, product: Product, ip_address: str | None = None) -> None:
    """Delete a product nothing refers to. One that orders, stock moves or other records point at
    is refused (409 `product_in_use_delist_instead`): it is retired by delisting it instead."""
    record_audit(actor=actor, action="product.deleted", obj=product, ip_address=ip_address)
    try:
        with transaction.atomic():
            product.delete()
    except (ProtectedError, RestrictedError):
        raise _error("product_in_use_delist_instead", status=409, retire_with="delist") from None


def record_units_sold(units_by_product: dict[int, int]) -> None:
    """Keep `sold_count` (the bestselling sort) in step with orders placed and cancelled."""
    for product_id, units in sorted(units_by_product.items()):
        if units:
            Product.objects.filter(pk=product_id).update(sold_count=Greatest(F("sold_count") + units, 0))


def apply_scheduled_listings(now: datetime | None = None) -> dict[str, int]:
    """List products whose listing time has come and delist those whose delisting time has; each
    change is a conditional UPDATE (two workers cannot both apply it) and is audited."""
    now = now or clock.now()
    counts = {"listed": 0, "delisted": 0}
    due_list = Product.objects.filter(scheduled_list_at__lte=now).exclude(status=Product.Status.LISTED)
    for product in due_list.order_by("pk"):
        with transaction.atomic():
            moved = Product.objects.filter(pk=product.pk, scheduled_list_at=product.scheduled_list_at).update(
                status=Product.Status.LISTED, listed_at=now, scheduled_list_at=None, version=F("version") + 1
            )
            if moved:
                counts["listed"] += 1
                record_audit(
                    actor=None,
                    action="product.listed_on_schedule",
                    obj=product,
                    changes={"status": (product.status, Product.Status.LISTED)},
                )
    due_delist = Product.objects.filter(scheduled_delist_at__lte=now)
    for product in due_delist.order_by("pk"):
        with transaction.atomic():
            moved = Product.objects.filter(pk=product.pk, scheduled_delist_at=product.scheduled_delist_at).update(
                status=Product.Status.DELISTED, scheduled_delist_at=None, version=F("version") + 1
            )
            if moved:
                counts["delisted"] += 1
                record_audit(
                    actor=None,
                    action="product.delisted_on_schedule",
                    obj=product,
                    changes={"status": (product.status, Product.Status.DELISTED)},
                )
    return counts


@transaction.atomic
def add_banned_word(*, actor: Actor, word: str, reason: str = "", ip_address: str | None = None) -> "BannedWord":
    from .models import BannedWord

    word = clean_text(word)
    if not word or len(word) > 50:
        raise _error("banned_word_invalid")
    if BannedWord.objects.filter(word=word).exists():
        raise _error("banned_word_taken")
    try:
        with transaction.atomic():
            banned = BannedWord.objects.create(word=word, reason=clean_text(reason)[:200])
    except IntegrityError:
        raise _error("banned_word_taken") from None
    record_audit(
        actor=actor,
        action="catalog.banned_word_added",
        obj=banned,
        changes={"word": (None, word)},
        ip_address=ip_address,
    )
    return banned


@transaction.atomic
def remove_banned_word(*, actor: Actor, word: str, ip_address: str | None = None) -> bool:
    from .models import BannedWord

    deleted, _count = BannedWord.objects.filter(word=word).delete()
    if deleted:
        record_audit(
            actor=actor,
            action="catalog.banned_word_removed",
            object_type="catalog.bannedword",
            object_repr=word,
            changes={"word": (word, None)},
            ip_address=ip_address,
        )
    return bool(deleted)


@transaction.atomic
def duplicate_product(*, actor: Actor, product: Product, sku_suffix: str = "-COPY") -> Product:
    """A draft copy of a product: same texts, category, tags and prices; SKUs get `sku_suffix`
    (made unique); images are shared files re-used by new image rows. Stock is not copied."""
    suffix = clean_text(sku_suffix)[:20] or "-COPY"
    variants = []
    for v in product.variants.all():
        base = f"{v.sku}{suffix}"[:64]
        sku = first_free_slug(base, lambda s: Variant.objects.filter(sku=s).exists())[:64]
        variants.append(
            VariantInput(
                sku=sku,
                price=v.price,
                options=v.options,
                compare_at_price=v.compare_at_price,
                cost_price=v.cost_price,
                weight_grams=v.weight_grams,
                barcode="",
                sale_price=v.sale_price,
                member_price=v.member_price,
            )
        )
    copy = create_product(
        actor=actor,
        name=product.name,
        name_en=product.name_en,
        description=product.description,
        description_en=product.description_en,
        brand=product.brand,
        category=product.category,
        tags=[t.name for t in product.tags.all()],
        status=Product.Status.DRAFT,
        seo_title=product.seo_title,
        seo_description=product.seo_description,
        variants=variants,
    )
    ProductImage.objects.bulk_create(
        [
            ProductImage(
                product=copy, image=i.image.name, thumbnail=i.thumbnail.name, alt_text=i.alt_text, position=i.position
            )
            for i in product.images.all()
        ]
    )
    record_audit(actor=actor, action="product.duplicated", obj=copy, changes={"source": (None, product.slug)})
    return copy


@transaction.atomic
def update_product_images(
    *, actor: Actor, product: Product, order: list[int] | None = None, alt_texts: dict[int, str] | None = None
) -> None:
    """Reorder a product's images (`order`: image ids, first = main image) and set their alt texts."""
    images = {i.pk: i for i in product.images.all()}
    if order:
        ordered = [pk for pk in order if pk in images] + [pk for pk in images if pk not in order]
        for position, pk in enumerate(ordered):
            images[pk].position = position
    for pk, text in (alt_texts or {}).items():
        if pk in images:
            images[pk].alt_text = clean_text(text)[:200]
    ProductImage.objects.bulk_update(list(images.values()), ["position", "alt_text"])
    record_audit(
        actor=actor,
        action="product.images_changed",
        obj=product,
        changes={"images": (None, ", ".join(str(i.pk) for i in sorted(images.values(), key=lambda i: i.position)))},
    )


def clean_attributes(raw: Any) -> dict[str, str]:
    """{name: value} with names and values as plain single-line text; empty pairs dropped."""
    if not isinstance(raw, dict):
        raise _error("attributes_invalid")
    cleaned = {}
    for key, value in raw.items():
        name, text = clean_text(str(key))[:30], clean_text(str(value if value is not None else ""))[:100]
        if name and text:
            cleaned[name] = text
    if len(cleaned) > 50:
        raise _error("attributes_invalid")
    return cleaned


@transaction.atomic
def create_brand(
    *, actor: Actor, name: str, name_en: str = "", description: str = "", ip_address: str | None = None
) -> "Brand":
    from .models import Brand

    name = clean_text(name)[:80]
    if not name:
        raise _error("name_required")
    if Brand.objects.filter(name=name).exists():
        raise _error("brand_taken")
    slug = first_free_slug(
        make_slug(name, name_en, fallback_prefix="b"), lambda s: Brand.objects.filter(slug=s).exists()
    )
    try:
        with transaction.atomic():
            brand = Brand.objects.create(
                name=name, name_en=clean_text(name_en)[:80], slug=slug, description=sanitize_html(description)
            )
    except IntegrityError:
        raise _error("brand_taken") from None
    record_audit(
        actor=actor, action="catalog.brand_created", obj=brand, changes={"name": (None, name)}, ip_address=ip_address
    )
    return brand


@transaction.atomic
def rename_brand(
    *, actor: Actor, brand: "Brand", name: str, name_en: str | None = None, ip_address: str | None = None
) -> int:
    """Rename a brand and every product that names it; returns how many products changed."""
    from .models import Brand

    new = clean_text(name)[:80]
    if not new:
        raise _error("name_required")
    if new != brand.name and Brand.objects.filter(name=new).exists():
        raise _error("brand_taken")
    old = brand.name
    brand.name = new
    if name_en is not None:
        brand.name_en = clean_text(name_en)[:80]
    brand.save()
    moved = Product.objects.filter(brand=old).update(brand=new, version=F("version") + 1)
    record_audit(
        actor=actor,
        action="catalog.brand_renamed",
        obj=brand,
        changes={"name": (old, new)},
        reason=f"{moved} products",
        ip_address=ip_address,
    )
    return moved


def set_variant_cost_price(*, variant_id: int, cost_price: Decimal, actor: Actor = None, reason: str = "") -> None:
    """Store a SKU's cost (inventory's moving average after a receipt); audited."""
    cost_price = to_money(cost_price)
    if cost_price < 0:
        raise DomainError(MESSAGES["price_negative"], code="price_negative", status=422)
    old = Variant.objects.filter(pk=variant_id).values_list("cost_price", flat=True).first()
    if old is None or old == cost_price:
        return
    Variant.objects.filter(pk=variant_id).update(cost_price=cost_price)
    record_audit(
        actor=actor,
        action="variant.cost_changed",
        object_type="catalog.variant",
        object_id=str(variant_id),
        changes={"cost_price": (str(old), str(cost_price))},
        reason=reason,
    )


@transaction.atomic
def add_search_synonym(*, actor: Actor, words: str, ip_address: str | None = None) -> "SearchSynonym":
    """A group of words a search treats as one ("手机, 电话"): at least two, stored normalised."""
    from .domain.search import synonym_words
    from .models import SearchSynonym

    group = synonym_words(words)
    text = ", ".join(group)
    if len(group) < 2 or len(text) > 300:
        raise _error("synonym_invalid")
    try:
        with transaction.atomic():
            synonym, created = SearchSynonym.objects.get_or_create(words=text)
    except IntegrityError:
        created = False
    if not created:
        raise _error("synonym_taken")
    record_audit(
        actor=actor, action="catalog.synonym_added", obj=synonym, changes={"words": (None, text)}, ip_address=ip_address
    )
    return synonym


@transaction.atomic
def remove_search_synonym(*, actor: Actor, synonym_id: int, ip_address: str | None = None) -> bool:
    from .models import SearchSynonym

    synonym = SearchSynonym.objects.filter(pk=synonym_id).first()
    if synonym is None:
        return False
    synonym.delete()
    record_audit(
        actor=actor,
        action="catalog.synonym_removed",
        object_type="catalog.searchsynonym",
        object_repr=synonym.words,
        changes={"words": (synonym.words, None)},
        ip_address=ip_address,
    )
    return True

"""The demo catalogue: the category tree, products with variants, prices, barcodes, tags,
descriptions, search text and a picture each — planned in memory, then written in bulk.

Search text is built by the catalog's own `build_search_document` from the same parts
`catalog.services.refresh_derived_fields` uses, so storefront search works on demo data
exactly as on products created in the console.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import product as cartesian

from django.core.files.base import ContentFile
from django.db import transaction

from dianpu.audit.models import AuditEntry
from dianpu.catalog.domain.search import build_search_document
from dianpu.catalog.domain.slugs import first_free_slug, make_slug
from dianpu.catalog.models import Category, Product, ProductImage, Tag, Variant
from dianpu.catalog.services import make_thumbnail
from dianpu.core.money import to_money
from dianpu.core.sanitize import plain_text, sanitize_html

from .barcodes import BarcodeIssuer
from .images import draw_product_image
from .vocabulary import CATEGORY_TREE, GENERAL_TAGS, Leaf, OptionAxis, Root

ROOT_SHARES = {"apparel": 0.30, "electronics": 0.25, "home": 0.25, "food": 0.20}
P_DRAFT = 0.04
P_DELISTED = 0.05
P_LAUNCHED_IN_WINDOW = 0.22
P_COMPARE_AT = 0.3


@dataclass
class SkuPlan:
    index: int
    product_index: int
    sku: str
    options: dict
    price: Decimal
    compare_at_price: Decimal | None
    cost_price: Decimal
    weight_grams: int
    barcode: str
    popularity: float
    position: int
    variant_id: int = 0
    stock_level_id: int = 0

    @property
    def label(self) -> str:  # Variant.option_label
        return " / ".join(str(v) for v in self.options.values())


@dataclass
class ProductPlan:
    index: int
    leaf: Leaf
    root: Root
    name: str
    name_en: str
    slug: str
    brand: str
    status: str
    tags: list[str]
    description: str
    description_en: str
    created_at: datetime
    listed_at: datetime | None
    delisted_at: datetime | None
    sells_from: date | None  # None: before the first day
    sells_until: date | None  # last day it can be bought
    popularity: float
    skus: list[SkuPlan] = field(default_factory=list)
    product_id: int = 0
    category_id: int = 0

    def sells_on(self, day: date) -> bool:
        if self.status == Product.Status.DRAFT:
            return False
        started = self.sells_from is None or self.sells_from <= day
        return started and (self.sells_until is None or day <= self.sells_until)


def price_point(yuan: float, cents: str = "0.00") -> Decimal:
    """Shop prices: 19, 29 … 99, 109 … 299, then 349, 399 … with .00 or .90."""
    if yuan < 300:
        whole = max(9, round((yuan - 9) / 10) * 10 + 9)
    else:
        whole = round((yuan + 1) / 50) * 50 - 1
        cents = "0.00"
    return Decimal(whole) + Decimal(cents)


def _pick_values(rng: random.Random, axis: OptionAxis):
    low, high = axis.pick
    count = min(len(axis.values), rng.randint(low, high))
    if axis.contiguous:
        start = rng.randrange(len(axis.values) - count + 1)
        return axis.values[start : start + count]
    chosen = sorted(rng.sample(range(len(axis.values)), count))
    return tuple(axis.values[i] for i in chosen)


def _leaf_sequence(rng: random.Random, n: int) -> list[tuple[Root, Leaf]]:
    """Every subcategory once (when there are enough products), then by the roots' shares."""
    leaves = [(root, leaf) for root in CATEGORY_TREE for leaf in root.leaves]
    plan = leaves[:n]
    weights = [ROOT_SHARES[root.slug] / len(root.leaves) for root, _ in leaves]
    plan += rng.choices(leaves, weights=weights, k=max(0, n - len(plan)))
    rng.shuffle(plan)
    return plan


def _description(rng: random.Random, root: Root, leaf: Leaf, name: str, name_en: str, adj, mat) -> tuple[str, str]:
    pitch_zh, pitch_en = rng.choice(root.pitch)
    facts_zh = "".join(f"<li>{label[0]}：{value[0]}</li>" for label, value in root.facts)
    facts_en = "".join(f"<li>{label[1]}: {value[1]}</li>" for label, value in root.facts)
    zh = (
        f"<p><strong>{name}</strong>，{adj[0]}设计，{mat[0]}品质。{pitch_zh}</p>"
        f"<ul><li>类目：{leaf.name[0]}</li>{facts_zh}</ul>"
    )
    en = (
        f"<p><strong>{name_en}</strong>: {adj[1].lower()} design, {mat[1]} quality. {pitch_en}</p>"
        f"<ul><li>Category: {leaf.name[1]}</li>{facts_en}</ul>"
    )
    return sanitize_html(zh), sanitize_html(en)


def plan_catalog(rng: random.Random, *, products: int, first_day: date, today: date, tz) -> list[ProductPlan]:
    barcodes = BarcodeIssuer(rng)
    names_taken: set[str] = set()
    slugs_taken: set[str] = set()
    plans: list[ProductPlan] = []
    window = (today - first_day).days + 1
    sku_index = 0
    for index, (root, leaf) in enumerate(_leaf_sequence(rng, products)):
        for attempt in range(30):
            adj, mat, item = rng.choice(leaf.adjectives), rng.choice(leaf.materials), rng.choice(leaf.items)
            name, name_en = f"{adj[0]}{mat[0]}{item[0]}", f"{adj[1]} {mat[1]} {item[1]}"
            if attempt >= 20:
                series = rng.randint(2, 99)
                name, name_en = f"{name} {series}代", f"{name_en} Gen {series}"
            if name not in names_taken:
                break
        names_taken.add(name)
        slug = first_free_slug(make_slug(name, name_en), slugs_taken.__contains__)
        slugs_taken.add(slug)
        brand_zh, brand_en = rng.choice(root.brands)
        brand = f"{brand_zh} {brand_en}"

        u = rng.random()
        status = (
            Product.Status.DRAFT
            if u < P_DRAFT
            else Product.Status.DELISTED
            if u < P_DRAFT + P_DELISTED
            else Product.Status.LISTED
        )
        sells_from = sells_until = listed_at = delisted_at = None
        if status == Product.Status.DRAFT:
            created_at = _at(today - timedelta(days=rng.randint(0, 20)), tz, rng)
        elif rng.random() < P_LAUNCHED_IN_WINDOW and window > 7:
            sells_from = first_day + timedelta(days=rng.randrange(window - 2))
            created_at = _at(sells_from - timedelta(days=rng.randint(2, 12)), tz, rng)
            listed_at = datetime(sells_from.year, sells_from.month, sells_from.day, 10, tzinfo=tz)
        else:
            created_at = _at(first_day - timedelta(days=rng.randint(20, 500)), tz, rng)
            listed_at = created_at + timedelta(hours=rng.randint(2, 72))
        if status == Product.Status.DELISTED:
            start = sells_from or first_day
            span = (today - start).days  # sold at least 20 days (when there were) before it was delisted
            sells_until = start + timedelta(days=rng.randint(min(span, 20), span))
            delisted_at = datetime(sells_until.year, sells_until.month, sells_until.day, 22, tzinfo=tz) + timedelta(
                minutes=rng.randrange(90)
            )

        tags = sorted(
            set(
                rng.sample(leaf.tags, min(len(leaf.tags), rng.randint(1, 3)))
                + ([rng.choice(GENERAL_TAGS)] if rng.random() < 0.5 else [])
            )
        )
        description, description_en = _description(rng, root, leaf, name, name_en, adj, mat)
        plan = ProductPlan(
            index=index,
            leaf=leaf,
            root=root,
            name=name,
            name_en=name_en,
            slug=slug,
            brand=brand,
            status=status,
            tags=tags,
            description=description,
            description_en=description_en,
            created_at=created_at,
            listed_at=listed_at,
            delisted_at=delisted_at,
            sells_from=sells_from,
            sells_until=sells_until,
            popularity=1.0,
        )
        base_price = math.exp(rng.uniform(math.log(leaf.price[0]), math.log(leaf.price[1])))
        cents = "0.90" if rng.random() < 0.3 else "0.00"
        base_weight = rng.randint(*leaf.weight)
        margin = rng.uniform(0.32, 0.58)
        compare = rng.uniform(1.25, 1.6) if rng.random() < P_COMPARE_AT else None
        axes = [(axis, _pick_values(rng, axis)) for axis in leaf.axes]
        for position, combo in enumerate(cartesian(*(values for _, values in axes))):
            yuan = base_price
            for value in combo:
                yuan *= value.price_factor
            yuan += sum(value.price_step for value in combo)
            price = price_point(yuan, cents)
            popularity = math.prod(value.popularity for value in combo) * rng.uniform(0.7, 1.3)
            plan.skus.append(
                SkuPlan(
                    index=sku_index,
                    product_index=index,
                    sku=f"{leaf.code}{index + 1:04d}-" + "-".join(value.code for value in combo),
                    options={axis.name: value.zh for (axis, _), value in zip(axes, combo, strict=True)},
                    price=price,
                    compare_at_price=price_point(float(price) * compare) if compare else None,
                    cost_price=to_money(price * Decimal(str(round(margin * rng.uniform(0.95, 1.05), 4)))),
                    weight_grams=max(10, base_weight + sum(value.weight_step for value in combo)),
                    barcode=barcodes.issue(brand),
                    popularity=popularity,
                    position=position,
                )
            )
            sku_index += 1
        plans.append(plan)
    # Popularity: a long tail, a few bestsellers; cheaper things sell more often.
    ranks = list(range(len(plans)))
    rng.shuffle(ranks)
    for plan, rank in zip(plans, ranks, strict=True):
        cheapest = float(min(s.price for s in plan.skus))
        plan.popularity = 1.0 / (rank + 3) ** 0.95 * (80 / cheapest) ** 0.7
    return plans


def _at(day: date, tz, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(9, 18), rng.randrange(60), tzinfo=tz)


def search_document(plan: ProductPlan, category: Category) -> str:
    """What catalog.services.refresh_derived_fields stores, from the same parts in the same order."""
    return build_search_document(
        plan.name,
        plan.name_en,
        plan.brand,
        " ".join(plan.tags),
        " ".join(s.sku for s in plan.skus),
        category.name,
        category.name_en,
        plain_text(plan.description)[:500],
        plain_text(plan.description_en)[:500],
    )


def write_categories() -> dict[str, Category]:
    roots = [
        Category(
            name=root.name[0],
            name_en=root.name[1],
            slug=root.slug,
            position=i,
            seo_description=f"{root.name[0]}：{'、'.join(leaf.name[0] for leaf in root.leaves)}",
        )
        for i, root in enumerate(CATEGORY_TREE)
    ]
    Category.objects.bulk_create(roots)
    leaves = [
        Category(parent=parent, name=leaf.name[0], name_en=leaf.name[1], slug=leaf.slug, position=j)
        for parent, root in zip(roots, CATEGORY_TREE, strict=True)
        for j, leaf in enumerate(root.leaves)
    ]
    Category.objects.bulk_create(leaves)
    return {c.slug: c for c in roots + leaves}


def write_tags(plans: list[ProductPlan]) -> dict[str, Tag]:
    names = sorted({t for plan in plans for t in plan.tags})
    tags, slugs = [], set()
    for tag_name in names:
        slug = first_free_slug(make_slug(tag_name, fallback_prefix="t"), slugs.__contains__)
        slugs.add(slug)
        tags.append(Tag(name=tag_name, slug=slug))
    Tag.objects.bulk_create(tags)
    return {t.name: t for t in tags}


def write_products(
    plans: list[ProductPlan],
    categories: dict[str, Category],
    tags: dict[str, Tag],
    *,
    operator_id: int | None,
    batch: int = 500,
) -> None:
    """Products, their tags and variants, and an audit entry per creation (and delisting)."""
    for start in range(0, len(plans), batch):
        chunk = plans[start : start + batch]
        with transaction.atomic():
            rows = []
            for plan in chunk:
                category = categories[plan.leaf.slug]
                plan.category_id = category.id
                active = [s.price for s in plan.skus]
                rows.append(
                    Product(
                        name=plan.name,
                        name_en=plan.name_en,
                        slug=plan.slug,
                        description=plan.description,
                        description_en=plan.description_en,
                        brand=plan.brand,
                        category=category,
                        status=plan.status,
                        min_price=min(active),
                        search_document=search_document(plan, category),
                        search_title=build_search_document(
                            plan.name, plan.name_en, plan.brand, category.name, category.name_en
                        ),
                        listed_at=plan.listed_at,
                        seo_description=plain_text(plan.description)[:200],
                    )
                )
            Product.objects.bulk_create(rows)
            for plan, row in zip(chunk, rows, strict=True):
                plan.product_id = row.id
                # auto_now_add / auto_now stamped "now" on insert: put the history back.
                row.created_at = plan.created_at
                row.updated_at = plan.delisted_at or plan.listed_at or plan.created_at
            Product.objects.bulk_update(rows, ["created_at", "updated_at"])
            Product.tags.through.objects.bulk_create(
                [
                    Product.tags.through(product_id=plan.product_id, tag_id=tags[t].id)
                    for plan in chunk
                    for t in plan.tags
                ]
            )
            variants = [
                Variant(
                    product_id=plan.product_id,
                    sku=s.sku,
                    options=s.options,
                    price=s.price,
                    compare_at_price=s.compare_at_price,
                    cost_price=s.cost_price,
                    weight_grams=s.weight_grams,
                    barcode=s.barcode,
                    position=s.position,
                )
                for plan in chunk
                for s in plan.skus
            ]
            Variant.objects.bulk_create(variants)
            for s, v in zip((s for plan in chunk for s in plan.skus), variants, strict=True):
                s.variant_id = v.id
            AuditEntry.objects.bulk_create(_product_audit(chunk, operator_id))


def _product_audit(plans: list[ProductPlan], operator_id: int | None) -> list[AuditEntry]:
    entries = []
    for plan in plans:
        created = {"status": [None, Product.Status.DRAFT if plan.status == Product.Status.DRAFT else "listed"]}
        created.update({f"price[{s.sku}]": [None, str(s.price)] for s in plan.skus})
        entries.append(
            AuditEntry(
                actor_id=operator_id,
                actor_label="operator",
                action="product.created",
                object_type="catalog.product",
                object_id=str(plan.product_id),
                object_repr=plan.name,
                changes=created,
                created_at=plan.created_at,
            )
        )
        if plan.delisted_at:
            entries.append(
                AuditEntry(
                    actor_id=operator_id,
                    actor_label="operator",
                    action="product.changed",
                    object_type="catalog.product",
                    object_id=str(plan.product_id),
                    object_repr=plan.name,
                    changes={"status": ["listed", "delisted"]},
                    reason="季末下架",
                    created_at=plan.delisted_at,
                )
            )
    return entries


def write_images(plans: list[ProductPlan], *, seed: int, progress, batch: int = 200) -> int:
    """One picture per product, with the thumbnail catalog.services would make, and alt text."""
    image_field = ProductImage._meta.get_field("image")
    thumb_field = ProductImage._meta.get_field("thumbnail")
    written = 0
    for start in range(0, len(plans), batch):
        rows = []
        for plan in plans[start : start + batch]:
            data = draw_product_image(
                shape=plan.leaf.shape,
                colour=plan.root.colour,
                title=plan.name_en,
                brand=plan.brand.split(" ", 1)[-1],
                seed=f"{seed}:{plan.slug}",
            )
            row = ProductImage(product_id=plan.product_id, alt_text=f"{plan.name} {plan.name_en}"[:200], position=0)
            stem = plan.slug[:40]
            row.image = image_field.storage.save(image_field.generate_filename(row, f"{stem}.jpg"), ContentFile(data))
            row.thumbnail = thumb_field.storage.save(
                thumb_field.generate_filename(row, f"{stem}-thumb.jpg"), ContentFile(make_thumbnail(data))
            )
            rows.append(row)
            progress.update(1)
        ProductImage.objects.bulk_create(rows)
        written += len(rows)
    return written

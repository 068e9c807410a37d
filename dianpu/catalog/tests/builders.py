"""Test builders: a product with sensible defaults, through the real services."""

import itertools
from decimal import Decimal

from dianpu.catalog.models import Category, Product
from dianpu.catalog.services import VariantInput
from dianpu.inventory.services import create_product_with_stock

_seq = itertools.count(1)


def make_category(name="服装", name_en="Apparel", slug=None, parent=None) -> Category:
    n = next(_seq)
    return Category.objects.create(name=name, name_en=name_en, slug=slug or f"cat-{n}", parent=parent, position=n)


def make_product(
    *,
    name="纯棉T恤",
    name_en="Cotton T-shirt",
    price="59.00",
    stock=10,
    skus=None,
    status=Product.Status.LISTED,
    category=None,
    description="<p>舒适的纯棉T恤。</p>",
    tags=(),
    options=None,
    cost_price="20.00",
    actor=None,
    brand="",
) -> Product:
    """A product with one variant per SKU (default: one), each priced `price`, holding `stock`."""
    n = next(_seq)
    skus = skus or [f"SKU-{n}"]
    variants = [
        VariantInput(
            sku=sku,
            price=Decimal(str(price)),
            cost_price=Decimal(str(cost_price)),
            options=(options or {"尺码": size}) if len(skus) > 1 or options else {},
            weight_grams=300,
        )
        for sku, size in zip(skus, itertools.cycle(["S", "M", "L", "XL"]))
    ]
    return create_product_with_stock(
        actor=actor,
        stock_by_sku={sku: stock for sku in skus},
        name=name,
        name_en=name_en,
        variants=variants,
        description=description,
        status=status,
        category=category,
        tags=list(tags),
        brand=brand,
    )
